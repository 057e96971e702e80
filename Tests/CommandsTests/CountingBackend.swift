import ChatAPI
import ChatClient
import Foundation
import Synchronization

/// A real backend with a tally of the document listings asked of it.
///
/// A listing is what a remote backend sends as a `GET /documents` request; everything else passes through.
final class CountingBackend: Backend {
    let base: any Backend
    private let listings = Mutex(0)

    init(_ base: any Backend) {
        self.base = base
    }

    /// How many times `documents(scope:limit:offset:)` was called.
    var documentListings: Int { listings.withLock { $0 } }

    var kind: BackendKind { base.kind }

    func documents(scope: String?, limit: Int, offset: Int) async throws -> Page<Document> {
        listings.withLock { $0 += 1 }
        return try await base.documents(scope: scope, limit: limit, offset: offset)
    }

    func capabilities() async throws -> Capabilities { try await base.capabilities() }
    func register(email: String, password: String) async throws -> TokenResponse {
        try await base.register(email: email, password: password)
    }
    func login(email: String, password: String) async throws -> TokenResponse {
        try await base.login(email: email, password: password)
    }
    func logout() async throws { try await base.logout() }
    func whoAmI() async throws -> Identity { try await base.whoAmI() }
    func ask(_ request: QueryRequest) async throws -> AnswerStream { try await base.ask(request) }
    func search(_ request: SearchRequest) async throws -> SearchResponse { try await base.search(request) }
    func upload(file: URL, title: String?, shared: Bool) async throws -> UploadResponse {
        try await base.upload(file: file, title: title, shared: shared)
    }
    func documentStatus(id: String) async throws -> DocumentStatus { try await base.documentStatus(id: id) }
    func waitUntilProcessed(id: String, progress: @Sendable (DocumentStatus) -> Void) async throws -> DocumentStatus {
        try await base.waitUntilProcessed(id: id, progress: progress)
    }
    func document(id: String) async throws -> Document { try await base.document(id: id) }
    func deleteDocument(id: String, shared: Bool) async throws -> Deleted {
        try await base.deleteDocument(id: id, shared: shared)
    }
    func pruneDocuments(under folders: [URL], shared: Bool) async throws -> [Document] {
        try await base.pruneDocuments(under: folders, shared: shared)
    }
    func chunk(documentId: String, chunkId: String) async throws -> ChunkDetail {
        try await base.chunk(documentId: documentId, chunkId: chunkId)
    }
    func documentText(id: String) async throws -> DocumentText { try await base.documentText(id: id) }
    func firstPassage(documentId: String) async throws -> String? {
        try await base.firstPassage(documentId: documentId)
    }
    func conversations(limit: Int, offset: Int) async throws -> Page<ConversationSummary> {
        try await base.conversations(limit: limit, offset: offset)
    }
    func conversation(id: String) async throws -> ConversationDetail { try await base.conversation(id: id) }
    func deleteConversation(id: String) async throws -> Deleted { try await base.deleteConversation(id: id) }
    func compare(_ request: CompareRequest) async throws -> AnswerStream { try await base.compare(request) }
    func memories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try await base.memories(limit: limit, offset: offset)
    }
    func remember(_ content: String) async throws -> Memory { try await base.remember(content) }
    func forget(id: String) async throws -> Deleted { try await base.forget(id: id) }
    func sharedMemories(limit: Int, offset: Int) async throws -> Page<Memory> {
        try await base.sharedMemories(limit: limit, offset: offset)
    }
    func addSharedMemory(_ content: String) async throws -> Memory { try await base.addSharedMemory(content) }
    func deleteSharedMemory(id: String) async throws -> Deleted { try await base.deleteSharedMemory(id: id) }
    func users(limit: Int, offset: Int) async throws -> Page<AdminUser> {
        try await base.users(limit: limit, offset: offset)
    }
    func setRole(userId: String, role: Role) async throws -> UserInfo {
        try await base.setRole(userId: userId, role: role)
    }
}
