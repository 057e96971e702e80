import Synchronization

/// A signal that something a test watches has changed: the waiting side of an event, so tests wait for what they
/// expect instead of sleeping or polling.
///
/// Whatever owns the watched state calls `notify()` after each change; a test calls `wait(until:)`, which checks
/// its condition once and again after every change. The limit is a watchdog for a defect (the condition never
/// holds), never a synchronisation: on a loaded machine a correct run only waits longer.
///
/// ```swift
/// let changes = Changes()
/// // producer: state.append(line); changes.notify()
/// #expect(await changes.wait { state.contains("done") })
/// ```
public final class Changes: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes every waiter to check its condition again.
    public func notify() {
        let waiters = state.withLock { state in
            state.version &+= 1
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until `condition` holds, checking it now and after every change.
    ///
    /// - Parameters:
    ///   - limit: The watchdog: past it the wait gives up (the caller's `#expect` then fails).
    ///   - condition: What the test waits for; called on the waiting task only.
    /// - Returns: Whether the condition held before the watchdog fired.
    @discardableResult
    public func wait(limit: Duration = .seconds(120), until condition: () -> Bool) async -> Bool {
        let watchdog = Task { [self] in
            try? await Task.sleep(for: limit)
            notify()
        }
        defer { watchdog.cancel() }
        let deadline = ContinuousClock.now + limit
        while true {
            let seen = state.withLock { $0.version }
            if condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let changed = state.withLock { state in
                    if state.version != seen { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if changed { continuation.resume() }
            }
        }
    }
}
