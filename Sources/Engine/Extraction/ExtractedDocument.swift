public import Foundation

/// The file formats the engine reads; the extension alone decides (http-api.md section 5).
public enum DocumentType: String, Sendable, CaseIterable, Codable {
    case txt, md, html, pdf, docx

    /// The type for a file name's extension, in any case, or nil when unsupported.
    public init?(filename: String) {
        switch (filename as NSString).pathExtension.lowercased() {
        case "txt": self = .txt
        case "md", "markdown": self = .md
        case "html", "htm": self = .html
        case "pdf": self = .pdf
        case "docx": self = .docx
        default: return nil
        }
    }

    /// Whether the format is read as text (and so checked for binary content).
    public var isText: Bool { self == .txt || self == .md || self == .html }
}

/// One structural unit of extracted text, in reading order.
public struct TextBlock: Sendable, Hashable, Codable {
    /// What a block is; the chunker never cuts across a heading and keeps table rows whole.
    public enum Kind: Sendable, Hashable, Codable {
        case heading(level: Int)
        case paragraph
        case listItem
        case tableRow
        /// Preformatted text (code, command synopses, sample output): its lines and indentation are kept, and
        /// the chunker never splits it into sentences or joins its lines.
        case code
    }

    public var kind: Kind
    /// Normalised text: NFC, LF line ends, no trailing whitespace; only code keeps leading whitespace.
    public var text: String
    /// 1-based page for paged formats (PDF), else nil.
    public var page: Int?

    public init(kind: Kind, text: String, page: Int? = nil) {
        self.kind = kind
        self.text = text
        self.page = page
    }
}

/// What an extractor found in one file.
///
/// Codable so that a PDF read in a child process (`ExtractionSandbox`) comes back whole.
public struct ExtractedDocument: Sendable, Hashable, Codable {
    /// The document's own title (HTML `<title>`/first `h1`, Markdown first `#`, DOCX title or first heading,
    /// PDF metadata title or first line), if any.
    public var title: String?
    public var blocks: [TextBlock]
    /// Number of pages, PDFs only.
    public var pageCount: Int?

    public init(title: String?, blocks: [TextBlock], pageCount: Int? = nil) {
        self.title = title
        self.blocks = blocks
        self.pageCount = pageCount
    }
}

/// Turns the bytes of one format into structured text.
public protocol TextExtractor: Sendable {
    /// Extracts the text of a file whose content already passed `UploadValidator`.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - filename: the name, for messages.
    /// - Returns: the document's blocks in reading order.
    /// - Throws: `EngineError` when the content cannot be read.
    func extract(_ data: Data, filename: String) throws -> ExtractedDocument
}
