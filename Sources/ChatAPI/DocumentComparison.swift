/// What a comparison found, with `[n]` markers resolving through `sources`: the `ComparisonResult` object of
/// http-api.md (named apart from Foundation's `ComparisonResult`).
public struct DocumentComparison: Codable, Sendable, Hashable {
    public var comparisonId: String
    public var documentIds: [String]
    public var query: String
    public var similarities: [String]
    public var differences: [String]
    public var crossDocumentInsights: [String]
    public var report: String
    /// The item that best answers `query`, with its markers; clients lead with it.
    ///
    /// A difference, similarity or insight sharing most of the query's terms; nil without a query or when no item
    /// shares a term.
    public var bestMatch: String?
    public var sources: [Source]
    public var citations: [Citation]
    public var usage: Usage
    public var timingsMs: Timings

    public init(
        comparisonId: String,
        documentIds: [String],
        query: String,
        similarities: [String],
        differences: [String],
        crossDocumentInsights: [String],
        report: String,
        bestMatch: String? = nil,
        sources: [Source],
        citations: [Citation],
        usage: Usage,
        timingsMs: Timings
    ) {
        self.comparisonId = comparisonId
        self.documentIds = documentIds
        self.query = query
        self.similarities = similarities
        self.differences = differences
        self.crossDocumentInsights = crossDocumentInsights
        self.report = report
        self.bestMatch = bestMatch
        self.sources = sources
        self.citations = citations
        self.usage = usage
        self.timingsMs = timingsMs
    }
}
