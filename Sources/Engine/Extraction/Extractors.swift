/// Picks the extractor for a document type (architecture.md section 4, step 3).
public enum Extractors {
    /// The extractor that reads one format.
    ///
    /// ```swift
    /// let type = try UploadValidator.validate(filename: name, data: bytes)
    /// let document = try Extractors.extractor(for: type).extract(bytes, filename: name)
    /// ```
    ///
    /// - Parameter type: the validated document type.
    /// - Returns: a stateless extractor; PDF extraction blocks, so run it off the cooperative pool.
    public static func extractor(for type: DocumentType) -> any TextExtractor {
        extractor(for: type, budget: ProcessingBudget())
    }

    /// The extractor for a type that gives up once `budget` is spent, where its format can take long or expand
    /// (PDF, page by page, in a bounded child process when `sandbox` is given); the others are bounded by the
    /// upload's size.
    static func extractor(
        for type: DocumentType,
        budget: ProcessingBudget,
        sandbox: ExtractionSandbox? = nil
    ) -> any TextExtractor {
        switch type {
        case .txt: PlainTextExtractor()
        case .md: MarkdownExtractor()
        case .html: HTMLExtractor()
        case .pdf: sandbox.map { SandboxedPDFExtractor(sandbox: $0, budget: budget) } ?? PDFExtractor(budget: budget)
        case .docx: DOCXExtractor()
        }
    }

    // MARK: - Shared text helpers

    /// The fewest letters a document title may have: a lone letter is a drop capital, a logo or a stray
    /// glyph that a layout happened to put first, never what a reader would call the document.
    static let minimumTitleLetters = 2
    /// Longer "titles" are a first paragraph that had no heading above it.
    static let maximumTitleCharacters = 150

    /// Whether a candidate title (metadata, `<title>`, a first heading or line) can name a document.
    static func isPlausibleTitle(_ title: String) -> Bool {
        let letters = title.unicodeScalars.filter { $0.properties.isAlphabetic }.count
        return letters >= minimumTitleLetters && title.count <= maximumTitleCharacters
    }

    /// Collapses every run of whitespace (tabs, line ends, no-break spaces) to one space and trims the ends.
    static func collapseWhitespace(_ text: some StringProtocol) -> String {
        // ASCII text (most lines) is collapsed byte by byte: there every byte is one `Character`, and ASCII white
        // space is exactly space and 0x09-0x0D.
        if let collapsed = text.utf8.withContiguousStorageIfAvailable(collapseASCIIWhitespace) ?? nil {
            return collapsed
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character.isWhitespaceFast {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }

    /// `collapseWhitespace` of ASCII bytes; nil when a byte is not ASCII.
    private static func collapseASCIIWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(0x20) }
                pendingSpace = false
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Renders one table row so it reads on its own in a passage: `Header: value; Header2: value2` when the table
    /// has a header row, `Label: value` for a two-cell row without one (spec sheets, key-value lists), else the
    /// cells joined with ` | `.
    ///
    /// Empty cells are left out, so merged or blank cells do not leave dangling labels.
    static func tableRowText(cells: [String], header: [String]?) -> String {
        let cells = cells.map { collapseWhitespace($0) }
        if let header {
            let labels = header.map { collapseWhitespace($0) }
            var parts: [String] = []
            for (index, value) in cells.enumerated() where !value.isEmpty {
                let label = index < labels.count ? labels[index] : ""
                if label.isEmpty || label == value {
                    parts.append(value)
                } else {
                    let separator = label.hasSuffix(":") ? " " : ": "
                    parts.append(label + separator + value)
                }
            }
            return parts.joined(separator: "; ")
        }
        let nonEmpty = cells.filter { !$0.isEmpty }
        if nonEmpty.count == 2 {
            return nonEmpty[0] + (nonEmpty[0].hasSuffix(":") ? " " : ": ") + nonEmpty[1]
        }
        return nonEmpty.joined(separator: " | ")
    }

    /// Whether a row looks like a table's header when no markup says so: short labels without digits and
    /// without the trailing colon of a `Label: value` list, above rows that mostly carry figures.
    static func looksLikeHeaderRow(_ first: [String], dataRows: [[String]]) -> Bool {
        let labels = first.map { collapseWhitespace($0) }.filter { !$0.isEmpty }
        guard labels.count >= 2, dataRows.count >= 2 else { return false }
        let plainLabels = labels.allSatisfy { label in
            label.count <= 40 && !label.hasSuffix(":") && !label.contains(where: \.isNumber)
        }
        let rowsWithFigures = dataRows.filter { row in row.contains { $0.contains(where: \.isNumber) } }.count
        return plainLabels && rowsWithFigures * 2 >= dataRows.count
    }
}
