import ChatAPI
import Engine

/// An answerer that takes its time: it waits, then streams a few words at a pace, so tests can disconnect,
/// shut down or time out in the middle of an answer.
struct SlowAnswerer: Answerer {
    var model = "slow-test"
    /// Silence before the first fragment.
    var initialDelay: Duration = .zero
    /// Pause between fragments.
    var pause: Duration = .milliseconds(100)
    var fragments = 50

    func answer(_ context: AnswerContext) async throws -> AnswerOutcome {
        guard !context.sources.isEmpty else { return .abstain }
        let (stream, continuation) = AsyncThrowingStream<AnswerFragment, any Error>.makeStream()
        let task = Task {
            do {
                try await Task.sleep(for: initialDelay)
                for index in 0..<fragments {
                    continuation.yield(.text(index == 0 ? "Part \(index) [1]." : " Part \(index) [1]."))
                    try await Task.sleep(for: pause)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return .stream(stream)
    }
}
