public import ChatAPI
public import Foundation

/// Folds stream events into a `Turn`, however the stream ends: `done`, `error`, or cancellation.
public struct TurnRecorder: Sendable {
    public private(set) var turn: Turn

    public init(input: String, startedAt: Date = Date()) {
        turn = Turn(input: input, startedAt: startedAt)
    }

    /// Takes one event into the turn.
    public mutating func observe(_ event: StreamEvent) {
        switch event {
        case .meta(let meta): turn.conversationId = meta.conversationId ?? turn.conversationId
        case .sources(let sources): turn.sources = sources
        case .token(let chunk): turn.answer += chunk
        case .citation(let citation):
            if let index = turn.citations.firstIndex(where: { $0.n == citation.n }) {
                turn.citations[index].spans.append(citation.span)
            } else {
                turn.citations.append(Citation(n: citation.n, sourceId: citation.sourceId, spans: [citation.span]))
                turn.citations.sort { $0.n < $1.n }
            }
        case .done(let done):
            turn.answer = done.answer
            turn.citations = done.citations
            turn.finishReason = done.finishReason
            // A stream the backend itself cut short counts as interrupted, as Ctrl-C does (repl.md section 4).
            if done.finishReason == .cancelled { turn.interrupted = true }
            turn.timings = done.timingsMs
            turn.conversationId = done.conversationId ?? turn.conversationId
            if let comparison = done.comparison, turn.sources.isEmpty { turn.sources = comparison.sources }
        case .error(let error):
            turn.errorCode = error.code
            turn.errorMessage = error.message
        case .status: break
        }
    }

    /// Marks the turn interrupted (Ctrl-C): the partial text stays.
    public mutating func interrupt() {
        turn.interrupted = true
        if turn.finishReason == nil { turn.finishReason = .cancelled }
    }

    /// Records a failure that happened outside the stream (transport, or a thrown request error).
    public mutating func fail(code: ErrorCode, message: String) {
        turn.errorCode = code
        turn.errorMessage = message
    }
}
