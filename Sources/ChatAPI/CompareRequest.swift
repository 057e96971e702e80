/// The body of `POST /compare` (http-api.md section 8).
public struct CompareRequest: Codable, Sendable, Hashable {
    public var documentIds: [String]
    public var query: String?

    public init(documentIds: [String], query: String? = nil) {
        self.documentIds = documentIds
        self.query = query
    }
}
