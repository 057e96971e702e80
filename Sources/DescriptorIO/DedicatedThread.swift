import Foundation

/// Starts work that blocks in a system call (`read(2)`, `write(2)`, `poll(2)`) on a thread of its own.
///
/// The cooperative pool may have only two threads on the build machines (swift-notes.md); a blocked pipe must
/// never take one of them away from the request tasks.
public enum DedicatedThread {
    /// Runs `body` on a new thread.
    ///
    /// - Parameters:
    ///   - name: the thread's name, shown by debuggers.
    ///   - body: the work; the thread ends when it returns.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}
