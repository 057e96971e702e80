/// How much work one document may cause, so that a small upload cannot make the engine inflate, parse or hold
/// gigabytes (issue 15: a 1.1 MB `.docx` inflating to 1.15 GB took a server to 5.7 GB).
///
/// Every limit is checked while the work happens (while an entry inflates, page by page, element by element),
/// never after it, and exceeding one refuses the document with a message naming the limit.
public enum ExtractionLimits {
    /// The bytes the parts of a zip-based document (DOCX) that the engine reads may inflate to, in total.
    ///
    /// The text of a 2,000-page Word document takes a few megabytes of `word/document.xml`; 64 MiB leaves room
    /// for heavy formatting while bounding the memory one document can claim.
    public static let maxInflatedBytes = 64 * 1_048_576

    /// How many times its compressed size an entry may inflate to, once past `ratioCheckFloorBytes`.
    ///
    /// Word's XML compresses 5-20 times; the deflate maximum is about 1,030. A ratio above 100 is repetition built
    /// to expand (a decompression bomb), refused as soon as it shows instead of after the 64 MiB cap.
    public static let maxCompressionRatio = 100

    /// Inflated bytes below which the ratio is not judged: tiny parts (an empty styles file) compress oddly well.
    public static let ratioCheckFloorBytes = 1_048_576

    /// The most pages a PDF may have.
    ///
    /// Poppler reads pages one by one under one global lock; 5,000 pages is a long
    /// book, and a PDF of a million tiny pages fits in the upload limit.
    public static let maxPDFPages = 5_000

    /// The deepest element nesting accepted in XML (DOCX parts) and HTML.
    ///
    /// Real documents stay under a few dozen
    /// levels; deeper trees only serve to exhaust the stack of a recursive reader.
    public static let maxNestingDepth = 256

    /// The most text one document may yield, in UTF-8 bytes: the memory side of the processing budget.
    ///
    /// It equals
    /// the default upload limit, so any text file that may be uploaded fits.
    public static let maxExtractedTextBytes = 50 * 1_048_576

    /// The memory a PDF's reading may add to a child process, when it is read in one (`ExtractionSandbox`).
    ///
    /// Poppler holds a page's glyphs whole, at some 350 bytes each: 1 GiB is a page of three million characters,
    /// a thousand times a dense printed page, while a 25 KB PDF can draw ten million on one page (3.6 GB).
    public static let maxExtractionMemoryBytes = 1_073_741_824

    /// How long one document may take from extraction to indexing (http-api.md section 10: 600 s).
    public static let processingTimeLimit: Duration = .seconds(600)

    /// A limit a document went past.
    public enum Exceeded: Equatable, Sendable {
        /// A part inflates past `maxInflatedBytes` (the parts read so far counted together).
        case inflatedSize(part: String)
        /// A part inflates more than `maxCompressionRatio` times its compressed size.
        case compressionRatio(part: String)
        /// A PDF has more than `maxPDFPages` pages.
        case pages(Int)
        /// Markup nests deeper than `maxNestingDepth`.
        case nesting
        /// The extracted text is over its limit (`maxExtractedTextBytes` unless configured).
        case extractedText(limit: Int)
        /// Reading it needs more memory than its child process may use (`maxExtractionMemoryBytes` unless
        /// configured).
        case memory(limit: Int)

        /// What went past the limit, for the sentence "Cannot read 'name': …".
        var explanation: String {
            switch self {
            case .inflatedSize(let part):
                "\(part) expands past the \(ExtractionLimits.maxInflatedBytes / 1_048_576) MiB limit when unzipped"
            case .compressionRatio(let part):
                "\(part) expands more than \(ExtractionLimits.maxCompressionRatio) times its compressed size "
                    + "when unzipped, which only a decompression bomb does"
            case .pages(let count):
                "it has \(count) pages; the limit is \(ExtractionLimits.maxPDFPages)"
            case .nesting:
                "its markup nests deeper than \(ExtractionLimits.maxNestingDepth) levels"
            case .extractedText(let limit):
                limit >= 1_048_576
                    ? "its text is over the \(limit / 1_048_576) MiB limit"
                    : "its text is over the \(limit / 1024) KiB limit"
            case .memory(let limit):
                "reading it needs more than \(limit / 1_048_576) MiB of memory, the limit per document (a page "
                    + "that draws millions of characters)"
            }
        }

        /// The `details` of the API error: the reason and the number it went past.
        var details: (reason: String, limit: Int) {
            switch self {
            case .inflatedSize: ("inflated_size", ExtractionLimits.maxInflatedBytes)
            case .compressionRatio: ("compression_ratio", ExtractionLimits.maxCompressionRatio)
            case .pages: ("page_count", ExtractionLimits.maxPDFPages)
            case .nesting: ("nesting_depth", ExtractionLimits.maxNestingDepth)
            case .extractedText(let limit): ("text_size", limit)
            case .memory(let limit): ("memory", limit)
            }
        }
    }
}
