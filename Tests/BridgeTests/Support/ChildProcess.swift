import ChatTestSupport
import Foundation
import Glibc
import Synchronization

/// The built `chatshell` binary run as a child with pipes on stdin, stdout and stderr.
///
/// stdout is read by a thread of its own that can be paused or slowed, to play a host that stalls.
final class ChildProcess: Sendable {
    private struct Output {
        var stdout: [UInt8] = []
        var stdoutEnded = false
        var paused = false
        /// The reading thread closes stdout itself, never while it sits in `read(2)`: a blocked read keeps the
        /// pipe's read end alive, and the child would never see EPIPE.
        var closing = false
        var readSize = 65_536
        var readDelay: Duration?
    }

    private let process: Process
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let output = Mutex(Output())
    private let stderrText = Mutex([UInt8]())
    private let home: TemporaryDirectory
    /// Output read, stdout's end, or the child's exit.
    private let changes = Changes()

    /// Starts `chatshell` with the arguments; `CHATSHELL_HOME`, `HOME` and the XDG folders point at a temporary
    /// folder so no user configuration or credentials leak in.
    ///
    /// - Parameters:
    ///   - arguments: the command line after `chatshell`.
    ///   - pausedOutput: whether reading stdout starts paused (call `resumeOutput()`).
    ///   - smallPipe: shrink the stdout pipe to one page, so a host that stops reading blocks the child quickly
    ///     even on a loaded machine.
    /// - Throws: when the binary is missing or cannot be started.
    init(_ arguments: [String], pausedOutput: Bool = false, smallPipe: Bool = false) throws {
        guard let binary = TestCorpus.binary else { throw CocoaError(.fileNoSuchFile) }
        home = TemporaryDirectory(prefix: "chatshell-bridge-home")
        process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CHATSHELL_") }
        for key in ["CHATSHELL_HOME", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"] {
            environment[key] = home.url.path
        }
        process.environment = environment
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        output.withLock { $0.paused = pausedOutput }
        if smallPipe {
            // F_SETPIPE_SZ (Linux; not exported by the Glibc module).
            _ = fcntl(stdoutPipe.fileHandleForReading.fileDescriptor, 1031, Int32(4_096))
        }
        process.terminationHandler = { [changes] _ in changes.notify() }
        try process.run()
        startReading()
    }

    private func startReading() {
        let stdoutFD = stdoutPipe.fileHandleForReading.fileDescriptor
        let stderrFD = stderrPipe.fileHandleForReading.fileDescriptor
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let (paused, closing, size, delay) = output.withLock {
                    ($0.paused, $0.closing, $0.readSize, $0.readDelay)
                }
                if closing {
                    // Put /dev/null in place of the pipe rather than closing: the descriptor number still
                    // belongs to the `Pipe`, which closes it when it goes away.
                    let null = open("/dev/null", O_RDONLY)
                    dup2(null, stdoutFD)
                    close(null)
                    output.withLock { $0.stdoutEnded = true }
                    changes.notify()
                    return
                }
                if paused {
                    Thread.sleep(forTimeInterval: 0.002)
                    continue
                }
                var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 10) > 0 else { continue }
                if let delay { Thread.sleep(forTimeInterval: Self.seconds(delay)) }
                let count = buffer.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, min(size, $0.count)) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 {
                    output.withLock { $0.stdoutEnded = true }
                    changes.notify()
                    return
                }
                output.withLock { $0.stdout += buffer[0..<count] }
                changes.notify()
            }
        }
        thread.start()
        let errors = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { return }
                stderrText.withLock { $0 += buffer[0..<count] }
                changes.notify()
            }
        }
        errors.start()
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: - Input

    /// Writes text to the child's stdin in one write.
    func write(_ text: String) {
        stdinPipe.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Writes one line per string.
    func writeLines(_ lines: [String]) {
        write(lines.map { $0 + "\n" }.joined())
    }

    /// Closes the child's stdin: end of input.
    func closeInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    // MARK: - Output

    /// Stops reading stdout, so the child's writes block once the pipe is full.
    func pauseOutput() { output.withLock { $0.paused = true } }

    /// Reads stdout again, optionally in small pieces with pauses (a slow reader).
    func resumeOutput(readSize: Int = 65_536, readDelay: Duration? = nil) {
        output.withLock {
            $0.readSize = readSize
            $0.readDelay = readDelay
            $0.paused = false
        }
    }

    /// Closes our end of stdout: the child's next write fails with EPIPE.
    func closeOutput() {
        output.withLock { $0.closing = true }
    }

    /// Complete stdout lines so far.
    var lines: [String] {
        let text = String(decoding: output.withLock { $0.stdout }, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        return lines
    }

    /// Raw stdout so far.
    var stdoutBytes: [UInt8] { output.withLock { $0.stdout } }

    /// stderr so far.
    var stderr: String { String(decoding: stderrText.withLock { $0 }, as: UTF8.self) }

    /// Waits until `condition` holds for the stdout lines (checked after every read).
    @discardableResult
    func waitFor(_ condition: ([String]) -> Bool) async -> Bool {
        await changes.wait { condition(lines) }
    }

    /// Waits until stderr (the bridge's log) contains `text`.
    @discardableResult
    func waitForLog(_ text: String) async -> Bool {
        await changes.wait { stderr.contains(text) }
    }

    /// Waits for the child to exit and the reading thread to take its last bytes.
    ///
    /// - Parameter limit: the watchdog for a child that hangs (it is then killed).
    /// - Returns: its exit status, or nil if it was still running at the limit.
    func exitStatus(limit: Duration = .seconds(120)) async -> Int32? {
        await changes.wait(limit: limit) { !process.isRunning }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        await changes.wait { output.withLock { $0.stdoutEnded || $0.paused } }
        return process.terminationStatus
    }

    /// Sends a signal to the child.
    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }
}
