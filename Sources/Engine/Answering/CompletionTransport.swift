public import Foundation

/// One HTTP request to a language-model endpoint, as the answerer builds it: nothing transport-specific, so the
/// answerer can be tested without a network.
public struct CompletionRequest: Sendable, Equatable {
    /// `GET` (the model list) or `POST` (a chat completion).
    public var method: String
    /// The full endpoint, such as `http://127.0.0.1:11434/v1/chat/completions`.
    public var url: URL
    /// The JSON body of a `POST`.
    public var body: Data?
    /// Sent as `Authorization: Bearer <key>` when present.
    public var apiKey: String?
    /// How long establishing the connection may take.
    public var connectTimeout: Duration
    /// How long the response may send nothing before the transport gives up.
    ///
    /// The answerer enforces its own, tighter first-token and idle limits; this is the transport's backstop.
    public var idleTimeout: Duration

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: `GET` or `POST`.
    ///   - url: The full endpoint URL.
    ///   - body: The JSON body, for `POST`.
    ///   - apiKey: The bearer token, if the endpoint needs one.
    ///   - connectTimeout: The limit for connecting.
    ///   - idleTimeout: The limit for a silent response.
    public init(
        method: String,
        url: URL,
        body: Data? = nil,
        apiKey: String? = nil,
        connectTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(120)
    ) {
        self.method = method
        self.url = url
        self.body = body
        self.apiKey = apiKey
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
    }
}

/// Why a request to a language-model endpoint failed, typed so the answerer can turn it into `llm_unavailable` or
/// `timeout` with a message that says what to check.
public enum CompletionTransportError: Error, Equatable, Sendable {
    /// The endpoint could not be reached (DNS, refused connection, proxy, TLS); the text names the layer.
    case unreachable(String)
    /// No connection within the connect limit.
    case connectTimedOut
    /// The response sent nothing for the transport's idle limit.
    case idleTimedOut
    /// The endpoint answered with a status other than 2xx; `body` is the start of what it sent.
    case httpStatus(Int, body: String)
    /// A 2xx answer that is not an event stream (`Content-Type` given), as from a server ignoring `stream: true`.
    case notEventStream(contentType: String)
    /// The connection broke while the response was arriving; the text names the layer.
    case broken(String)
}

/// Carries chat-completion requests to an OpenAI-compatible endpoint (architecture.md section 1: the engine never
/// links libcurl; ChatClient's `CurlCompletionTransport` serves it).
///
/// Both calls honour task cancellation, and dropping or cancelling the consumer of a stream aborts the request at
/// once, so the model server stops generating.
public protocol CompletionTransport: Sendable {
    /// Sends a request whose answer is a Server-Sent Events stream.
    ///
    /// - Parameter request: The request, usually a `POST` to `/chat/completions` with `stream: true`.
    /// - Returns: The `data` payload of each event, in order, once the endpoint answered 2xx; the stream ends when
    ///   the connection closes and throws `CompletionTransportError` when it breaks.
    /// - Throws: `CompletionTransportError` or `CancellationError`.
    func events(for request: CompletionRequest) async throws -> AsyncThrowingStream<String, any Error>

    /// Sends a request and reads its whole 2xx answer.
    ///
    /// - Parameter request: The request, usually a `GET` of `/models`.
    /// - Returns: The response body.
    /// - Throws: `CompletionTransportError` or `CancellationError`.
    func fetch(_ request: CompletionRequest) async throws -> Data
}
