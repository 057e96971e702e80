import Synchronization

/// Document frequencies of search expressions, remembered until the indexed chunks change.
///
/// Weighing a question's terms asks the index how many chunks hold each term, the same few thousand terms again
/// and again; the answers only change when a document is indexed or deleted. This process's own changes clear the
/// memo at once; changes by another process sharing the store (a `chatshell ingest` next to a running REPL) show
/// within `lifetime`, since entries expire.
final class FrequencyMemo: Sendable {
    private struct State {
        var generation = 0
        var total: Int?
        var matching: [String: Int] = [:]
        var started = ContinuousClock.now
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let lifetime: Duration

    init(capacity: Int = 20_000, lifetime: Duration = .seconds(5)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// Forgets everything: the indexed chunks changed.
    func invalidate() {
        state.withLock { state in
            state = State(generation: state.generation + 1)
        }
    }

    /// The remembered frequency of `expression`, or the generation to store a fresh one under.
    func lookup(_ expression: String) -> Result<(matching: Int, total: Int), Generation> {
        state.withLock { state in
            if ContinuousClock.now - state.started > lifetime {
                state = State(generation: state.generation + 1)
            }
            if let total = state.total, let matching = state.matching[expression] {
                return .success((matching, total))
            }
            return .failure(Generation(value: state.generation))
        }
    }

    /// Remembers a frequency read from the store, unless the chunks changed since `generation` was handed out.
    func store(_ expression: String, matching: Int, total: Int, generation: Generation) {
        state.withLock { state in
            guard state.generation == generation.value else { return }
            if state.matching.count >= capacity { state.matching.removeAll(keepingCapacity: true) }
            state.total = total
            state.matching[expression] = matching
        }
    }

    /// The memo's state when a lookup missed; an `Error` only so that it fits `Result`.
    struct Generation: Error {
        var value: Int
    }
}
