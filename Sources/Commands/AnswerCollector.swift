public import ChatAPI
public import ChatClient
public import Session

/// Runs an answer stream to its end without a terminal: the render pieces, the recorded turn and the
/// `POST /query` body, for `ask`, `eval`, the bridge and transcripts.
public struct AnswerCollector: Sendable {
    /// Everything one answer produced.
    public struct Collected: Sendable {
        public var pieces: [RenderPiece]
        public var turn: Turn
        public var fold: AnswerFold

        /// The `POST /query` 200 body, when the stream ended with `done`.
        public var response: QueryResponse? { fold.response }
    }

    public init() {}

    /// Consumes the stream; a transport failure mid-stream becomes an error piece and is recorded in the turn.
    public func collect(_ stream: AnswerStream, input: String) async -> Collected {
        var renderer = AnswerRenderer()
        var recorder = TurnRecorder(input: input)
        var pieces: [RenderPiece] = []
        do {
            for try await event in stream {
                recorder.observe(event)
                pieces += renderer.render(event)
            }
            if !recorder.fold.isFinished {
                let ended = StreamErrorEvent.endedEarly()
                recorder.fail(code: ended.code, message: ended.message)
                pieces += renderer.render(.error(ended))
            }
        } catch is CancellationError {
            recorder.interrupt()
            pieces += renderer.interrupt()
        } catch {
            let outcome = CommandOutcome.failure(error)
            if case .failure(let code, let message) = outcome {
                recorder.fail(code: code, message: message)
                pieces += renderer.render(.error(StreamErrorEvent(code: code, message: message)))
            }
        }
        return Collected(pieces: pieces, turn: recorder.turn, fold: recorder.fold)
    }
}
