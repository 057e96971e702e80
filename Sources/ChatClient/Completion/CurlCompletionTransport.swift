import CCurl
public import Engine
public import Foundation

/// Carries the engine's language-model requests over libcurl (architecture.md section 1): each request runs as a
/// `CurlTransfer` on a thread of its own, the event stream is parsed by `SSEParser`, and libcurl's failures become
/// typed `CompletionTransportError`s whose text names the failing layer.
///
/// Cancelling the caller, or cancelling or dropping the consumer of a stream, aborts the transfer within about a
/// second, and the model server sees the connection close.
///
/// ```swift
/// let answerer = OpenAICompatibleAnswerer(
///     configuration: .init(baseURL: URL(string: "http://127.0.0.1:11434/v1")!),
///     transport: CurlCompletionTransport()
/// )
/// ```
public struct CurlCompletionTransport: CompletionTransport {
    /// A CA bundle to trust instead of the system's.
    public let caFile: String?
    /// Where the proxy variables are looked up.
    public let environment: [String: String]

    /// The most bytes of an error body kept for the message.
    static let maxErrorBody = 8_192
    /// The most bytes a `fetch` reads.
    static let maxFetchBody = 4_194_304

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - caFile: A PEM CA bundle (`--ca-file`, `CHATSHELL_CA_FILE`), or nil for the system store.
    ///   - environment: The proxy variables; the process environment by default.
    public init(caFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.caFile = caFile
        self.environment = environment
    }

    public func events(for request: CompletionRequest) async throws -> AsyncThrowingStream<String, any Error> {
        let transfer = try await start(request, accept: "text/event-stream")
        try await requireSuccess(transfer, request: request)
        if let mediaType = transfer.head.mediaType, mediaType != "text/event-stream" {
            transfer.cancel()
            throw CompletionTransportError.notEventStream(contentType: mediaType)
        }
        let (payloads, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let classifier = FailureClassifier(request: request, environment: environment, caFile: caFile)
        let reader = Task {
            var parser = SSEParser()
            do {
                for try await chunk in transfer.body {
                    for event in parser.feed(chunk) {
                        continuation.yield(event.data)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: classifier.classify(error, responseStarted: true))
            }
        }
        continuation.onTermination = { termination in
            // Finished streams need nothing; a consumer that left must not keep the model generating.
            if case .cancelled = termination {
                reader.cancel()
                transfer.cancel()
            }
        }
        return payloads
    }

    public func fetch(_ request: CompletionRequest) async throws -> Data {
        let transfer = try await start(request, accept: "application/json")
        try await requireSuccess(transfer, request: request)
        let classifier = FailureClassifier(request: request, environment: environment, caFile: caFile)
        do {
            return try await Self.read(transfer, limit: Self.maxFetchBody)
        } catch {
            throw classifier.classify(error, responseStarted: true)
        }
    }

    // MARK: - Requests

    /// The libcurl request for a completion request.
    static func httpRequest(_ request: CompletionRequest, accept: String) -> HTTPRequest {
        var headers = [HTTPHeader("Accept", accept)]
        if request.body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        if let key = request.apiKey, !key.isEmpty { headers.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        return HTTPRequest(
            method: request.method,
            url: request.url.absoluteString,
            headers: headers,
            body: request.body.map(RequestBody.bytes) ?? .none,
            streaming: accept == "text/event-stream"
        )
    }

    private func start(_ request: CompletionRequest, accept: String) async throws -> CurlTransfer {
        let options = TransportOptions(
            caFile: caFile,
            connectTimeout: request.connectTimeout,
            idleTimeout: request.idleTimeout,
            environment: environment
        )
        do {
            return try await CurlTransfer.start(Self.httpRequest(request, accept: accept), options: options)
        } catch {
            throw FailureClassifier(request: request, environment: environment, caFile: caFile)
                .classify(error, responseStarted: false)
        }
    }

    /// Throws `httpStatus` with the start of the body for a non-2xx answer.
    private func requireSuccess(_ transfer: CurlTransfer, request: CompletionRequest) async throws {
        guard !transfer.head.isSuccess else { return }
        let body = (try? await Self.read(transfer, limit: Self.maxErrorBody)) ?? Data()
        transfer.cancel()
        throw CompletionTransportError.httpStatus(transfer.head.status, body: String(decoding: body, as: UTF8.self))
    }

    /// Reads the body up to `limit` bytes, then abandons the rest.
    private static func read(_ transfer: CurlTransfer, limit: Int) async throws -> Data {
        var data = Data()
        for try await chunk in transfer.body {
            data.append(chunk.prefix(limit - data.count))
            if data.count >= limit {
                transfer.cancel()
                break
            }
        }
        return data
    }
}

/// Sorts libcurl's failures (`BackendError.transport` messages written by `TransportFailure`) into the typed
/// errors the answerer maps: the time limits are recognised by rebuilding the exact messages `TransportFailure`
/// writes for them, so no wording is guessed.
struct FailureClassifier: Sendable {
    var request: CompletionRequest
    var environment: [String: String]
    var caFile: String?

    /// Hints that fit a chatshell server but would mislead about a model server.
    static let serverHints = [
        "Is `chatshell serve` running?",
        "Is the server running, and are the address and port right?",
        "Check that it is a chatshell server and whether it expects http:// or https://.",
    ]

    func classify(_ error: any Error, responseStarted: Bool) -> any Error {
        guard case BackendError.transport(let message) = error else { return error }
        if message == timeoutMessage(connected: false) { return CompletionTransportError.connectTimedOut }
        if message == timeoutMessage(connected: true) { return CompletionTransportError.idleTimedOut }
        let detail = Self.withoutServerHints(message)
        return responseStarted ? CompletionTransportError.broken(detail) : CompletionTransportError.unreachable(detail)
    }

    /// The message `TransportFailure` writes when libcurl times out, before or after connecting.
    func timeoutMessage(connected: Bool) -> String {
        TransportFailure(
            code: CURLE_OPERATION_TIMEDOUT.rawValue,
            url: request.url,
            proxy: ProxyRoute.resolve(for: request.url, environment: environment),
            connected: connected,
            caFile: caFile,
            connectTimeout: request.connectTimeout,
            idleTimeout: request.idleTimeout
        ).message
    }

    static func withoutServerHints(_ message: String) -> String {
        var text = message
        for hint in serverHints {
            text = text.replacingOccurrences(of: hint, with: "")
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
