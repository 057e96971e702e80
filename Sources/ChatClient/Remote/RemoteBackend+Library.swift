public import ChatAPI

extension RemoteBackend {
    // MARK: - Conversations

    /// The caller's conversations (`GET /conversations`).
    public func conversations(limit: Int, offset: Int) async throws -> Page<ConversationSummary> {
        try await call(.get(Endpoint.page("/conversations", limit: limit, offset: offset)))
    }

    /// One conversation with its messages (`GET /conversations/{id}`).
    public func conversation(id: String) async throws -> ConversationDetail {
        try await call(.get("/conversations/\(URLPath.segment(id))"))
    }

    /// Deletes a conversation (`DELETE /conversations/{id}`).
    public func deleteConversation(id: String) async throws -> Deleted {
        try await call(.delete("/conversations/\(URLPath.segment(id))"))
    }

    // MARK: - Memory

    /// The caller's personal memories (`GET /memory/personal`).
    public func memories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try await call(.get(Endpoint.page("/memory/personal", limit: limit, offset: offset)))
    }

    /// Stores a personal memory (`POST /memory/personal`).
    public func remember(_ content: String) async throws -> Memory {
        try await call(try .json("POST", "/memory/personal", MemoryRequest(content: content)))
    }

    /// Deletes a personal memory (`DELETE /memory/personal/{id}`).
    public func forget(id: String) async throws -> Deleted {
        try await call(.delete("/memory/personal/\(URLPath.segment(id))"))
    }

    // MARK: - Admin

    /// Shared memories (`GET /admin/shared-memory`).
    public func sharedMemories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try await call(.get(Endpoint.page("/admin/shared-memory", limit: limit, offset: offset)))
    }

    /// Adds a shared memory (`POST /admin/shared-memory`).
    public func addSharedMemory(_ content: String) async throws -> Memory {
        try await call(try .json("POST", "/admin/shared-memory", MemoryRequest(content: content)))
    }

    /// Deletes a shared memory (`DELETE /admin/shared-memory/{id}`).
    public func deleteSharedMemory(id: String) async throws -> Deleted {
        try await call(.delete("/admin/shared-memory/\(URLPath.segment(id))"))
    }

    /// All accounts (`GET /admin/users`).
    public func users(limit: Int, offset: Int) async throws -> Page<AdminUser> {
        try await call(.get(Endpoint.page("/admin/users", limit: limit, offset: offset)))
    }

    private struct RoleBody: Encodable {
        var role: Role
    }

    /// Changes an account's role (`PATCH /admin/users/{id}`).
    public func setRole(userId: String, role: Role) async throws -> UserInfo {
        try await call(try .json("PATCH", "/admin/users/\(URLPath.segment(userId))", RoleBody(role: role)))
    }
}
