public import ChatAPI

/// One earlier message of the conversation, as context for a generator.
public struct HistoryMessage: Sendable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// What an answerer gets: the question, the numbered sources and the recent turns.
public struct AnswerContext: Sendable {
    public var question: String
    /// The previous user question in this conversation, if any (follow-ups lean on it).
    public var previousQuestion: String?
    public var sources: [Source]
    /// The last messages of the conversation, oldest first.
    public var history: [HistoryMessage]
    /// Inverse document frequency of a term over the indexed chunks (for term weighting).
    public var inverseDocumentFrequency: @Sendable (String) -> Double

    public init(
        question: String,
        previousQuestion: String?,
        sources: [Source],
        history: [HistoryMessage],
        inverseDocumentFrequency: @escaping @Sendable (String) -> Double
    ) {
        self.question = question
        self.previousQuestion = previousQuestion
        self.sources = sources
        self.history = history
        self.inverseDocumentFrequency = inverseDocumentFrequency
    }
}

/// What an answerer decided.
public enum AnswerOutcome: Sendable {
    /// The evidence is too weak: the engine answers `no_context` with no sources.
    case abstain
    /// Answer text, streamed; `[n]` markers refer to the context's sources. Markers may arrive split, grouped or
    /// wrong: the engine normalises them.
    case stream(AsyncThrowingStream<AnswerFragment, any Error>)
}

/// A piece of generated answer.
public enum AnswerFragment: Sendable, Hashable {
    /// More answer text.
    case text(String)
    /// Token counts, when the generator reports them.
    case usage(Usage)
    /// The generator stopped at its length limit.
    case truncated
}

/// Turns retrieved sources into an answer: `ExtractiveAnswerer` offline, `OpenAICompatibleAnswerer` with a model.
public protocol Answerer: Sendable {
    /// The name reported in `meta.model` (`extractive`, or the model's name).
    var model: String { get }
    /// Answers from the context's sources.
    ///
    /// - Throws: `EngineError.llmUnavailable` or `.timeout` when a generator cannot be reached.
    func answer(_ context: AnswerContext) async throws -> AnswerOutcome
}
