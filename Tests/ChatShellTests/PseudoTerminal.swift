import Foundation
import Glibc
import Synchronization

/// Runs a program on a pseudo-terminal as its controlling terminal, so typing Ctrl-C raises SIGINT as in a real
/// terminal, and collects everything it writes.
final class PseudoTerminal: Sendable {
    private let master: Int32
    private let process: Process
    private let output = Mutex<[UInt8]>([])

    init(executable: URL, arguments: [String], environment: [String: String]) throws {
        let master = posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw POSIXError(.EIO)
        }
        var size = winsize(ws_row: 40, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.EIO) }
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        self.master = master
        let process = Process()
        // setsid --ctty makes the pty the child's controlling terminal, as a login shell would.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--ctty", executable.path] + arguments
        process.environment = environment
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        self.process = process
        try process.run()
        let reader = Thread { [output] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                output.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
        }
        reader.start()
    }

    /// Everything written so far, ANSI sequences removed.
    var text: String {
        let raw = String(decoding: output.withLock { $0 }, as: UTF8.self)
        return raw.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
    }

    /// Types text as a user would.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until the output contains `needle` (after `from` characters), or the timeout passes.
    @discardableResult
    func waitFor(_ needle: String, after offset: Int = 0, timeout: Duration = .seconds(15)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = text
            if current.count >= offset, current.dropFirst(offset).contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Waits for the program to exit and returns its status.
    func waitForExit(timeout: Duration = .seconds(15)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning { return process.terminationStatus }
            try? await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        return nil
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }
}
