public import ChatAPI
public import Engine
public import Foundation

/// The in-process backend: the engine on a local data directory, used as one implicit admin account.
///
/// Engine errors become the same `BackendError` values the server would send, so callers cannot tell the two
/// backends apart but by `kind`.
public final class EmbeddedBackend: Backend {
    public let knowledgeBase: KnowledgeBase
    /// Who the local user is.
    public let principal: Principal

    /// - Parameters:
    ///   - knowledgeBase: the engine to use.
    ///   - principal: who the local user is; the local admin unless a transcript asks for another role.
    public init(knowledgeBase: KnowledgeBase, principal: Principal = .local) {
        self.knowledgeBase = knowledgeBase
        self.principal = principal
    }

    public var kind: BackendKind { .embedded(dataDirectory: knowledgeBase.configuration.dataDirectory.path) }

    public func capabilities() async throws -> Capabilities { knowledgeBase.capabilities() }

    // MARK: - Identity

    public func register(email: String, password: String) async throws -> TokenResponse {
        throw Self.needsServer("/register")
    }
    public func login(email: String, password: String) async throws -> TokenResponse {
        throw Self.needsServer("/login")
    }
    public func logout() async throws { throw Self.needsServer("/logout") }

    public func whoAmI() async throws -> Identity {
        Identity(id: principal.id, email: principal.email, role: principal.role, anonSessionId: nil, createdAt: nil)
    }

    // MARK: - Ask

    public func ask(_ request: QueryRequest) async throws -> AnswerStream {
        try map { try knowledgeBase.ask(request, as: principal) }
    }

    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        try await mapAsync { try await knowledgeBase.search(request, as: principal) }
    }

    // MARK: - Documents

    public func upload(file: URL, title: String?, shared: Bool) async throws -> UploadResponse {
        try await mapAsync {
            try await knowledgeBase.upload(file: file, title: title, shared: shared, as: principal).response
        }
    }

    public func documentStatus(id: String) async throws -> DocumentStatus {
        try map { try knowledgeBase.documentStatus(id: id, as: principal) }
    }

    /// The engine reports the end of processing directly: no polling.
    public func waitUntilProcessed(
        id: String,
        progress: @Sendable (DocumentStatus) -> Void
    ) async throws -> DocumentStatus {
        try await mapAsync { try await knowledgeBase.waitUntilProcessed(id: id, as: principal) }
    }

    public func documents(scope: String?, limit: Int, offset: Int) async throws -> Page<Document> {
        try map { try knowledgeBase.documents(as: principal, scope: scope, limit: limit, offset: offset) }
    }

    public func document(id: String) async throws -> Document {
        try map { try knowledgeBase.document(id: id, as: principal) }
    }

    public func deleteDocument(id: String, shared: Bool) async throws -> Deleted {
        try map { try knowledgeBase.deleteDocument(id: id, viaAdmin: shared, as: principal) }
    }

    public func pruneDocuments(under folders: [URL], shared: Bool) async throws -> [Document] {
        try map { try knowledgeBase.pruneDocuments(under: folders, shared: shared, as: principal) }
    }

    public func chunk(documentId: String, chunkId: String) async throws -> ChunkDetail {
        try map { try knowledgeBase.chunk(documentId: documentId, chunkId: chunkId, as: principal) }
    }

    public func documentText(id: String) async throws -> DocumentText {
        try map { try knowledgeBase.documentText(id: id, as: principal) }
    }

    public func firstPassage(documentId: String) async throws -> String? {
        try map { try knowledgeBase.firstChunk(documentId: documentId, as: principal)?.text }
    }

    // MARK: - Conversations

    public func conversations(limit: Int, offset: Int) async throws -> Page<ConversationSummary> {
        try map { try knowledgeBase.conversations(as: principal, limit: limit, offset: offset) }
    }

    public func conversation(id: String) async throws -> ConversationDetail {
        try map { try knowledgeBase.conversation(id: id, as: principal) }
    }

    public func deleteConversation(id: String) async throws -> Deleted {
        try map { try knowledgeBase.deleteConversation(id: id, as: principal) }
    }

    // MARK: - Compare

    public func compare(_ request: CompareRequest) async throws -> AnswerStream {
        try map { try knowledgeBase.compare(request, as: principal) }
    }

    // MARK: - Memory

    public func memories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try map { try knowledgeBase.memories(as: principal, limit: limit, offset: offset) }
    }

    public func remember(_ content: String) async throws -> Memory {
        try map { try knowledgeBase.remember(content, as: principal) }
    }

    public func forget(id: String) async throws -> Deleted {
        try map { try knowledgeBase.forget(id: id, as: principal) }
    }

    // MARK: - Admin

    public func sharedMemories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try map { try knowledgeBase.sharedMemories(as: principal, limit: limit, offset: offset) }
    }

    public func addSharedMemory(_ content: String) async throws -> Memory {
        try map { try knowledgeBase.addSharedMemory(content, as: principal) }
    }

    public func deleteSharedMemory(id: String) async throws -> Deleted {
        try map { try knowledgeBase.deleteSharedMemory(id: id, as: principal) }
    }

    public func users(limit: Int, offset: Int) async throws -> Page<AdminUser> {
        var page = try map { try knowledgeBase.users(as: principal, limit: limit, offset: offset) }
        // The local store's built-in account is implicit: it owns the documents but has no row of its own.
        if page.total == 0, principal == .local, offset == 0 {
            let documents = try map { try knowledgeBase.documents(as: principal, scope: "personal", limit: 1) }.total
            let memories = try map { try knowledgeBase.memories(as: principal, limit: 1) }.total
            page.items = [
                AdminUser(
                    id: principal.id,
                    email: "local",
                    role: .admin,
                    createdAt: "",
                    documentCount: documents,
                    memoryCount: memories
                )
            ]
            page.total = 1
        }
        return page
    }

    public func setRole(userId: String, role: Role) async throws -> UserInfo {
        try map { try knowledgeBase.setRole(userId: userId, role: role, as: principal) }
    }

    // MARK: - Error mapping

    private func map<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw Self.backendError(error) }
    }

    private func mapAsync<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw Self.backendError(error) }
    }

    /// The `BackendError` the server would produce for an engine error.
    public static func backendError(_ error: any Error) -> any Error {
        switch error {
        case let error as EngineError:
            return BackendError.api(
                ErrorBody.Detail(code: error.code, message: error.message, status: error.status, details: error.details)
            )
        case is CancellationError, is BackendError:
            return error
        default:
            return BackendError.api(
                ErrorBody.Detail(
                    code: .internalError,
                    message: "internal error: \(error) (please report this)",
                    status: 500
                )
            )
        }
    }

    private static func needsServer(_ command: String) -> BackendError {
        .api(
            ErrorBody.Detail(
                code: .badRequest,
                message: "\(command) needs a server: start chatshell with --server URL (or set CHATSHELL_SERVER). "
                    + "The local store has one built-in account.",
                status: 400
            )
        )
    }
}
