import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Synchronization

/// A `Backend` double whose answers follow scripts: tokens with delays, `[n]` markers with citations, and
/// failures at chosen points (an `error` event, a thrown transport error, a stream that just stops).
///
/// It logs when each answer begins and ends (its last event, or the stream's termination, which is how a cancelled
/// consumer shows), so tests can check per-conversation FIFO and that cancelled work stops. Scripts pause on
/// `Gate`s the test opens, so what happens meanwhile never depends on the machine's speed.
final class ScriptedBackend: Backend {
    /// How one answer goes.
    struct Script: Sendable {
        /// Where an answer fails.
        enum Failure: Sendable {
            /// An `error` event before token `at`.
            case event(at: Int, code: ErrorCode)
            /// A thrown transport error before token `at` (a broken remote stream).
            case thrown(at: Int)
            /// The stream finishes before token `at` without a terminal event.
            case endsEarly(at: Int)
            /// `ask` itself throws, as for a validation error.
            case rejected(code: ErrorCode)
        }

        var tokens: [String]
        var sources: [Source]
        /// Pause before each token.
        var delay: Duration = .zero
        var failure: Failure?
        /// Pauses per token, overriding `delay` where given (a fast first token, then a long stall).
        var delays: [Duration] = []
        var finish: FinishReason = .stop
        /// Gates before tokens: the stream waits before token `index` until its gate opens (or it is cancelled).
        var holds: [Int: Gate] = [:]
    }

    /// One line of the log.
    enum LogEntry: Sendable, Equatable {
        case begin(query: String, conversationId: String?, assigned: String)
        case end(query: String)
    }

    private struct State {
        var calls = 0
        var log: [LogEntry] = []
        /// Calls whose end is logged, so an answer ends once however it stops.
        var ended: Set<Int> = []
    }

    private let state = Mutex(State())
    private let changes = Changes()
    private let scripter: @Sendable (QueryRequest, Int) -> Script
    private let visibleDocuments: [Document]

    /// - Parameters:
    ///   - documents: what `documents(scope:limit:offset:)` lists.
    ///   - scripter: the script for a request and the call's index (0, 1, …).
    init(
        documents: [Document] = [],
        scripter: @escaping @Sendable (QueryRequest, Int) -> Script = { request, _ in .echo(request.query) }
    ) {
        self.visibleDocuments = documents
        self.scripter = scripter
    }

    var kind: BackendKind { .embedded(dataDirectory: "/scripted") }

    var log: [LogEntry] { state.withLock { $0.log } }

    var calls: Int { state.withLock { $0.calls } }

    /// Waits until the log satisfies `condition` (checked after every entry).
    ///
    /// - Returns: Whether it did before the watchdog.
    @discardableResult
    func waitForLog(_ condition: ([LogEntry]) -> Bool) async -> Bool {
        await changes.wait { condition(log) }
    }

    private func logEntry(_ entry: LogEntry) {
        state.withLock { $0.log.append(entry) }
        changes.notify()
    }

    private func end(call: Int, query: String) {
        let first = state.withLock { $0.ended.insert(call).inserted }
        if first { logEntry(.end(query: query)) }
    }

    // MARK: - Ask

    func ask(_ request: QueryRequest) async throws -> AnswerStream {
        let (index, script) = state.withLock { state -> (Int, Script) in
            defer { state.calls += 1 }
            return (state.calls, scripter(request, state.calls))
        }
        let conversationId = request.conversationId ?? "cnv_\(index)"
        let query = request.query
        logEntry(.begin(query: query, conversationId: request.conversationId, assigned: conversationId))
        if case .rejected(let code) = script.failure {
            end(call: index, query: query)
            throw BackendError.api(ErrorBody.Detail(code: code, message: "rejected: \(query)", status: 422))
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: StreamEvent.self)
        // The answer's work ends before its last event goes out, as a real backend's does, so the next request of
        // a conversation can never begin before this one's end is logged.
        let ended: @Sendable () -> Void = { [self] in end(call: index, query: query) }
        let producer = Task {
            await Self.produce(script, conversationId: conversationId, into: continuation, ended: ended)
        }
        continuation.onTermination = { _ in
            producer.cancel()
            ended()
        }
        return stream
    }

    private static func produce(
        _ script: Script,
        conversationId: String,
        into continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation,
        ended: @Sendable () -> Void
    ) async {
        continuation.yield(
            .meta(MetaEvent(requestId: nil, conversationId: conversationId, messageId: nil, model: "scripted"))
        )
        continuation.yield(.status(stage: "retrieving"))
        continuation.yield(.sources(script.sources))
        continuation.yield(.status(stage: "generating"))
        var answer = ""
        var citations: [Citation] = []
        for (index, token) in script.tokens.enumerated() {
            switch script.failure {
            case .event(let at, let code) where at == index:
                ended()
                continuation.yield(.error(StreamErrorEvent(code: code, message: "scripted failure")))
                continuation.finish()
                return
            case .thrown(let at) where at == index:
                ended()
                continuation.finish(throwing: BackendError.transport("scripted transport failure"))
                return
            case .endsEarly(let at) where at == index:
                ended()
                continuation.finish()
                return
            default:
                break
            }
            let pause = index < script.delays.count ? script.delays[index] : script.delay
            if pause > .zero {
                do { try await Task.sleep(for: pause) } catch { return }
            }
            if let gate = script.holds[index] {
                do { try await gate.wait() } catch { return }
            }
            if Task.isCancelled { return }
            let start = answer.unicodeScalars.count
            answer += token
            continuation.yield(.token(token))
            for (n, span) in CitationMarker.spans(in: answer) where span.end > start {
                let source = script.sources.first { $0.n == n }
                let event = CitationEvent(n: n, sourceId: source?.id ?? "chk_\(n)", span: span)
                continuation.yield(.citation(event))
                if let existing = citations.firstIndex(where: { $0.n == n }) {
                    citations[existing].spans.append(span)
                } else {
                    citations.append(Citation(n: n, sourceId: event.sourceId, spans: [span]))
                }
            }
        }
        let done = DoneEvent(
            finishReason: script.finish,
            answer: answer,
            citations: citations.sorted { $0.n < $1.n },
            usage: Usage(promptTokens: 3, completionTokens: script.tokens.count),
            timingsMs: Timings(retrieval: 1, firstToken: 1, total: 2),
            conversationId: conversationId,
            messageId: nil
        )
        ended()
        continuation.yield(.done(done))
        continuation.finish()
    }

    // MARK: - Documents

    func documents(scope: String?, limit: Int, offset: Int) async throws -> Page<Document> {
        let items = Array(visibleDocuments.dropFirst(offset).prefix(limit))
        return Page(items: items, total: visibleDocuments.count, limit: limit, offset: offset)
    }

    func document(id: String) async throws -> Document {
        guard let document = visibleDocuments.first(where: { $0.id == id }) else { throw Self.unscripted("document") }
        return document
    }

    func remember(_ content: String) async throws -> Memory {
        Memory(
            id: "mem_1",
            content: content,
            scope: .personal,
            source: "user",
            createdBy: nil,
            createdAt: "2026-01-01T00:00:00Z",
            updatedAt: "2026-01-01T00:00:00Z"
        )
    }

    func memories(limit: Int, offset: Int) async throws -> Page<Memory> {
        Page(items: [], total: 0, limit: limit, offset: offset)
    }

    // MARK: - Not scripted

    static func unscripted(_ name: String) -> BackendError {
        BackendError.api(ErrorBody.Detail(code: .internalError, message: "\(name) is not scripted", status: 500))
    }

    func capabilities() async throws -> Capabilities { throw Self.unscripted("capabilities") }
    func register(email: String, password: String) async throws -> TokenResponse { throw Self.unscripted("register") }
    func login(email: String, password: String) async throws -> TokenResponse { throw Self.unscripted("login") }
    func logout() async throws { throw Self.unscripted("logout") }
    func whoAmI() async throws -> Identity { throw Self.unscripted("whoAmI") }
    func upload(file: URL, title: String?, shared: Bool) async throws -> UploadResponse {
        throw Self.unscripted("upload")
    }
    func documentStatus(id: String) async throws -> DocumentStatus { throw Self.unscripted("documentStatus") }
    func deleteDocument(id: String, shared: Bool) async throws -> Deleted { throw Self.unscripted("deleteDocument") }
    func chunk(documentId: String, chunkId: String) async throws -> ChunkDetail { throw Self.unscripted("chunk") }
    func documentText(id: String) async throws -> DocumentText { throw Self.unscripted("documentText") }
    func search(_ request: SearchRequest) async throws -> SearchResponse { throw Self.unscripted("search") }
    func conversations(limit: Int, offset: Int) async throws -> Page<ConversationSummary> {
        throw Self.unscripted("conversations")
    }
    func conversation(id: String) async throws -> ConversationDetail { throw Self.unscripted("conversation") }
    func deleteConversation(id: String) async throws -> Deleted { throw Self.unscripted("deleteConversation") }
    func compare(_ request: CompareRequest) async throws -> AnswerStream { throw Self.unscripted("compare") }
    func forget(id: String) async throws -> Deleted { throw Self.unscripted("forget") }
    func sharedMemories(limit: Int, offset: Int) async throws -> Page<Memory> {
        throw Self.unscripted("sharedMemories")
    }
    func addSharedMemory(_ content: String) async throws -> Memory { throw Self.unscripted("addSharedMemory") }
    func deleteSharedMemory(id: String) async throws -> Deleted { throw Self.unscripted("deleteSharedMemory") }
    func users(limit: Int, offset: Int) async throws -> Page<AdminUser> { throw Self.unscripted("users") }
    func setRole(userId: String, role: Role) async throws -> UserInfo { throw Self.unscripted("setRole") }
}

extension ScriptedBackend.Script {
    /// An answer repeating the question in three tokens with one marker, citing one source.
    static func echo(_ query: String, delay: Duration = .zero) -> Self {
        Self(tokens: ["You asked: ", query, " [1]."], sources: [.sample(1)], delay: delay)
    }

    /// `script`, waiting before token `index` until `gate` opens.
    static func held(_ script: Self, at index: Int, by gate: Gate) -> Self {
        var held = script
        held.holds[index] = gate
        return held
    }
}

extension Source {
    /// A document source numbered `n`.
    static func sample(_ n: Int, page: Int? = 1) -> Source {
        Source(
            n: n,
            id: "chk_\(n)",
            kind: .document,
            documentId: "doc_\(n)",
            chunkId: "chk_\(n)",
            filename: "file \(n).pdf",
            title: "Title \(n)",
            page: page,
            snippet: "snippet \(n)",
            text: "text \(n)",
            score: 1.5,
            heading: nil
        )
    }
}

extension Document {
    /// A ready document.
    static func sample(id: String, filename: String) -> Document {
        Document(
            id: id,
            filename: filename,
            title: filename,
            type: "txt",
            sizeBytes: 10,
            sha256: "0",
            pageCount: nil,
            chunkCount: 1,
            scope: .personal,
            status: "completed",
            errorCode: nil,
            createdAt: "2026-01-01T00:00:00Z",
            updatedAt: "2026-01-01T00:00:00Z"
        )
    }
}

/// A small deterministic random generator (SplitMix64), so a failing stress run can be replayed from its seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
