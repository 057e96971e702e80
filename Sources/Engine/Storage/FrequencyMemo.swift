import Synchronization

/// Document frequencies of search expressions, remembered for one generation of the index.
///
/// Weighing a question's terms asks the index how many chunks hold each term, the same few thousand terms again
/// and again; the answers only change when a document is indexed or deleted. The store counts those changes in
/// `index_generation` (triggers on `document`), so a change by any process sharing the store, a `chatshell ingest`
/// next to a running server included, is seen at the next lookup.
final class FrequencyMemo: Sendable {
    private struct State {
        var generation: Int?
        var total: Int?
        var matching: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// Forgets everything: this process changed the indexed chunks.
    func invalidate() {
        state.withLock { $0 = State() }
    }

    /// The remembered frequency of `expression` in this generation of the index.
    func lookup(_ expression: String, generation: Int) -> (matching: Int, total: Int)? {
        state.withLock { state in
            if state.generation != generation { state = State(generation: generation) }
            guard let total = state.total, let matching = state.matching[expression] else { return nil }
            return (matching, total)
        }
    }

    /// The remembered number of chunks in this generation of the index: counting them reads every row of a
    /// large store's index, and one count serves every term of the generation.
    func total(generation: Int) -> Int? {
        state.withLock { state in
            if state.generation != generation { state = State(generation: generation) }
            return state.total
        }
    }

    /// Remembers a frequency counted in `generation` of the index.
    func store(_ expression: String, matching: Int, total: Int, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.matching.count >= capacity { state.matching.removeAll(keepingCapacity: true) }
            state.total = total
            state.matching[expression] = matching
        }
    }
}
