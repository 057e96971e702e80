import ChatTestSupport
import Foundation
import Synchronization

/// One run of the built `chatshell` with pipes for stdin, stdout and stderr (no terminal): what a script sees.
struct BinaryRun {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// Runs the binary to its end.
    ///
    /// - Parameters:
    ///   - arguments: the command line after `chatshell`.
    ///   - input: written to stdin, which is then closed.
    ///   - home: `HOME` and `CHATSHELL_HOME`.
    ///   - directory: the working directory.
    ///   - environment: more variables.
    /// - Returns: the exit status and both outputs.
    /// - Throws: `POSIXError(.ENOENT)` when the binary is not built; what `Process.run` throws.
    static func run(
        _ arguments: [String],
        input: String = "",
        home: URL,
        directory: URL? = nil,
        environment: [String: String] = [:]
    ) async throws -> BinaryRun {
        // Waited for on a thread of its own: a run can take seconds (an ingest, an eval), which a test must not
        // spend holding one of the cooperative pool's few threads.
        try await OwnThread.run {
            try runBlocking(arguments, input: input, home: home, directory: directory, environment: environment)
        }
    }

    private static func runBlocking(
        _ arguments: [String],
        input: String,
        home: URL,
        directory: URL?,
        environment: [String: String]
    ) throws -> BinaryRun {
        guard let binary = TestCorpus.binary else { throw POSIXError(.ENOENT) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var variables = ["HOME": home.path, "CHATSHELL_HOME": home.path, "LANG": "C.UTF-8", "TERM": "xterm"]
        variables["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        variables.merge(environment) { $1 }
        process.environment = variables
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes while the program runs, so a full pipe never blocks it.
        let outputs = OutputPair()
        let group = DispatchGroup()
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            group.enter()
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                outputs.set(String(decoding: data, as: UTF8.self), error: isError)
                group.leave()
            }.start()
        }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return BinaryRun(
            status: process.terminationStatus,
            standardOutput: outputs.output,
            standardError: outputs.error
        )
    }
}

/// The two texts a run collects, written from the reader threads.
private final class OutputPair: Sendable {
    private let texts = Mutex(["", ""])

    func set(_ text: String, error: Bool) {
        texts.withLock { $0[error ? 1 : 0] = text }
    }

    var output: String { texts.withLock { $0[0] } }
    var error: String { texts.withLock { $0[1] } }
}
