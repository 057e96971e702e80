public import Embedding
public import Foundation

/// Embeds through an OpenAI-compatible `POST {base}/embeddings` (OpenAI, Ollama, llama.cpp, vLLM), the alternative
/// to the model in the process.
///
/// Texts go as they are: role prefixes such as E5's `query: ` belong to particular models, and a server's model is
/// not known to need them. Vectors are scaled to unit length, since not every server normalises them.
public struct OpenAICompatibleEmbedder: Embedder {
    /// Where and what to ask.
    public struct Configuration: Sendable {
        /// The base URL, such as `http://127.0.0.1:11434/v1`; `/embeddings` is appended.
        public var baseURL: URL
        /// The model the server should use.
        public var model: String
        /// Sent as a bearer token when present.
        public var apiKey: String?
        /// The limit for connecting and for a silent response.
        public var timeout: Duration

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - baseURL: The server's OpenAI-compatible base URL.
        ///   - model: The embedding model's name on that server.
        ///   - apiKey: The bearer token, if the server needs one.
        ///   - timeout: The limit for connecting and for a silent response.
        public init(baseURL: URL, model: String, apiKey: String? = nil, timeout: Duration = .seconds(60)) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.timeout = timeout
        }

        /// The endpoint, as messages show it.
        var endpoint: URL { baseURL.appendingPathComponent("embeddings") }
    }

    let configuration: Configuration
    let transport: any CompletionTransport

    /// Creates an embedder that sends its requests through `transport`.
    public init(configuration: Configuration, transport: any CompletionTransport) {
        self.configuration = configuration
        self.transport = transport
    }

    public var model: String { configuration.model }
    public var fingerprint: String {
        "openai-compatible:\(configuration.endpoint.absoluteString)#\(configuration.model)"
    }

    private struct Body: Encodable {
        var model: String
        var input: [String]
        var encodingFormat = "float"

        enum CodingKeys: String, CodingKey {
            case model, input
            case encodingFormat = "encoding_format"
        }
    }

    private struct Response: Decodable {
        struct Item: Decodable {
            var index: Int
            var embedding: [Float]
        }
        var data: [Item]
    }

    public func embed(_ texts: [String], as role: EmbeddingRole) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let url = configuration.endpoint
        let request = CompletionRequest(
            method: "POST",
            url: url,
            body: try JSONEncoder().encode(Body(model: configuration.model, input: texts)),
            apiKey: configuration.apiKey,
            connectTimeout: configuration.timeout,
            idleTimeout: configuration.timeout
        )
        let data: Data
        do {
            data = try await transport.fetch(request)
        } catch let error as CompletionTransportError {
            throw EngineError.serviceUnavailable(Self.message(for: error, url: url))
        }
        guard let response = try? JSONDecoder().decode(Response.self, from: data) else {
            throw EngineError.serviceUnavailable(
                "The embedding endpoint \(url) answered with something other than an OpenAI embeddings list "
                    + "('\(String(decoding: data.prefix(80), as: UTF8.self))'). Check embedding_url: it is the "
                    + "server's OpenAI-compatible base URL, such as http://127.0.0.1:11434/v1."
            )
        }
        let items = response.data.sorted { $0.index < $1.index }
        guard items.map(\.index) == Array(texts.indices) else {
            throw EngineError.serviceUnavailable(
                "The embedding endpoint \(url) returned \(items.count) vectors for \(texts.count) texts."
            )
        }
        let width = items.first?.embedding.count ?? 0
        guard width > 0, items.allSatisfy({ $0.embedding.count == width }) else {
            throw EngineError.serviceUnavailable(
                "The embedding endpoint \(url) returned vectors of differing or zero length."
            )
        }
        return items.map { item in
            let norm = max(item.embedding.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return item.embedding.map { $0 / norm }
        }
    }

    /// What a transport failure means here, and what to check.
    static func message(for error: CompletionTransportError, url: URL) -> String {
        switch error {
        case .unreachable(let detail), .broken(let detail):
            return "Cannot reach the embedding endpoint \(url): \(detail). Is the server running? "
                + "Check embedding_url, or use --embeddings off."
        case .connectTimedOut, .idleTimedOut:
            return "The embedding endpoint \(url) did not answer in time. Check that the server is up and not "
                + "overloaded."
        case .httpStatus(let status, let body):
            let detail = Self.reportedError(in: body) ?? String(body.prefix(200))
            return "The embedding endpoint \(url) answered HTTP \(status): \(detail). Check embedding_url and "
                + "embedding_model (an embedding model the server has)."
        case .notEventStream(let contentType):
            return "The embedding endpoint \(url) answered with \(contentType)."
        }
    }

    /// The `error.message` of an OpenAI-style error body.
    private static func reportedError(in body: String) -> String? {
        struct Envelope: Decodable {
            struct Detail: Decodable { var message: String }
            var error: Detail
        }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(body.utf8)))?.error.message
    }
}
