import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A scripted HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for testing the libcurl client against real
/// sockets: each connection's request is recorded, then a script of sends, pauses, hangs and closes is played.
///
/// Raw POSIX sockets on plain threads, so it depends on nothing the client under test uses.
final class LoopbackHTTPServer: Sendable {
    /// A request as the server received it.
    struct Request: Sendable {
        var method: String
        /// The request target as sent: a path, or an absolute URL when the client talks to a proxy.
        var target: String
        /// Header names lower-cased.
        var headers: [String: String]
        var body: Data

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    /// One step of a response script.
    enum Step: Sendable {
        case send(Data)
        case pause(milliseconds: Int)
        /// Waits, sending nothing, until the client disconnects (recorded in `disconnects`) or the server stops.
        case hang
        /// Waits until the condition holds (checked every 10 ms, for at most 5 s), then goes on; for scripts that
        /// must not send more before the client has seen what came before.
        case waitUntil(@Sendable () -> Bool)
    }

    typealias Responder = @Sendable (Request) -> [Step]

    let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let state = Mutex(State())

    private struct State {
        var requests: [Request] = []
        var disconnects: [ContinuousClock.Instant] = []
    }

    /// The requests received so far, in order.
    var requests: [Request] { state.withLock { $0.requests } }

    /// When hanging connections saw their client leave.
    var disconnects: [ContinuousClock.Instant] { state.withLock { $0.disconnects } }

    /// Starts listening; every connection is answered by `responder`.
    ///
    /// - Parameters:
    ///   - readsRequest: Whether to read an HTTP request before answering; without it the script starts as soon
    ///     as a client connects (to answer a TLS handshake with plain HTTP, for instance).
    ///   - responder: The script for each connection's request.
    /// - Throws: `POSIXError` when no loopback port can be bound.
    init(readsRequest: Bool = true, responder: @escaping Responder) throws {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socketDescriptor, 16) == 0 else {
            close(socketDescriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(socketDescriptor, $0, &length)
            }
        }
        listener = socketDescriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop(readsRequest: readsRequest, responder) }
        thread.start()
    }

    deinit {
        stop()
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting; hanging connections end.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        // shutdown wakes the thread blocked in accept().
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// A port nothing listens on: bound once, then closed.
    static func closedPort() throws -> Int {
        let server = try LoopbackHTTPServer { _ in [] }
        let port = server.port
        server.stop()
        return port
    }

    // MARK: - Response helpers

    /// A complete response with `Content-Length`, closing the connection after it.
    static func response(
        status: Int,
        reason: String = "OK",
        headers: [(String, String)] = [],
        body: String = ""
    ) -> Data {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Data((head + body).utf8)
    }

    /// A JSON response.
    static func json(status: Int = 200, reason: String = "OK", _ body: String, headers: [(String, String)] = []) -> Data
    {
        response(status: status, reason: reason, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// The head of an event stream whose body runs until the connection closes.
    static func eventStreamHead(headers: [(String, String)] = []) -> Data {
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Data((head + "Connection: close\r\n\r\n").utf8)
    }

    /// One SSE frame as the server writes it.
    static func event(_ name: String, _ json: String) -> Data {
        Data("event: \(name)\ndata: \(json)\n\n".utf8)
    }

    // MARK: - Serving

    private func acceptLoop(readsRequest: Bool, _ responder: @escaping Responder) {
        while !stopped.load(ordering: .relaxed) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in serve(connection, readsRequest: readsRequest, responder) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32, readsRequest: Bool, _ responder: Responder) {
        defer { close(connection) }
        let unread = Request(method: "", target: "", headers: [:], body: Data())
        guard let request = readsRequest ? readRequest(connection) : unread else { return }
        state.withLock { $0.requests.append(request) }
        for step in responder(request) {
            switch step {
            case .send(let data):
                guard sendAll(connection, data) else { return }
            case .pause(let milliseconds):
                Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
            case .hang:
                waitForDisconnect(connection)
                return
            case .waitUntil(let condition):
                let deadline = ContinuousClock.now + .seconds(5)
                while !condition() && ContinuousClock.now < deadline && !stopped.load(ordering: .relaxed) {
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
        }
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var buffer = [UInt8]()
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var chunk = [UInt8](repeating: 0, count: 65536)
        while headEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            if buffer.count >= separator.count {
                for index in 0...(buffer.count - separator.count) where Array(buffer[index..<index + 4]) == separator {
                    headEnd = index
                    break
                }
            }
        }
        guard let headEnd else { return nil }
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        var body = Array(buffer[(headEnd + 4)...])
        let expected = Int(headers["content-length"] ?? "") ?? 0
        while body.count < expected {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { break }
            body.append(contentsOf: chunk[0..<count])
        }
        return Request(
            method: String(requestLine[0]),
            target: String(requestLine[1]),
            headers: headers,
            body: Data(body)
        )
    }

    private func sendAll(_ connection: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var sent = 0
            while sent < raw.count {
                // MSG_NOSIGNAL: a client that already left must not kill the test process with SIGPIPE.
                let count = send(connection, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return false }
                sent += count
            }
            return true
        }
    }

    private func waitForDisconnect(_ connection: Int32) {
        var byte: UInt8 = 0
        while !stopped.load(ordering: .relaxed) {
            var descriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready > 0 {
                // Readable with nothing to read means the peer closed (or reset) the connection.
                if recv(connection, &byte, 1, Int32(MSG_DONTWAIT)) <= 0 {
                    let now = ContinuousClock.now
                    state.withLock { $0.disconnects.append(now) }
                    return
                }
            }
        }
    }
}
