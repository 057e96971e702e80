import Foundation

/// Runs blocking test work (waiting for a child process, reading a pipe to its end) on a thread of its own.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core: two tests blocked in
/// `waitUntilExit` on a 2-core machine stall every other test of the process, servers and fakes included, until
/// the children exit. A parallel run then misses what it waits for, so blocking waits go through here.
///
/// ```swift
/// let status = try await OwnThread.run { process.waitUntilExit(); return process.terminationStatus }
/// ```
public enum OwnThread {
    /// Runs `body` on a new thread and returns what it returns or throws.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

}
