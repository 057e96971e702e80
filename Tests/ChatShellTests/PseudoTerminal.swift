import ChatTestSupport
import Foundation
import Glibc
import Synchronization

/// Runs a program on a pseudo-terminal as its controlling terminal, so typing Ctrl-C raises SIGINT as in a real
/// terminal, and collects everything it writes.
final class PseudoTerminal: Sendable {
    private let master: Int32
    private let process: Process
    private let output = OutputBuffer()

    init(
        executable: URL,
        arguments: [String],
        environment: [String: String],
        currentDirectory: URL? = nil,
        columns: UInt16 = 100
    ) throws {
        // posix_openpt and friends are not visible through the Glibc module; /dev/ptmx with the two Linux ioctls
        // (TIOCSPTLCK to unlock, TIOCGPTN for the number; their _IOW/_IOR values on Linux) does the same.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.EIO)
        }
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.EIO) }
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        self.master = master
        let process = Process()
        // setsid --ctty makes the pty the child's controlling terminal, as a login shell would.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--ctty", executable.path] + arguments
        process.environment = environment
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        self.process = process
        try process.run()
        let output = self.output
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                output.append(buffer[0..<count])
            }
        }
        reader.start()
    }

    /// Everything written so far, ANSI sequences removed.
    var text: String {
        let raw = String(decoding: output.bytes, as: UTF8.self)
        return raw.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
    }

    /// Waits until the raw output (escape sequences kept) contains `needle` after the first `offset` bytes,
    /// checked after every read.
    ///
    /// - Parameters:
    ///   - needle: the text to wait for.
    ///   - offset: bytes of output to skip, so text from before an action does not count.
    ///   - timeout: the watchdog for output that never comes; a loaded machine only waits longer.
    /// - Returns: Whether the output held it before the watchdog.
    @discardableResult
    func waitForRaw(_ needle: String, after offset: Int = 0, timeout: Duration = .seconds(120)) async -> Bool {
        await output.changes.wait(limit: timeout) {
            String(decoding: output.bytes.dropFirst(offset), as: UTF8.self).contains(needle)
        }
    }

    /// Everything written so far, byte for byte, escape sequences included.
    var rawBytes: [UInt8] { output.bytes }

    /// Resizes the window; the kernel sends SIGWINCH to the program, as a terminal emulator's resize does.
    func resize(columns: UInt16, rows: UInt16 = 40) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Types text as a user would.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until the output contains `needle` (after `from` characters), checked after every read.
    ///
    /// - Parameters:
    ///   - needle: the text to wait for.
    ///   - offset: how many characters of the output to skip.
    ///   - timeout: the watchdog for output that never comes; a loaded machine only waits longer.
    /// - Returns: Whether the output held it before the watchdog.
    @discardableResult
    func waitFor(_ needle: String, after offset: Int = 0, timeout: Duration = .seconds(120)) async -> Bool {
        await output.changes.wait(limit: timeout) {
            let current = text
            return current.count >= offset && current.dropFirst(offset).contains(needle)
        }
    }

    /// The program's process id, to send signals as a terminal or a crash would, or nil once it is gone.
    ///
    /// `setsid` forks when it starts as a process group leader and then exits at once, so the launched process is
    /// not always the program; the program leads the terminal's session, which the master side can ask for
    /// (TIOCGSID, 0x5429 on Linux).
    var processIdentifier: Int32? {
        var session: pid_t = 0
        guard ioctl(master, 0x5429, &session) == 0, session > 0 else { return nil }
        return session
    }

    /// Waits for the program to exit and returns its status.
    ///
    /// The program may be `setsid`'s child, whose exit nothing signals, so this one wait checks every 20 ms.
    func waitForExit(timeout: Duration = .seconds(120)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            // The program itself must be gone too, not only a `setsid` that forked it.
            if !process.isRunning, processIdentifier.map({ kill($0, 0) != 0 }) ?? true {
                return process.terminationStatus
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        if let program = processIdentifier { kill(program, SIGTERM) }
        return nil
    }

    deinit {
        if process.isRunning { process.terminate() }
        if let program = processIdentifier { kill(program, SIGKILL) }
        close(master)
    }
}

/// Bytes read from the terminal, shared between the reader thread and the test.
private final class OutputBuffer: Sendable {
    private let storage = Mutex<[UInt8]>([])
    /// Bytes arrived.
    let changes = Changes()

    func append(_ bytes: ArraySlice<UInt8>) {
        storage.withLock { $0.append(contentsOf: bytes) }
        changes.notify()
    }

    var bytes: [UInt8] { storage.withLock { $0 } }
}
