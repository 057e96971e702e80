import ChatAPI
import ChatTestSupport
import Engine

/// An answerer whose pauses end on events the test chooses: it waits for `start`, streams its fragments, then
/// stalls until it is cancelled (or finishes, when `finishes`), so tests can disconnect, shut down or time out in
/// the middle of an answer however loaded the machine is.
struct StallingAnswerer: Answerer {
    var model = "slow-test"
    /// Opened by the test when the answer may begin; silence until then.
    var start = Gate(open: true)
    /// Fragments before the stall.
    var fragments = 5
    /// Whether the answer ends after its fragments instead of stalling.
    var finishes = false

    func answer(_ context: AnswerContext) async throws -> AnswerOutcome {
        guard !context.sources.isEmpty else { return .abstain }
        let (stream, continuation) = AsyncThrowingStream<AnswerFragment, any Error>.makeStream()
        let task = Task {
            do {
                try await start.wait()
                for index in 0..<fragments {
                    continuation.yield(.text(index == 0 ? "Part \(index) [1]." : " Part \(index) [1]."))
                }
                if !finishes { try await Gate.never.wait() }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return .stream(stream)
    }
}
