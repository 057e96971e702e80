/// The body of `POST /query` and `POST /query/stream` (http-api.md section 6).
public struct QueryRequest: Codable, Sendable, Hashable {
    public var query: String
    public var conversationId: String?
    public var documentIds: [String]?
    public var topK: Int?
    public var includeMemory: Bool?

    public init(
        query: String,
        conversationId: String? = nil,
        documentIds: [String]? = nil,
        topK: Int? = nil,
        includeMemory: Bool? = nil
    ) {
        self.query = query
        self.conversationId = conversationId
        self.documentIds = documentIds
        self.topK = topK
        self.includeMemory = includeMemory
    }
}
