public import ChatAPI
public import Foundation

/// Records a stream as a `Turn`, however it ends: `done`, `error`, or cancellation; the fold is ChatAPI's.
public struct TurnRecorder: Sendable {
    public private(set) var fold = AnswerFold()
    private let input: String
    private let startedAt: Date

    public init(input: String, startedAt: Date = Date()) {
        self.input = input
        self.startedAt = startedAt
    }

    /// The turn as recorded so far.
    public var turn: Turn {
        Turn(
            input: input,
            answer: fold.answer,
            sources: fold.sources,
            citations: fold.citations,
            finishReason: fold.finishReason,
            interrupted: fold.interrupted,
            errorCode: fold.error?.code,
            errorMessage: fold.error?.message,
            timings: fold.done?.timingsMs,
            conversationId: fold.conversationId,
            startedAt: startedAt
        )
    }

    /// Takes one event into the turn.
    public mutating func observe(_ event: StreamEvent) {
        fold.observe(event)
    }

    /// Marks the turn interrupted (Ctrl-C): the partial text stays.
    public mutating func interrupt() {
        fold.interrupt()
    }

    /// Records a failure that happened outside the stream (transport, or a thrown request error).
    public mutating func fail(code: ErrorCode, message: String) {
        fold.fail(StreamErrorEvent(code: code, message: message))
    }
}
