/// The one fold of an answer stream's events into the answer they describe: text, sources, citations, finish
/// reason and interruption, however the stream ends (`done`, `error`, cancellation or a cut connection).
///
/// Every consumer (the engine storing the assistant message, the server's JSON twins and shutdown `done`, the
/// client's `query`, the REPL's and the bridge's turns, `ask`, `eval`) folds with it and keeps only what is its
/// own: rendering, recording, framing.
public struct AnswerFold: Sendable, Hashable {
    public private(set) var requestId: String?
    public private(set) var conversationId: String?
    public private(set) var messageId: String?
    /// The text so far; on `done`, the answer the backend reports.
    public private(set) var answer = ""
    /// The numbered sources; for a comparison that sent none, the comparison's own.
    public private(set) var sources: [Source] = []
    /// Whether the `sources` event came (it comes exactly once, before the first token).
    public private(set) var receivedSources = false
    /// One entry per cited `n`, ordered by `n`, spans in text order; on `done`, the backend's list.
    public private(set) var citations: [Citation] = []
    /// The number of `token` events.
    public private(set) var tokenCount = 0
    /// The terminal success event, once it came.
    public private(set) var done: DoneEvent?
    /// The terminal failure: an `error` event, or a failure outside the stream recorded with `fail`.
    public private(set) var error: StreamErrorEvent?
    /// Stopped before its end; the partial text stays.
    ///
    /// By the consumer (Ctrl-C, a dropped stream) or by the backend (`done` with `cancelled`, as when a server
    /// shuts down).
    public private(set) var interrupted = false
    private var stoppedReason: FinishReason?

    public init() {}

    /// Why the answer ended: `done`'s reason, `cancelled` once interrupted, nil while open or after an error.
    public var finishReason: FinishReason? { done?.finishReason ?? stoppedReason }

    /// Whether a terminal event came or the consumer stopped: a stream that ends otherwise ended early.
    public var isFinished: Bool { done != nil || error != nil || interrupted }

    /// Takes one event in.
    public mutating func observe(_ event: StreamEvent) {
        switch event {
        case .meta(let meta):
            requestId = meta.requestId
            conversationId = meta.conversationId ?? conversationId
            messageId = meta.messageId ?? messageId
        case .status:
            break
        case .sources(let list):
            sources = list
            receivedSources = true
        case .token(let chunk):
            answer += chunk
            tokenCount += 1
        case .citation(let citation):
            if let index = citations.firstIndex(where: { $0.n == citation.n }) {
                citations[index].spans.append(citation.span)
            } else {
                citations.append(Citation(n: citation.n, sourceId: citation.sourceId, spans: [citation.span]))
                citations.sort { $0.n < $1.n }
            }
        case .done(let event):
            done = event
            answer = event.answer
            citations = event.citations
            conversationId = event.conversationId ?? conversationId
            messageId = event.messageId ?? messageId
            // A stream the backend itself cut short counts as interrupted, as Ctrl-C does (repl.md section 4).
            if event.finishReason == .cancelled { interrupted = true }
            if sources.isEmpty, let comparison = event.comparison { sources = comparison.sources }
        case .error(let event):
            error = event
        }
    }

    /// The consumer stopped the stream (Ctrl-C, cancellation): the partial text stays, the reason is `cancelled`.
    public mutating func interrupt() {
        interrupted = true
        if done == nil && error == nil { stoppedReason = .cancelled }
    }

    /// Records a failure that happened outside the stream (transport, a thrown request error, an early end).
    public mutating func fail(_ failure: StreamErrorEvent) {
        error = failure
    }

    /// The `POST /query` 200 body, once the stream ended with `done`.
    public var response: QueryResponse? {
        done.map { QueryResponse(done: $0, sources: sources, requestId: requestId) }
    }

    /// The closing event of a stream its producer ends early on purpose (a server shutting down): the answer
    /// equals the chunks sent, and it counts as interrupted (http-api.md section 6).
    public func cancelledDone(elapsedMs: Int) -> DoneEvent {
        DoneEvent(
            finishReason: .cancelled,
            answer: answer,
            citations: citations,
            usage: Usage(promptTokens: 0, completionTokens: Self.wordCount(answer)),
            timingsMs: Timings(retrieval: 0, firstToken: nil, total: elapsedMs),
            conversationId: conversationId,
            messageId: messageId
        )
    }

    /// Words as usage estimates count them when a backend reports no token counts: runs between spaces.
    public static func wordCount(_ text: String) -> Int {
        text.split(separator: " ").count
    }
}

extension StreamErrorEvent {
    /// The one failure of a stream that stopped before `done` or `error` (a cut connection, a producer that
    /// ended without its terminal event).
    ///
    /// - Parameter origin: the server the stream came from, when it was remote.
    /// - Returns: a retryable `backend_unavailable` failure.
    public static func endedEarly(from origin: String? = nil) -> StreamErrorEvent {
        let from = origin.map { " from \($0)" } ?? ""
        return StreamErrorEvent(
            code: .backendUnavailable,
            message: "The answer stream\(from) ended before its done event. Ask again."
        )
    }

    /// The failure of an answer that overran its time limit (`timeout`, HTTP 504).
    public static func timedOut(after limit: Duration, requestId: String? = nil) -> StreamErrorEvent {
        StreamErrorEvent(
            code: .timeout,
            message: "The answer took longer than \(limit.components.seconds) s.",
            requestId: requestId
        )
    }
}
