import Foundation
import Synchronization

/// Runs blocking work (poppler, bcrypt, big parses) on a dedicated thread, off the cooperative pool, which may
/// have only two threads on these machines.
enum BlockingThread {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Runs `body` on its own thread and returns its result, or nil once `limit` has passed without one.
    ///
    /// A thread cannot be stopped from outside: past the limit the caller goes on and the thread's result is
    /// dropped when it comes, so `body` should also give up by itself (a deadline checked between pages).
    static func run<T: Sendable>(
        within limit: Duration,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T? {
        let first = FirstResult<T?>()
        return try await withCheckedThrowingContinuation { continuation in
            first.set(continuation)
            let timer = Task {
                // Cancelled once the thread has answered: then nothing is left to resume.
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                first.resume(with: .success(nil))
            }
            let thread = Thread {
                let result = Result { try body() }
                first.resume(with: result.map { Optional($0) })
                timer.cancel()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}

/// A continuation resumed by whichever of two racers comes first; the other one's result is dropped.
private final class FirstResult<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ value: CheckedContinuation<T, any Error>) {
        continuation.withLock { $0 = value }
    }

    func resume(with result: Result<T, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}
