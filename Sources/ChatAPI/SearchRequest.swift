/// The body of `POST /search`: ranked passages for a query, without an answer (docs/mcp.md).
public struct SearchRequest: Codable, Sendable, Hashable {
    public var query: String
    public var documentIds: [String]?
    public var topK: Int?

    public init(query: String, documentIds: [String]? = nil, topK: Int? = nil) {
        self.query = query
        self.documentIds = documentIds
        self.topK = topK
    }
}

/// The answer of `POST /search`: the passages an answer to the same query would be built from, best first.
///
/// `results` are document `Source`s numbered from 1; memories never appear, and nothing joins a conversation.
public struct SearchResponse: Codable, Sendable, Hashable {
    public var results: [Source]

    public init(results: [Source]) {
        self.results = results
    }
}
