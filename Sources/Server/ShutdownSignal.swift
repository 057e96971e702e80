import Synchronization
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells open answer streams that the server is stopping, so each ends with `done` `cancelled` instead of being
/// cut off (http-api.md section 10, "Shutdown").
///
/// Hummingbird's graceful shutdown waits for responses in progress but does not tell them; this signal does.
///
/// ```swift
/// let shutdown = ShutdownSignal()
/// await shutdown.installSignalHandlers()   // SIGINT, SIGTERM
/// ```
public final class ShutdownSignal: Sendable {
    private struct State {
        var triggered = false
        var nextToken = 0
        var observers: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Creates an untriggered signal.
    public init() {}

    /// Whether shutdown has begun.
    public var isTriggered: Bool { state.withLock { $0.triggered } }

    /// Begins shutdown: every observer runs once; later observers run at once.
    public func trigger() {
        let observers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.triggered else { return [] }
            state.triggered = true
            defer { state.observers = [:] }
            return Array(state.observers.values)
        }
        for observer in observers { observer() }
    }

    /// Runs `action` when shutdown begins (at once if it has); returns a token for `remove`.
    func observe(_ action: @escaping @Sendable () -> Void) -> Int? {
        let token = state.withLock { state -> Int? in
            guard !state.triggered else { return nil }
            state.nextToken += 1
            state.observers[state.nextToken] = action
            return state.nextToken
        }
        if token == nil { action() }
        return token
    }

    func remove(_ token: Int?) {
        guard let token else { return }
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }

    /// Triggers on SIGINT and SIGTERM; returns once both are watched.
    ///
    /// Hummingbird's own signal handling (in `runService`) still runs: dispatch delivers a signal to every source
    /// registered for it, so streams end with `cancelled` while the server drains its connections.
    public func installSignalHandlers() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        // Serves until the process exits.
        Task {
            for await _ in signals { self.trigger() }
        }
    }
}
