import Synchronization

/// Finds the model name once: the configured one, else the first the endpoint lists, else `default`.
///
/// Concurrent callers share one request. An endpoint that could not be reached is asked again next time; an
/// answer, even an empty list, is final.
final class ModelNameResolver: Sendable {
    /// What asking the endpoint gave.
    enum Lookup: Sendable {
        /// The endpoint answered; the first model it lists, if any.
        case listed(String?)
        /// The endpoint could not be reached.
        case unreachable
    }

    /// The name used when the endpoint lists none (llama.cpp's server accepts any name).
    static let fallback = "default"

    private let configured: String?
    private let state = Mutex<State>(State())

    private struct State {
        var resolved: String?
        var lookup: Task<Lookup, Never>?
    }

    init(configured: String?) {
        self.configured = configured
    }

    /// The best name known now, without waiting.
    var current: String {
        configured ?? state.withLock { $0.resolved } ?? Self.fallback
    }

    /// The name, asking the endpoint through `lookup` if it is not known yet.
    func resolve(_ lookup: @escaping @Sendable () async -> Lookup) async -> String {
        if let configured { return configured }
        let task: Task<Lookup, Never> = state.withLock { state in
            if let resolved = state.resolved { return Task { .listed(resolved) } }
            if let running = state.lookup { return running }
            let running = Task { await lookup() }
            state.lookup = running
            return running
        }
        let result = await task.value
        return state.withLock { state in
            switch result {
            case .listed(let name):
                state.resolved = state.resolved ?? name ?? Self.fallback
                return state.resolved ?? Self.fallback
            case .unreachable:
                state.lookup = nil
                return Self.fallback
            }
        }
    }
}
