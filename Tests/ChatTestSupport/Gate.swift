import Synchronization

/// A latch a test opens to let scripted work go on: a fake's pause that ends on an event the test chooses, not
/// after a guessed duration, so a loaded machine cannot reorder what the test asserts.
///
/// ```swift
/// let gate = Gate()
/// // fake: try await gate.wait()   // holds its stream
/// // test: waits for what should happen meanwhile, then gate.open()
/// ```
public final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// A closed gate (or an open one, for scripts that should not wait).
    public init(open: Bool = false) {
        state.withLock { $0.isOpen = open }
    }

    /// A gate nobody opens: work held by it ends only by cancellation.
    public static var never: Gate { Gate() }

    /// Whether it was opened.
    public var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Lets every present and future waiter go on.
    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the gate opens.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled first, like `Task.sleep`.
    public func wait() async throws {
        let key = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    if state.isOpen { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[key] = continuation
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: key) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
