public import ChatAPI
public import ChatClient
public import Foundation
import Synchronization

/// A `Backend` that passes everything through and remembers the uploads made through it, so `/save` can write
/// them as turns and tell which cited documents the conversation uploaded itself.
public final class UploadRecordingBackend: Backend {
    /// One upload call.
    public struct Upload: Sendable, Equatable {
        public var date: Date
        public var file: URL
        public var title: String?
        public var shared: Bool
        /// The response, or the error the call threw.
        public var response: UploadResponse?
        public var failure: Failure?
    }

    /// A failed upload's code and message.
    public struct Failure: Sendable, Equatable {
        public var code: ErrorCode
        public var message: String
    }

    /// The last finished status and the document as the upload's waiting saw them, by document id: what the REPL
    /// printed, kept even when the document is deleted later in the session.
    public struct Seen: Sendable, Equatable {
        public var status: DocumentStatus?
        public var document: Document?
    }

    public let base: any Backend
    private let recorded = Mutex<[Upload]>([])
    private let seen = Mutex<[String: Seen]>([:])

    public init(_ base: any Backend) {
        self.base = base
    }

    /// Uploads made since `date`, oldest first.
    public func uploads(since date: Date) -> [Upload] {
        recorded.withLock { $0.filter { $0.date >= date } }
    }

    /// What the upload's waiting saw of a document it uploaded, if it saw it finish.
    public func seen(documentId: String) -> Seen? {
        seen.withLock { $0[documentId] }
    }

    private func isUploaded(_ id: String) -> Bool {
        recorded.withLock { $0.contains { $0.response?.documentId == id } }
    }

    public var kind: BackendKind { base.kind }

    public func capabilities() async throws -> Capabilities { try await base.capabilities() }
    public func register(email: String, password: String) async throws -> TokenResponse {
        try await base.register(email: email, password: password)
    }
    public func login(email: String, password: String) async throws -> TokenResponse {
        try await base.login(email: email, password: password)
    }
    public func logout() async throws { try await base.logout() }
    public func whoAmI() async throws -> Identity { try await base.whoAmI() }
    public func ask(_ request: QueryRequest) async throws -> AnswerStream { try await base.ask(request) }

    public func upload(file: URL, title: String?, shared: Bool) async throws -> UploadResponse {
        let date = Date()
        do {
            let response = try await base.upload(file: file, title: title, shared: shared)
            recorded.withLock {
                $0.append(Upload(date: date, file: file, title: title, shared: shared, response: response))
            }
            return response
        } catch {
            if case .failure(let code, let message) = CommandOutcome.failure(error) {
                recorded.withLock {
                    $0.append(
                        Upload(
                            date: date,
                            file: file,
                            title: title,
                            shared: shared,
                            failure: Failure(code: code, message: message)
                        )
                    )
                }
            }
            throw error
        }
    }

    public func documentStatus(id: String) async throws -> DocumentStatus {
        let status = try await base.documentStatus(id: id)
        if status.isFinished, isUploaded(id) { seen.withLock { $0[id, default: Seen()].status = status } }
        return status
    }

    public func waitUntilProcessed(
        id: String,
        progress: @Sendable (DocumentStatus) -> Void
    ) async throws -> DocumentStatus {
        let status = try await base.waitUntilProcessed(id: id, progress: progress)
        if isUploaded(id) { seen.withLock { $0[id, default: Seen()].status = status } }
        return status
    }
    public func documents(scope: String?, limit: Int, offset: Int) async throws -> Page<Document> {
        try await base.documents(scope: scope, limit: limit, offset: offset)
    }
    public func document(id: String) async throws -> Document {
        let document = try await base.document(id: id)
        if isUploaded(id) { seen.withLock { $0[id, default: Seen()].document = document } }
        return document
    }
    public func deleteDocument(id: String, shared: Bool) async throws -> Deleted {
        try await base.deleteDocument(id: id, shared: shared)
    }
    public func pruneDocuments(under folders: [URL], shared: Bool) async throws -> [Document] {
        try await base.pruneDocuments(under: folders, shared: shared)
    }
    public func chunk(documentId: String, chunkId: String) async throws -> ChunkDetail {
        try await base.chunk(documentId: documentId, chunkId: chunkId)
    }
    public func documentText(id: String) async throws -> DocumentText {
        try await base.documentText(id: id)
    }
    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        try await base.search(request)
    }
    public func firstPassage(documentId: String) async throws -> String? {
        try await base.firstPassage(documentId: documentId)
    }
    public func conversations(limit: Int, offset: Int) async throws -> Page<ConversationSummary> {
        try await base.conversations(limit: limit, offset: offset)
    }
    public func conversation(id: String) async throws -> ConversationDetail { try await base.conversation(id: id) }
    public func deleteConversation(id: String) async throws -> Deleted { try await base.deleteConversation(id: id) }
    public func compare(_ request: CompareRequest) async throws -> AnswerStream { try await base.compare(request) }
    public func memories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try await base.memories(limit: limit, offset: offset)
    }
    public func remember(_ content: String) async throws -> Memory { try await base.remember(content) }
    public func forget(id: String) async throws -> Deleted { try await base.forget(id: id) }
    public func sharedMemories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try await base.sharedMemories(limit: limit, offset: offset)
    }
    public func addSharedMemory(_ content: String) async throws -> Memory { try await base.addSharedMemory(content) }
    public func deleteSharedMemory(id: String) async throws -> Deleted { try await base.deleteSharedMemory(id: id) }
    public func users(limit: Int, offset: Int) async throws -> Page<AdminUser> {
        try await base.users(limit: limit, offset: offset)
    }
    public func setRole(userId: String, role: Role) async throws -> UserInfo {
        try await base.setRole(userId: userId, role: role)
    }
}
