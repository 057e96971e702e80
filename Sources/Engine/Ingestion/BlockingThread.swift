import Foundation

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
}
