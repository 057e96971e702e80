import Commands
import Foundation
import Glibc
import Synchronization

/// Reads plain lines from a stdin that is not a terminal: no prompt, no editing, no history (repl.md section 4).
///
/// Blocking reads happen on a thread of this reader's own, never on the cooperative pool. A line ends at `\n`
/// (a `\r` before it is dropped); invalid UTF-8 is repaired. At the end of input a last unterminated line is
/// returned first, then `.endOfInput` from then on.
///
/// With a `SignalWatcher`, Ctrl-C while waiting for input ends the input (`.endOfInput`): there is no line to
/// clear, and a process blocked on a silent pipe must still be stoppable. Ctrl-C during an answer is the
/// watcher's `interrupts()` business as with readline.
///
/// ```swift
/// let reader: any LineReader = terminal.stdinIsTerminal
///     ? ReadlineLineReader(historyFile: historyPath, completer: completer, signals: signals)
///     : PlainLineReader(signals: signals)
/// ```
final class PlainLineReader: LineReader {
    private let core: Core

    /// Starts the reader thread.
    ///
    /// - Parameters:
    ///   - inputFD: the descriptor to read (stdin by default; tests pass a pipe).
    ///   - signals: routes Ctrl-C to this reader while it waits; nil leaves SIGINT alone.
    init(inputFD: Int32 = STDIN_FILENO, signals: SignalWatcher? = nil) {
        core = Core(inputFD: inputFD, signals: signals)
        core.start()
    }

    deinit {
        core.shutdown()
    }

    /// Waits for the next line; `prompt` is ignored.
    ///
    /// - Parameter prompt: unused: piped input shows no prompt.
    /// - Returns: the line, or `.endOfInput`.
    func readLine(prompt: String) async -> LineInput {
        await withCheckedContinuation { continuation in
            core.enqueue(continuation)
        }
    }

    /// Does nothing: piped input has no history.
    func addHistory(_ entry: String) async {}

    /// Does nothing: piped input has no history.
    func saveHistory() async {}
}

extension PlainLineReader {
    /// The part shared with the reader thread.
    private final class Core: Sendable {
        private static let job: UInt8 = 0x4A
        private static let interrupt: UInt8 = 0x49
        private static let quit: UInt8 = 0x51

        private let inputFD: Int32
        private let signals: SignalWatcher?
        private let wake: WakePipe?
        private let waiting = Mutex<[CheckedContinuation<LineInput, Never>]>([])

        init(inputFD: Int32, signals: SignalWatcher?) {
            self.inputFD = inputFD
            self.signals = signals
            self.wake = WakePipe()
        }

        func start() {
            guard wake != nil else { return }
            let thread = Thread { [self] in run() }
            thread.name = "chatshell.stdin"
            thread.start()
        }

        func enqueue(_ continuation: CheckedContinuation<LineInput, Never>) {
            guard let wake else {
                continuation.resume(returning: .endOfInput)
                return
            }
            waiting.withLock { $0.append(continuation) }
            wake.post(Self.job)
        }

        func shutdown() {
            wake?.post(Self.quit)
        }

        // MARK: Reader thread

        private func run() {
            guard let wake else { return }
            var lines = LineBuffer()
            var ended = false
            while true {
                let next = waiting.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                guard let continuation = next else {
                    var pfd = pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0)
                    _ = poll(&pfd, 1, -1)
                    if wake.drain().contains(Self.quit) { return wake.close() }
                    continue
                }
                if ended {
                    continuation.resume(returning: .endOfInput)
                    continue
                }
                // A Ctrl-C posted just after the previous line was complete must not end this read.
                if wake.drain().contains(Self.quit) {
                    continuation.resume(returning: .endOfInput)
                    return wake.close()
                }
                signals?.attachPrompt { signal in
                    if signal == .interrupt { wake.post(Self.interrupt) }
                }
                let result = readOneLine(into: &lines, wake: wake)
                signals?.detachPrompt()
                switch result {
                case .line(let text): continuation.resume(returning: .line(text))
                case .end, .interrupted:
                    ended = true
                    continuation.resume(returning: .endOfInput)
                case .quit:
                    continuation.resume(returning: .endOfInput)
                    return wake.close()
                }
            }
        }

        private enum ReadResult {
            case line(String)
            case end
            case interrupted
            case quit
        }

        private func readOneLine(into lines: inout LineBuffer, wake: WakePipe) -> ReadResult {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                if let line = lines.nextLine() { return .line(line) }
                if lines.atEnd { return lines.rest().map { .line($0) } ?? .end }
                var fds = [
                    pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
                ]
                if poll(&fds, 2, -1) < 0 {
                    if errno == EINTR { continue }
                    lines.atEnd = true
                    continue
                }
                if fds[0].revents != 0 {
                    let messages = wake.drain()
                    if messages.contains(Self.quit) { return .quit }
                    if messages.contains(Self.interrupt) { return .interrupted }
                }
                guard fds[1].revents != 0 else { continue }
                let count = chunk.withUnsafeMutableBytes { read(inputFD, $0.baseAddress, $0.count) }
                if count > 0 {
                    lines.bytes += chunk[0..<count]
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    lines.atEnd = true
                }
            }
        }
    }

    /// Bytes read but not yet returned as lines.
    private struct LineBuffer {
        var bytes: [UInt8] = []
        var atEnd = false

        mutating func nextLine() -> String? {
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            var line = bytes[..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            bytes.removeSubrange(...newline)
            return text
        }

        mutating func rest() -> String? {
            guard !bytes.isEmpty else { return nil }
            defer { bytes.removeAll() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
