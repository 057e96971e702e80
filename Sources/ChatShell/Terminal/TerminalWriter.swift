import DescriptorIO
import Glibc
import Synchronization

/// Writes text to standard output and standard error with `write(2)`, one whole string at a time.
///
/// C stdio is block-buffered when stdout is a pipe, so `print` output arrives late and out of order with
/// direct writes (swift-notes.md, "Standard output"). Every terminal write of ours goes through one writer:
/// answer tokens, the Sources list, errors, the spinner and the progress bar. A lock keeps each string whole
/// relative to the others. A reader that went away (`EPIPE`) is remembered and later writes to that stream are
/// dropped; the process must ignore `SIGPIPE` for that to work (`SignalWatcher.ignoreBrokenPipe()`).
///
/// ```swift
/// let writer = TerminalWriter.standard
/// writer.write("Indexed travel-policy.pdf as doc_T3: 8 chunks\n")
/// writer.write("error: No document 'doc_X'.\n", to: .standardError)
/// ```
final class TerminalWriter: Sendable {
    /// Where a write goes.
    enum Target: Sendable {
        case standardOutput
        case standardError
    }

    /// The process's own stdout and stderr.
    static let standard = TerminalWriter()

    private struct State {
        var outputClosed = false
        var errorClosed = false
    }

    private let outputFD: Int32
    private let errorFD: Int32
    private let state = Mutex(State())

    /// Creates a writer over two file descriptors.
    ///
    /// - Parameters:
    ///   - outputFD: the descriptor behind `.standardOutput`; tests pass a pipe.
    ///   - errorFD: the descriptor behind `.standardError`.
    init(outputFD: Int32 = STDOUT_FILENO, errorFD: Int32 = STDERR_FILENO) {
        self.outputFD = outputFD
        self.errorFD = errorFD
    }

    /// Whether the reader of `target` has gone away (a write failed with `EPIPE` or another hard error).
    func isClosed(_ target: Target) -> Bool {
        state.withLock { target == .standardOutput ? $0.outputClosed : $0.errorClosed }
    }

    /// Writes `text` completely, or not at all once the stream is closed.
    ///
    /// - Parameters:
    ///   - text: UTF-8 text, ANSI codes already applied or not.
    ///   - target: stdout (the default) or stderr.
    func write(_ text: String, to target: Target = .standardOutput) {
        guard !text.isEmpty else { return }
        state.withLock { state in
            let closed = target == .standardOutput ? state.outputClosed : state.errorClosed
            guard !closed else { return }
            // Anything some other code left in a stdio buffer must land before our bytes, not after them.
            fflush(nil)
            let fd = target == .standardOutput ? outputFD : errorFD
            // The shared write loop does the short writes, EINTR and non-blocking descriptors; any failure (EPIPE,
            // EBADF, EIO) closes the stream for good.
            if DescriptorWriter.writeAll(Array(text.utf8), to: fd) != nil {
                if target == .standardOutput { state.outputClosed = true } else { state.errorClosed = true }
            }
        }
    }

    /// Writes `text` followed by a newline.
    ///
    /// - Parameters:
    ///   - text: the line without its newline.
    ///   - target: stdout (the default) or stderr.
    func writeLine(_ text: String = "", to target: Target = .standardOutput) {
        write(text + "\n", to: target)
    }
}
