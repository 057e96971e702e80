import ChatTestSupport
import Foundation
import Synchronization

/// A scripted HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for testing the libcurl client against real
/// sockets: each connection's request is recorded, then a script of sends, pauses, hangs and closes is played.
///
/// Raw POSIX sockets on plain threads, so it depends on nothing the client under test uses.
final class LoopbackHTTPServer: Sendable {
    /// A request as the server received it.
    typealias Request = LoopbackListener.Request

    /// One step of a response script.
    enum Step: Sendable {
        case send(Data)
        case pause(milliseconds: Int)
        /// Waits, sending nothing, until the client disconnects (recorded in `disconnects`) or the server stops.
        case hang
        /// Waits until the condition holds (checked every 10 ms; after 120 s, a watchdog, `waitTimeouts` counts the
        /// miss), then goes on; for scripts that must not send more before the client has seen what came before.
        case waitUntil(@Sendable () -> Bool)
    }

    typealias Responder = @Sendable (Request) -> [Step]

    private let listener: LoopbackListener
    private let state = Mutex(State())
    /// A request or a disconnect was recorded.
    private let changes = Changes()

    /// The port it listens on.
    var port: Int { listener.port }

    private struct State {
        var requests: [Request] = []
        var disconnects: [ContinuousClock.Instant] = []
        var waitTimeouts = 0
    }

    /// The requests received so far, in order.
    var requests: [Request] { state.withLock { $0.requests } }

    /// When hanging connections saw their client leave.
    var disconnects: [ContinuousClock.Instant] { state.withLock { $0.disconnects } }

    /// How many `waitUntil` steps gave up waiting.
    var waitTimeouts: Int { state.withLock { $0.waitTimeouts } }

    /// Waits until a client has left a hanging connection.
    ///
    /// - Returns: Whether one did before the watchdog (a client that never leaves is a defect).
    @discardableResult
    func waitForDisconnect() async -> Bool {
        await changes.wait { !disconnects.isEmpty }
    }

    /// Waits until `count` requests have arrived.
    ///
    /// - Returns: Whether they did before the watchdog.
    @discardableResult
    func waitForRequests(_ count: Int) async -> Bool {
        await changes.wait { requests.count >= count }
    }

    /// Starts listening; every connection is answered by `responder`.
    ///
    /// - Parameters:
    ///   - readsRequest: Whether to read an HTTP request before answering; without it the script starts as soon
    ///     as a client connects (to answer a TLS handshake with plain HTTP, for instance).
    ///   - responder: The script for each connection's request.
    /// - Throws: `POSIXError` when no loopback port can be bound.
    init(readsRequest: Bool = true, responder: @escaping Responder) throws {
        listener = try LoopbackListener()
        listener.start { [self] connection in serve(connection, readsRequest: readsRequest, responder) }
    }

    deinit {
        stop()
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting; hanging connections end.
    func stop() {
        listener.stop()
    }

    /// A port nothing listens on: bound once, then closed.
    static func closedPort() throws -> Int {
        try LoopbackListener.closedPort()
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

    private func serve(_ connection: Int32, readsRequest: Bool, _ responder: Responder) {
        let request: Request
        if readsRequest {
            guard let received = LoopbackListener.readRequest(connection) else { return }
            request = received
        } else {
            request = Request(method: "", target: "", headers: [:], body: Data())
        }
        state.withLock { $0.requests.append(request) }
        changes.notify()
        for step in responder(request) {
            switch step {
            case .send(let data):
                guard LoopbackListener.sendAll(connection, data) else { return }
            case .pause(let milliseconds):
                Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
            case .hang:
                if listener.waitForDisconnect(connection) {
                    let now = ContinuousClock.now
                    state.withLock { $0.disconnects.append(now) }
                    changes.notify()
                }
                return
            case .waitUntil(let condition):
                let deadline = ContinuousClock.now + .seconds(120)
                while !condition() && !listener.isStopped {
                    if ContinuousClock.now >= deadline {
                        state.withLock { $0.waitTimeouts += 1 }
                        break
                    }
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
        }
    }
}
