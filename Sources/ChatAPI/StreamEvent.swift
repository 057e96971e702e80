/// Token counts reported (or estimated) for one answer.
public struct Usage: Codable, Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = promptTokens + completionTokens
    }
}

/// Durations of one answer in milliseconds.
public struct Timings: Codable, Sendable, Hashable {
    public var retrieval: Int
    @Nullable public var firstToken: Int?
    public var total: Int

    public init(retrieval: Int, firstToken: Int?, total: Int) {
        self.retrieval = retrieval
        self.firstToken = firstToken
        self.total = total
    }
}

/// The first event of a stream.
public struct MetaEvent: Codable, Sendable, Hashable {
    public var apiVersion: String
    @Nullable public var requestId: String?
    @Nullable public var conversationId: String?
    @Nullable public var messageId: String?
    public var model: String

    public init(requestId: String?, conversationId: String?, messageId: String?, model: String) {
        self.apiVersion = "1"
        self.requestId = requestId
        self.conversationId = conversationId
        self.messageId = messageId
        self.model = model
    }
}

/// One `[n]` marker as it went out, right after the token that completed it.
public struct CitationEvent: Codable, Sendable, Hashable {
    public var n: Int
    public var sourceId: String
    public var span: Span

    public init(n: Int, sourceId: String, span: Span) {
        self.n = n
        self.sourceId = sourceId
        self.span = span
    }
}

/// The terminal success event of a stream.
public struct DoneEvent: Codable, Sendable, Hashable {
    public var finishReason: FinishReason
    public var answer: String
    public var citations: [Citation]
    @Nullable public var memoryAdded: Memory?
    public var usage: Usage
    public var timingsMs: Timings
    @Nullable public var conversationId: String?
    @Nullable public var messageId: String?
    /// Set by compare streams only (http-api.md section 8).
    public var comparison: DocumentComparison?

    public init(
        finishReason: FinishReason,
        answer: String,
        citations: [Citation],
        memoryAdded: Memory? = nil,
        usage: Usage,
        timingsMs: Timings,
        conversationId: String?,
        messageId: String?,
        comparison: DocumentComparison? = nil
    ) {
        self.finishReason = finishReason
        self.answer = answer
        self.citations = citations
        self.memoryAdded = memoryAdded
        self.usage = usage
        self.timingsMs = timingsMs
        self.conversationId = conversationId
        self.messageId = messageId
        self.comparison = comparison
    }
}

/// The terminal failure event of a stream.
public struct StreamErrorEvent: Codable, Sendable, Hashable {
    public var code: ErrorCode
    public var message: String
    public var retryable: Bool
    @Nullable public var requestId: String?

    public init(code: ErrorCode, message: String, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.retryable = code.isRetryable
        self.requestId = requestId
    }
}

/// The one event model of an answer, produced by the engine and by the SSE parser alike (http-api.md section 6).
public enum StreamEvent: Sendable, Hashable {
    case meta(MetaEvent)
    case status(stage: String)
    case sources([Source])
    case token(String)
    case citation(CitationEvent)
    case done(DoneEvent)
    case error(StreamErrorEvent)

    /// The SSE event name, equal to the JSON `type`.
    public var type: String {
        switch self {
        case .meta: "meta"
        case .status: "status"
        case .sources: "sources"
        case .token: "token"
        case .citation: "citation"
        case .done: "done"
        case .error: "error"
        }
    }

    /// Whether this event ends the stream.
    public var isTerminal: Bool {
        switch self {
        case .done, .error: true
        default: false
        }
    }
}

extension StreamEvent: Codable {
    private enum TypeKey: String, CodingKey { case type, stage, sources, chunk }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "meta": self = .meta(try MetaEvent(from: decoder))
        case "status": self = .status(stage: try container.decode(String.self, forKey: .stage))
        case "sources": self = .sources(try container.decode([Source].self, forKey: .sources))
        case "token": self = .token(try container.decode(String.self, forKey: .chunk))
        case "citation": self = .citation(try CitationEvent(from: decoder))
        case "done": self = .done(try DoneEvent(from: decoder))
        case "error": self = .error(try StreamErrorEvent(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: container,
                debugDescription: "unknown event type \(type)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .meta(let meta): try meta.encode(to: encoder)
        case .status(let stage): try container.encode(stage, forKey: .stage)
        case .sources(let sources): try container.encode(sources, forKey: .sources)
        case .token(let chunk): try container.encode(chunk, forKey: .chunk)
        case .citation(let citation): try citation.encode(to: encoder)
        case .done(let done): try done.encode(to: encoder)
        case .error(let error): try error.encode(to: encoder)
        }
    }
}
