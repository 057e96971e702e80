import ChatTestSupport
import Foundation
import Glibc
import Synchronization

/// The built `chatshell serve` as a separate process on an ephemeral loopback port, with its log (stderr) kept so
/// tests can see what the server did.
final class ServerProcess: Sendable {
    private let process: Process
    private let log = LogBuffer()
    /// `http://127.0.0.1:PORT`, once the server listens.
    let url: String

    /// Starts the server and waits until it logs its address.
    ///
    /// - Parameters:
    ///   - binary: The `chatshell` executable.
    ///   - dataDirectory: The server's store.
    ///   - extra: Extra environment (such as `CHATSHELL_TOKEN_DELAY_MS`).
    /// - Throws: `POSIXError(.ETIMEDOUT)` when it does not listen within 20 s.
    init(binary: URL, dataDirectory: URL, environment extra: [String: String] = [:]) async throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "serve", "--port", "0", "--data-dir", dataDirectory.path, "--bcrypt-cost", "10", "--verbose",
        ]
        var environment = ["CHATSHELL_HOME": dataDirectory.path, "LANG": "C.UTF-8"]
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        environment.merge(extra) { $1 }
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let log = self.log
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                log.append(String(decoding: data, as: UTF8.self))
            }
        }
        process.terminationHandler = { _ in log.changes.notify() }
        try process.run()
        self.process = process
        var found: String?
        await log.changes.wait {
            if let match = log.text.firstMatch(of: /serving (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/) {
                found = String(match.1)
            }
            return found != nil || !process.isRunning
        }
        guard let found else {
            process.terminate()
            throw POSIXError(.ETIMEDOUT)
        }
        url = found
    }

    /// What the server logged so far.
    var logText: String { log.text }

    /// Waits until the log contains `needle`, checked after every log write.
    ///
    /// - Parameters:
    ///   - needle: the text to wait for.
    ///   - timeout: the watchdog for a line that never comes; a loaded machine only waits longer.
    /// - Returns: Whether the log held it before the watchdog.
    func waitForLog(_ needle: String, timeout: Duration = .seconds(120)) async -> Bool {
        await log.changes.wait(limit: timeout) { logText.contains(needle) }
    }

    /// Sends `signal` to the server (SIGKILL to crash it, SIGSTOP to freeze it).
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until the process has exited and been reaped; whether it did within `timeout`.
    func waitForExit(timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !process.isRunning
    }

    /// Stops the server with SIGTERM, as a service manager would, and waits for it.
    func stop() async -> Int32? {
        if process.isRunning { process.terminate() }
        await log.changes.wait { !process.isRunning }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// Text read from the server's stderr, shared between the pipe's reader and the test.
private final class LogBuffer: Sendable {
    private let storage = Mutex("")
    /// Text arrived, or the server exited.
    let changes = Changes()

    func append(_ text: String) {
        storage.withLock { $0 += text }
        changes.notify()
    }

    var text: String { storage.withLock { $0 } }
}
