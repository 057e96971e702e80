public import ChatAPI
public import Foundation

/// An answer or comparison in flight: events arrive as the backend produces them.
///
/// Dropping the stream or cancelling its consumer stops the work: in-process the engine task is cancelled,
/// remotely the transfer is aborted and the server cancels on disconnect.
public typealias AnswerStream = AsyncThrowingStream<StreamEvent, any Error>

/// Which kind of backend a client talks to.
public enum BackendKind: Sendable, Equatable {
    /// The in-process engine on a local data directory.
    case embedded(dataDirectory: String)
    /// A `chatshell serve` instance.
    case remote(server: String)

    /// How `/whoami` and the banner name it.
    public var description: String {
        switch self {
        case .embedded: "local store"
        case .remote(let server): server
        }
    }
}

/// The one interface between the client (REPL, `ask`, bridge, replay, eval) and a document Q&A backend.
///
/// `EmbeddedBackend` runs the engine in-process; `RemoteBackend` speaks the HTTP API. Both produce the same
/// objects, error codes and event sequences (http-api.md), so callers cannot tell them apart but by `kind`.
public protocol Backend: Sendable {
    /// Which backend this is.
    var kind: BackendKind { get }

    // MARK: - Meta
    /// What the backend offers (`GET /capabilities`).
    func capabilities() async throws -> Capabilities

    // MARK: - Identity
    /// Creates an account and signs in.
    func register(email: String, password: String) async throws -> TokenResponse
    /// Signs in.
    func login(email: String, password: String) async throws -> TokenResponse
    /// Signs out and forgets the stored tokens.
    func logout() async throws
    /// Who the caller is.
    func whoAmI() async throws -> Identity

    // MARK: - Ask
    /// Asks a question; returns once the request is accepted (validation errors are thrown).
    func ask(_ request: QueryRequest) async throws -> AnswerStream

    /// Ranks the passages an answer to the query would be built from, without answering (`POST /search`).
    func search(_ request: SearchRequest) async throws -> SearchResponse

    // MARK: - Documents
    /// Uploads a local file; `shared` uploads go to the shared scope (admins only).
    func upload(file: URL, title: String?, shared: Bool) async throws -> UploadResponse
    /// Processing state of an upload.
    func documentStatus(id: String) async throws -> DocumentStatus
    /// Waits until an upload is indexed or failed, reporting its state on the way; returns the final state.
    func waitUntilProcessed(id: String, progress: @Sendable (DocumentStatus) -> Void) async throws -> DocumentStatus
    /// Documents visible to the caller, newest first.
    func documents(scope: String?, limit: Int, offset: Int) async throws -> Page<Document>
    /// One document.
    func document(id: String) async throws -> Document
    /// Deletes a document; `shared` deletes through the admin route.
    func deleteDocument(id: String, shared: Bool) async throws -> Deleted
    /// Removes the documents read from files under these local folders whose file is gone (`ingest --prune`).
    func pruneDocuments(under folders: [URL], shared: Bool) async throws -> [Document]
    /// One passage in full.
    func chunk(documentId: String, chunkId: String) async throws -> ChunkDetail
    /// A processed document's text, its passages in order (`GET /documents/{id}/text`).
    func documentText(id: String) async throws -> DocumentText
    /// The first passage of a document, where the backend can tell it cheaply (for `/docs show`).
    func firstPassage(documentId: String) async throws -> String?

    // MARK: - Conversations
    /// The caller's conversations, most recently updated first.
    func conversations(limit: Int, offset: Int) async throws -> Page<ConversationSummary>
    /// One conversation with its messages.
    func conversation(id: String) async throws -> ConversationDetail
    /// Deletes a conversation.
    func deleteConversation(id: String) async throws -> Deleted

    // MARK: - Compare
    /// Compares two to five documents; `done` carries the `DocumentComparison`.
    func compare(_ request: CompareRequest) async throws -> AnswerStream

    // MARK: - Memory
    /// The caller's personal memories.
    func memories(limit: Int, offset: Int) async throws -> Page<Memory>
    /// Stores a personal memory (an equal one is returned instead of a copy).
    func remember(_ content: String) async throws -> Memory
    /// Deletes a personal memory.
    func forget(id: String) async throws -> Deleted

    // MARK: - Admin
    /// Shared memories.
    func sharedMemories(limit: Int, offset: Int) async throws -> Page<Memory>
    /// Adds a shared memory.
    func addSharedMemory(_ content: String) async throws -> Memory
    /// Deletes a shared memory.
    func deleteSharedMemory(id: String) async throws -> Deleted
    /// All accounts.
    func users(limit: Int, offset: Int) async throws -> Page<AdminUser>
    /// Changes an account's role.
    func setRole(userId: String, role: Role) async throws -> UserInfo
}

extension Backend {
    /// Remote backends have no chunk listing: no first passage.
    public func firstPassage(documentId: String) async throws -> String? { nil }

    /// A server is not told where its documents' files were: only the local store can prune.
    public func pruneDocuments(under folders: [URL], shared: Bool) async throws -> [Document] {
        throw BackendError.api(
            ErrorBody.Detail(
                code: .badRequest,
                message: "--prune works on the local store only: a server does not know which files its documents "
                    + "came from. Run ingest without --server, or delete documents with /docs rm.",
                status: 400
            )
        )
    }

    /// Polls the status, from a short first wait doubling to a bound: a small file is indexed within
    /// milliseconds, a large PDF may take seconds, and neither should wait long or poll often.
    public func waitUntilProcessed(
        id: String,
        progress: @Sendable (DocumentStatus) -> Void
    ) async throws -> DocumentStatus {
        var pause = Duration.milliseconds(5)
        var status = try await documentStatus(id: id)
        while !status.isFinished {
            progress(status)
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(250))
            status = try await documentStatus(id: id)
        }
        return status
    }

    /// Runs a question to its end and folds the stream into the `POST /query` body.
    public func query(_ request: QueryRequest) async throws -> QueryResponse {
        var fold = AnswerFold()
        for try await event in try await ask(request) {
            fold.observe(event)
            if let response = fold.response { return response }
            if let error = fold.error {
                throw BackendError.api(
                    ErrorBody.Detail(
                        code: error.code,
                        message: error.message,
                        status: error.code.httpStatus,
                        requestId: error.requestId
                    )
                )
            }
        }
        throw BackendError.transport(StreamErrorEvent.endedEarly().message)
    }
}
