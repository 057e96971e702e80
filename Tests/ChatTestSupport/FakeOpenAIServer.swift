public import Foundation
import Synchronization

/// A fake OpenAI-compatible model server on 127.0.0.1 and an ephemeral port: real HTTP over POSIX sockets on
/// plain threads, so the libcurl transport is tested against real connections without a model.
///
/// `GET /v1/models` lists `models`; every other request is answered by playing the responder's script of sends,
/// pauses, waits and hangs, which covers streaming with delays, `[DONE]`, usage chunks, HTTP errors, truncated
/// streams, slow first tokens and servers that never answer. Connections a client closes while the script hangs
/// are recorded, so tests can check that cancellation reaches the server.
///
/// ```swift
/// let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["The payload is 8 kg ", "[1]."]) }
/// // point an OpenAICompatibleAnswerer at server.baseURL
/// ```
public final class FakeOpenAIServer: Sendable {
    /// A request as the server received it.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: Data

        /// The body as text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// The body decoded as JSON (snake_case keys to camelCase), if it decodes.
        public func decoded<T: Decodable>(_ type: T.Type) -> T? {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try? decoder.decode(type, from: body)
        }

        /// The `content` of each chat message in the body, in order.
        public var messageContents: [String] {
            let messages =
                (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["messages"] as? [[String: Any]]
            return (messages ?? []).compactMap { $0["content"] as? String }
        }
    }

    /// One step of a response script.
    public enum Step: Sendable {
        /// Sends bytes.
        case send(Data)
        /// Sends nothing for a while.
        case pause(Duration)
        /// Sends nothing until the client disconnects (recorded) or the server stops; the script ends there.
        case hang
        /// Waits until the condition holds (checked every 10 ms; after 120 s, a watchdog, `waitTimeouts` counts the
        /// miss), then goes on.
        case waitUntil(@Sendable () -> Bool)
    }

    public typealias Responder = @Sendable (Request) -> [Step]

    private let listener: LoopbackListener
    private let models: [String]?
    private let state = Mutex(State())
    /// A request or a disconnect was recorded.
    private let changes = Changes()

    /// The port it listens on.
    public var port: Int { listener.port }

    private struct State {
        var requests: [Request] = []
        var disconnects: [ContinuousClock.Instant] = []
        var waitTimeouts = 0
    }

    /// Starts listening.
    ///
    /// - Parameters:
    ///   - models: What `GET /v1/models` lists; nil answers it 404.
    ///   - responder: The script for every other request.
    /// - Throws: `POSIXError` when no loopback port can be bound.
    public init(models: [String]? = ["fake-model"], responder: @escaping Responder) throws {
        listener = try LoopbackListener()
        self.models = models
        listener.start { [self] connection in serve(connection, responder) }
    }

    deinit {
        stop()
    }

    /// The API base to configure, `http://127.0.0.1:PORT/v1`.
    public var baseURL: URL {
        URL(string: "http://127.0.0.1:\(port)/v1") ?? URL(fileURLWithPath: "/")
    }

    /// Every request so far, `/models` included, in order.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// The chat-completion requests so far.
    public var completionRequests: [Request] { requests.filter { $0.path.hasSuffix("/chat/completions") } }

    /// When hanging connections saw their client leave.
    public var disconnects: [ContinuousClock.Instant] { state.withLock { $0.disconnects } }

    /// How many `waitUntil` steps gave up waiting.
    public var waitTimeouts: Int { state.withLock { $0.waitTimeouts } }

    /// Stops accepting; hanging connections end.
    public func stop() {
        listener.stop()
    }

    /// Waits until a client has left a hanging connection.
    ///
    /// - Returns: Whether one did before the watchdog (a client that never leaves is a defect).
    public func waitForDisconnect() async -> Bool {
        await changes.wait { !disconnects.isEmpty }
    }

    /// Waits until `count` requests have arrived.
    ///
    /// - Returns: Whether they did before the watchdog.
    public func waitForRequests(_ count: Int) async -> Bool {
        await changes.wait { requests.count >= count }
    }

    /// A port nothing listens on: bound once, then closed.
    public static func closedPort() throws -> Int {
        try LoopbackListener.closedPort()
    }

    // MARK: - Scripts

    /// The head of an event stream whose body runs until the connection closes.
    public static let streamHead = Data(
        ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
            + "Connection: close\r\n\r\n").utf8
    )

    /// One `data:` frame.
    public static func frame(_ payload: String) -> Data {
        Data("data: \(payload)\n\n".utf8)
    }

    /// A chunk frame carrying answer text (JSON-escaped here).
    public static func contentFrame(_ text: String, model: String = "fake-model") -> Data {
        let escaped = String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        return frame(
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"\#(model)","choices":[{"index":0,"#
                + #""delta":{"content":\#(escaped)},"finish_reason":null}]}"#
        )
    }

    /// The frame that ends a choice with a finish reason.
    public static func finishFrame(_ reason: String) -> Data {
        frame(
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"#
                + #""finish_reason":"\#(reason)"}]}"#
        )
    }

    /// The usage frame of `stream_options.include_usage`: no choices, token counts.
    public static func usageFrame(prompt: Int, completion: Int) -> Data {
        frame(
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":\#(prompt),"#
                + #""completion_tokens":\#(completion),"total_tokens":\#(prompt + completion)}}"#
        )
    }

    /// The `[DONE]` sentinel.
    public static let doneFrame = frame("[DONE]")

    /// A complete streamed answer: a role chunk, one chunk per piece (with a pause before each but the first), the
    /// finish reason, optionally usage, then `[DONE]` unless `done` is false (a truncated stream).
    public static func stream(
        _ pieces: [String],
        pause: Duration? = nil,
        finishReason: String = "stop",
        usage: (prompt: Int, completion: Int)? = nil,
        done: Bool = true
    ) -> [Step] {
        var steps: [Step] = [
            .send(streamHead),
            .send(
                frame(
                    #"{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"#
                        + #""delta":{"role":"assistant","content":""},"finish_reason":null}]}"#
                )
            ),
        ]
        for (index, piece) in pieces.enumerated() {
            if index > 0, let pause { steps.append(.pause(pause)) }
            steps.append(.send(contentFrame(piece)))
        }
        steps.append(.send(finishFrame(finishReason)))
        if let usage { steps.append(.send(usageFrame(prompt: usage.prompt, completion: usage.completion))) }
        if done { steps.append(.send(doneFrame)) }
        return steps
    }

    /// A JSON error answer as OpenAI-compatible servers send it: `{"error":{"message":…,"type":…}}`.
    public static func error(status: Int, reason: String, message: String, type: String = "server_error") -> [Step] {
        let escaped = String(decoding: (try? JSONEncoder().encode(message)) ?? Data("\"\"".utf8), as: UTF8.self)
        return [
            .send(
                response(status: status, reason: reason, body: #"{"error":{"message":\#(escaped),"type":"\#(type)"}}"#)
            )
        ]
    }

    /// A complete response with `Content-Length`, closing the connection after it.
    public static func response(
        status: Int,
        reason: String,
        contentType: String = "application/json",
        body: String
    ) -> Data {
        Data(
            ("HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)").utf8
        )
    }

    // MARK: - Serving

    private func serve(_ connection: Int32, _ responder: Responder) {
        // A client that leaves before its request is whole (a short timeout on a loaded machine) has left too.
        guard let received = LoopbackListener.readRequest(connection) else { return recordDisconnect() }
        let request = Request(
            method: received.method,
            path: received.target,
            headers: received.headers,
            body: received.body
        )
        state.withLock { $0.requests.append(request) }
        changes.notify()
        let steps: [Step]
        if request.method == "GET", request.path.hasSuffix("/models") {
            steps = [.send(modelsResponse())]
        } else {
            steps = responder(request)
        }
        for step in steps {
            switch step {
            case .send(let data):
                guard LoopbackListener.sendAll(connection, data) else { return recordDisconnect() }
            case .pause(let duration):
                let (seconds, attoseconds) = duration.components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            case .hang:
                if listener.waitForDisconnect(connection) { recordDisconnect() }
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

    private func modelsResponse() -> Data {
        guard let models else {
            return Self.response(status: 404, reason: "Not Found", body: #"{"error":{"message":"no models"}}"#)
        }
        let entries = models.map { #"{"id":"\#($0)","object":"model","owned_by":"fake"}"# }
        return Self.response(
            status: 200,
            reason: "OK",
            body: #"{"object":"list","data":[\#(entries.joined(separator: ","))]}"#
        )
    }

    private func recordDisconnect() {
        let now = ContinuousClock.now
        state.withLock { $0.disconnects.append(now) }
        changes.notify()
    }
}
