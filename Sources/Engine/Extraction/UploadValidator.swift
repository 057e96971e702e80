public import Foundation

/// The content checks an upload passes before anything is stored (http-api.md section 5, checks 2 and 4-9).
public enum UploadValidator {
    /// The default upload limit, 50 MiB.
    public static let defaultMaxBytes = 50 * 1_048_576

    /// Refuses a file over the upload limit; callers check the size before reading the bytes.
    ///
    /// - Parameters:
    ///   - filename: the upload's name, for the message.
    ///   - size: the file's size in bytes.
    ///   - max: the limit in bytes.
    /// - Throws: `EngineError.fileTooLarge` when `size` is over `max`.
    public static func checkSize(filename: String, size: Int, max: Int = defaultMaxBytes) throws(EngineError) {
        if size > max {
            throw .fileTooLarge(filename: filename, size: size, max: max)
        }
    }

    /// The longest upload title, in Unicode scalars: room for any real document title, while a title stays a
    /// one-line label in document lists and sources.
    public static let maxTitleCharacters = 500

    /// Refuses a filename that cannot be kept byte for byte and a title over `maxTitleCharacters` (check 3).
    ///
    /// A NUL byte would cut the name short wherever it meets a C string, and no file system allows one, so such
    /// a name is refused rather than silently shortened.
    ///
    /// - Parameters:
    ///   - filename: the upload's name.
    ///   - title: the upload's `title`, already trimmed.
    /// - Throws: `EngineError.validation` naming `file` or `title`.
    public static func checkNames(filename: String, title: String?) throws(EngineError) {
        var problems: [EngineError.FieldProblem] = []
        if let nul = filename.unicodeScalars.firstIndex(of: "\u{0}") {
            let offset = filename.unicodeScalars.distance(from: filename.unicodeScalars.startIndex, to: nul)
            problems.append(
                .init(
                    field: "file",
                    message: "filename has a NUL byte at character \(offset + 1), which no file system allows; "
                        + "rename the file and upload it again"
                )
            )
        }
        if let title, title.unicodeScalars.count > maxTitleCharacters {
            problems.append(titleTooLong(characters: title.unicodeScalars.count))
        }
        if !problems.isEmpty { throw .validation(problems) }
    }

    /// The problem of a title over the limit; `characters` nil when it was refused before being read whole.
    public static func titleTooLong(characters: Int?) -> EngineError.FieldProblem {
        let size = characters.map { "has \($0) characters" } ?? "is longer than that"
        return .init(
            field: "title",
            message: "must be at most \(maxTitleCharacters) characters (this one \(size)); shorten the title"
        )
    }

    /// Checks that a file's content matches its extension, in the order the API prescribes.
    ///
    /// ```swift
    /// let type = try UploadValidator.validate(filename: "notes.txt", data: bytes)  // .txt
    /// ```
    ///
    /// - Parameters:
    ///   - filename: the upload's name; only its extension decides the type.
    ///   - data: the file's bytes.
    /// - Returns: the document type the extension names.
    /// - Throws: `EngineError.unsupportedFileType`, `.emptyFile` or `.invalidFile` with the failed check's reason.
    public static func validate(filename: String, data: Data) throws(EngineError) -> DocumentType {
        guard let type = DocumentType(filename: filename) else {
            throw .unsupportedFileType(filename: filename)
        }
        if data.isEmpty || (type.isText && isBlankText(data)) {
            throw .emptyFile(filename: filename)
        }
        switch type {
        case .txt, .md, .html:
            if !looksLikeText(data) {
                throw .invalidFile(filename: filename, reason: .notText)
            }
        case .pdf:
            if data.prefix(1024).firstRange(of: pdfHeader) == nil {
                throw .invalidFile(filename: filename, reason: .notPDF)
            }
            if data.suffix(1024).firstRange(of: pdfTrailer) == nil {
                throw .invalidFile(filename: filename, reason: .truncatedPDF)
            }
            guard try PDFExtractor.opensWithPages(data, filename: filename) else {
                throw .invalidFile(filename: filename, reason: .truncatedPDF)
            }
        case .docx:
            try DOCXExtractor.validate(data, filename: filename)
        }
        return type
    }

    // MARK: - Checks

    private static let pdfHeader = Data("%PDF-".utf8)
    private static let pdfTrailer = Data("%%EOF".utf8)

    private static func isBlankText(_ data: Data) -> Bool {
        // Most files show a visible ASCII byte early; decoding everything is only needed for the rest.
        for byte in data {
            if byte == 0x20 || (0x09...0x0D).contains(byte) { continue }
            if byte < 0x80 { return false }
            break
        }
        return TextDecoding.decode(data).allSatisfy(\.isWhitespace)
    }

    /// A NUL byte always means binary; other control bytes only count when the bytes are not UTF-8 either,
    /// because Windows-1252 text is accepted and has no use for them.
    private static func looksLikeText(_ data: Data) -> Bool {
        if data.contains(0) { return false }
        if TextDecoding.isValidUTF8(data) { return true }
        let allowedControls: Set<UInt8> = [0x09, 0x0A, 0x0C, 0x0D]
        return !data.contains { $0 < 0x20 && !allowedControls.contains($0) }
    }
}
