public import ChatAPI

// The facade's memory operations: access checks here, the work in `MemoryService`.
extension KnowledgeBase {
    /// Stores a personal memory; content equal to an existing one (whitespace collapsed, case-insensitive)
    /// returns that memory instead.
    ///
    /// - Throws: `EngineError.validation` for empty or over-long content.
    @discardableResult
    public func remember(_ content: String, source: String = "user", as principal: Principal) throws -> Memory {
        try memoryService.add(content, scope: .personal, source: source, as: principal)
    }

    /// Adds a shared memory (admins only).
    public func addSharedMemory(_ content: String, as principal: Principal) throws -> Memory {
        guard principal.isAdmin else { throw EngineError.forbidden("Shared memory requires the admin role.") }
        return try memoryService.add(content, scope: .shared, source: "user", as: principal)
    }

    /// The caller's personal memories, newest first.
    public func memories(as principal: Principal, limit: Int = 50, offset: Int = 0) throws -> Page<Memory> {
        try memoryService.list(.personal, as: principal, limit: limit, offset: offset)
    }

    /// Shared memories (admins list them; every account's answers use them).
    public func sharedMemories(as principal: Principal, limit: Int = 50, offset: Int = 0) throws -> Page<Memory> {
        guard principal.isAdmin else { throw EngineError.forbidden("Shared memory requires the admin role.") }
        return try memoryService.list(.shared, as: principal, limit: limit, offset: offset)
    }

    /// Changes a personal memory's content.
    public func updateMemory(id: String, content: String, as principal: Principal) throws -> Memory {
        try memoryService.update(id: id, content: content, as: principal)
    }

    /// Deletes one of the caller's personal memories; it leaves retrieval before this returns.
    public func forget(id: String, as principal: Principal) throws -> Deleted {
        try memoryService.delete(id: id, scope: .personal, as: principal)
    }

    /// Deletes a shared memory (admins only).
    public func deleteSharedMemory(id: String, as principal: Principal) throws -> Deleted {
        guard principal.isAdmin else { throw EngineError.forbidden("Shared memory requires the admin role.") }
        return try memoryService.delete(id: id, scope: .shared, as: principal)
    }
}
