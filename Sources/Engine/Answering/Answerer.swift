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
    /// The headings from the top of each passage's document down to it (`Release notes > Studio 5.2.0 > New`),
    /// by source number: the sections a list item belongs to often name what it is about.
    public var sectionPaths: [Int: String]
    /// The embedding model's view of the question and sources; nil when embeddings are off or nothing is embedded.
    public var meaning: SemanticEvidence?

    public init(
        question: String,
        previousQuestion: String?,
        sources: [Source],
        history: [HistoryMessage],
        inverseDocumentFrequency: @escaping @Sendable (String) -> Double,
        sectionPaths: [Int: String] = [:],
        meaning: SemanticEvidence? = nil
    ) {
        self.question = question
        self.previousQuestion = previousQuestion
        self.sources = sources
        self.history = history
        self.inverseDocumentFrequency = inverseDocumentFrequency
        self.sectionPaths = sectionPaths
        self.meaning = meaning
    }
}

extension AnswerContext {
    /// The inverse document frequency from which an identifier is distinctive.
    ///
    /// BM25's IDF is about `-ln(share)` of the passages holding the term, so 2.3 means in fewer than about one
    /// passage in ten. Above that share an identifier is the collection's own name (a program, a library) rather
    /// than a thing a question singles out.
    static let distinctiveIdentifierWeight = 2.3

    /// Whether the question names an identifier (`NR-X400`) that no source mentions.
    ///
    /// The sources are then about something else, and both answerers abstain: small models readily answer with a
    /// neighbour's figures.
    ///
    /// An identifier that many passages of the store share (`sqlite3` across a SQLite manual, `bzip2` across its
    /// own) names what the whole collection is about, not what the question asks: it may be missing from the
    /// passages that answer. Only a distinctive one (`cache_spill_limit`, `NR-X400`) must occur in a source.
    ///
    /// - Parameter matchers: One matcher per source over its title, heading and text, when the caller has them.
    /// - Returns: True when some distinctive identifier of the question occurs in no source.
    func asksAboutSomethingElse(matchers: [TermMatcher]? = nil) -> Bool {
        let identifiers = QueryAnalyzer.terms(question).filter(\.isIdentifier).filter {
            inverseDocumentFrequency($0.text) >= Self.distinctiveIdentifierWeight
        }
        guard !identifiers.isEmpty else { return false }
        let matchers =
            matchers ?? sources.map { TermMatcher($0.title + "\n" + ($0.heading ?? "") + "\n" + $0.text) }
        return identifiers.contains { term in !matchers.contains { $0.contains(term) } }
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
    /// More answer text, read for `[n]` markers.
    case text(String)
    /// Text quoted from a source, sent as it is: never read for markers, so a bracketed list in a document
    /// (`'[1, 2, 3]'`) stays literal and only the engine writes citations.
    case quote(String)
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

/// What a comparison writer gets: the request's focus, the compared documents, the numbered passages and what the
/// deterministic comparer found in them.
public struct ComparisonContext: Sendable {
    /// The request's query, or `Compare these documents.`.
    public var query: String
    /// The compared documents' titles, in request order.
    public var documentTitles: [String]
    /// The numbered passages the report may cite: every aligned passage and one of each document.
    public var sources: [Source]
    /// The deterministic comparer's report, its `[n]` markers pointing into `sources`: aligned facts a writer can
    /// build on.
    public var findings: String

    public init(query: String, documentTitles: [String], sources: [Source], findings: String) {
        self.query = query
        self.documentTitles = documentTitles
        self.sources = sources
        self.findings = findings
    }
}

/// An answerer that also writes comparison reports (a language model); without one, `/compare` streams the
/// deterministic comparer's report.
public protocol ComparisonWriter: Answerer {
    /// Writes the report from the context's sources; `[n]` markers refer to them and are normalised by the engine.
    ///
    /// - Throws: `EngineError.llmUnavailable` or `.timeout` when the generator cannot be reached.
    func writeComparison(_ context: ComparisonContext) async throws -> AsyncThrowingStream<AnswerFragment, any Error>
}
