import ChatAPI
import ChatTestSupport
import Foundation
import Glibc
import Synchronization

/// A test client of the protocol: runs the built `chatshell mcp` with pipes and speaks JSON-RPC lines to it.
///
/// Written against the MCP specification, not the SDK: requests and notifications are plain JSON objects, and
/// every stdout line is kept, so a test can assert on exactly what the server wrote.
final class MCPClient: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case timedOut(String)
        case stdoutEnded(String)
        case notJSON(String)

        var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting for \(what)"
            case .stdoutEnded(let what): "stdout ended before \(what)"
            case .notJSON(let line): "stdout line is not a JSON object: \(line)"
            }
        }
    }

    private struct State {
        var buffer: [UInt8] = []
        var lines: [String] = []
        var ended = false
        var waiters: [UUID: Waiter] = [:]
        var exitStatus: Int32?
        var exitWaiters: [CheckedContinuation<Int32, Never>] = []
    }

    private struct Waiter {
        var matches: @Sendable (String) -> Bool
        var continuation: CheckedContinuation<String, any Error>
        var what: String
    }

    private let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let state = Mutex(State())
    private let stderrText = Mutex([UInt8]())
    private let home: TemporaryDirectory
    private let nextId = Mutex(1)

    /// Starts `chatshell mcp` with the arguments; HOME, `CHATSHELL_HOME` and the XDG folders point at `home`, a
    /// temporary folder of its own unless given (with stored credentials, for `--server`).
    init(_ arguments: [String], home: TemporaryDirectory = TemporaryDirectory(prefix: "chatshell-mcp-home")) throws {
        self.home = home
        guard let binary = TestCorpus.binary else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = binary
        process.arguments = ["mcp"] + arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CHATSHELL_") }
        for key in ["CHATSHELL_HOME", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"] {
            environment[key] = home.url.path
        }
        process.environment = environment
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.terminationHandler = { [weak self] process in
            guard let self else { return }
            let waiters = self.state.withLock { state in
                state.exitStatus = process.terminationStatus
                defer { state.exitWaiters = [] }
                return state.exitWaiters
            }
            for waiter in waiters { waiter.resume(returning: process.terminationStatus) }
        }
        try process.run()
        startReading()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func startReading() {
        let stdoutFD = stdoutPipe.fileHandleForReading.fileDescriptor
        let stderrFD = stderrPipe.fileHandleForReading.fileDescriptor
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                received(Array(chunk[0..<count]))
            }
            let waiters = state.withLock { state in
                state.ended = true
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters { waiter.continuation.resume(throwing: Failure.stdoutEnded(waiter.what)) }
        }.start()
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { return }
                stderrText.withLock { $0 += chunk[0..<count] }
            }
        }.start()
    }

    private func received(_ bytes: [UInt8]) {
        let ready = state.withLock { state -> [(Waiter, String)] in
            state.buffer += bytes
            var ready: [(Waiter, String)] = []
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: state.buffer[..<newline], as: UTF8.self)
                state.buffer.removeSubrange(...newline)
                state.lines.append(line)
                for (key, waiter) in state.waiters where waiter.matches(line) {
                    state.waiters[key] = nil
                    ready.append((waiter, line))
                }
            }
            return ready
        }
        for (waiter, line) in ready { waiter.continuation.resume(returning: line) }
    }

    // MARK: - Sending

    /// Writes raw text to the server's stdin.
    func write(_ text: String) {
        stdinPipe.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Sends one JSON object as a line.
    func send(_ message: [String: JSONValue]) {
        write(String(decoding: (try? APIJSON.encode(JSONValue.object(message))) ?? Data(), as: UTF8.self) + "\n")
    }

    /// Sends a request with a fresh integer id; returns the id.
    @discardableResult
    func sendRequest(_ method: String, _ params: [String: JSONValue]? = nil) -> Int {
        let id = nextId.withLock { id in
            defer { id += 1 }
            return id
        }
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]
        if let params { message["params"] = .object(params) }
        send(message)
        return id
    }

    /// Sends a request and waits for its response.
    func request(_ method: String, _ params: [String: JSONValue]? = nil) async throws -> [String: JSONValue] {
        try await response(to: .number(Double(sendRequest(method, params))))
    }

    /// Calls a tool; returns the `result` object.
    func callTool(_ name: String, _ arguments: [String: JSONValue]) async throws -> [String: JSONValue] {
        let response = try await request("tools/call", ["name": .string(name), "arguments": .object(arguments)])
        return response["result"]?.objectValue ?? [:]
    }

    /// Sends a notification (no id).
    func notify(_ method: String) {
        send(["jsonrpc": "2.0", "method": .string(method)])
    }

    /// Closes stdin: end of input.
    func closeInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    // MARK: - Receiving

    /// Waits for the first stdout line (already written or still to come) whose `id` equals `id`.
    func response(to id: JSONValue, limit: Duration = .seconds(120)) async throws -> [String: JSONValue] {
        let line = try await firstLine(what: "the response to \(id)") { line in
            Self.object(line)?["id"] == id
        }
        guard let object = Self.object(line) else { throw Failure.notJSON(line) }
        return object
    }

    /// Waits for the first line that satisfies `matches`, with a watchdog so a silent server fails the test.
    func firstLine(
        what: String,
        limit: Duration = .seconds(120),
        _ matches: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        let key = UUID()
        let watchdog = Task { [weak self] in
            try await Task.sleep(for: limit)
            let waiter = self?.state.withLock { $0.waiters.removeValue(forKey: key) }
            waiter?.continuation.resume(throwing: Failure.timedOut(what))
        }
        defer { watchdog.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let outcome = state.withLock { state -> Result<String, any Error>? in
                if let line = state.lines.first(where: matches) { return .success(line) }
                if state.ended { return .failure(Failure.stdoutEnded(what)) }
                state.waiters[key] = Waiter(matches: matches, continuation: continuation, what: what)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Every stdout line so far.
    var lines: [String] { state.withLock { $0.lines } }

    /// stderr so far.
    var stderr: String { String(decoding: stderrText.withLock { $0 }, as: UTF8.self) }

    /// Waits for the server to exit and returns its status.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if let status = state.exitStatus { return status }
                state.exitWaiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// A line as a JSON object, or nil.
    static func object(_ line: String) -> [String: JSONValue]? {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)))?.objectValue
    }
}
