/// `GET /documents/{id}/text`: a processed document's text as retrieval sees it, its passages in order.
public struct DocumentText: Codable, Sendable, Hashable {
    public var documentId: String
    public var filename: String
    public var title: String
    public var type: String
    public var text: String

    public init(documentId: String, filename: String, title: String, type: String, text: String) {
        self.documentId = documentId
        self.filename = filename
        self.title = title
        self.type = type
        self.text = text
    }
}
