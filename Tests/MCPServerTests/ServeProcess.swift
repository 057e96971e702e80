import ChatTestSupport
import Foundation
import Glibc

/// The built `chatshell serve` on an ephemeral loopback port, for `chatshell mcp --server`.
final class ServeProcess: Sendable {
    private let process = Process()
    private let stderrPipe = Pipe()
    private let data = TemporaryDirectory(prefix: "chatshell-mcp-serve")
    /// `http://127.0.0.1:PORT`.
    let url: String

    /// Starts the server and returns once it logs the address it serves.
    init() async throws {
        guard let binary = TestCorpus.binary else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--data-dir", data.url.path, "--bcrypt-cost", "10", "--verbose"]
        process.environment = [
            "CHATSHELL_HOME": data.url.path, "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderrPipe
        try process.run()
        let fd = stderrPipe.fileHandleForReading.fileDescriptor
        let (addresses, found) = AsyncStream<String?>.makeStream()
        Thread {
            var chunk = [UInt8](repeating: 0, count: 8_192)
            var text = ""
            var announced = false
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                // Read to the end even after the address: a full pipe would block the server's logging.
                text += announced ? "" : String(decoding: chunk[0..<count], as: UTF8.self)
                if !announced, let match = text.firstMatch(of: /serving (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/) {
                    announced = true
                    found.yield(String(match.1))
                }
            }
            found.yield(nil)
            found.finish()
        }.start()
        let watchdog = Task {
            // A watchdog for a server that never listens; a loaded machine only waits longer.
            try await Task.sleep(for: .seconds(120))
            found.yield(nil)
        }
        defer { watchdog.cancel() }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next() ?? nil else {
            process.terminate()
            throw POSIXError(.ETIMEDOUT)
        }
        url = address
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
