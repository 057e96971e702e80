/// One retrieved passage or memory, numbered as the answer cites it (http-api.md section 6).
public struct Source: Codable, Sendable, Hashable {
    /// What a source is: a document passage or a memory.
    public enum Kind: String, Codable, Sendable, Hashable {
        case document
        case personalMemory = "personal_memory"
        case sharedMemory = "shared_memory"
    }

    public var n: Int
    public var id: String
    public var kind: Kind
    @Nullable public var documentId: String?
    @Nullable public var chunkId: String?
    @Nullable public var filename: String?
    public var title: String
    @Nullable public var page: Int?
    public var snippet: String
    public var text: String
    public var score: Double
    @Nullable public var charStart: Int?
    @Nullable public var charEnd: Int?
    @Nullable public var heading: String?

    public init(
        n: Int,
        id: String,
        kind: Kind,
        documentId: String? = nil,
        chunkId: String? = nil,
        filename: String? = nil,
        title: String,
        page: Int? = nil,
        snippet: String,
        text: String,
        score: Double,
        charStart: Int? = nil,
        charEnd: Int? = nil,
        heading: String? = nil
    ) {
        self.n = n
        self.id = id
        self.kind = kind
        self.documentId = documentId
        self.chunkId = chunkId
        self.filename = filename
        self.title = title
        self.page = page
        self.snippet = snippet
        self.text = text
        self.score = score
        self.charStart = charStart
        self.charEnd = charEnd
        self.heading = heading
    }

    /// The longest snippet the contract allows, in Unicode scalars.
    public static let maxSnippetScalars = 300

    /// Cuts a passage down to a snippet of at most `maxSnippetScalars` scalars, on a word boundary.
    public static func snippet(of text: String) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard flat.unicodeScalars.count > maxSnippetScalars else { return flat }
        var scalars = String.UnicodeScalarView(flat.unicodeScalars.prefix(maxSnippetScalars - 1))
        if let space = String(scalars).lastIndex(of: " ") {
            scalars = String(String(scalars)[..<space]).unicodeScalars
        }
        return String(scalars) + "…"
    }
}
