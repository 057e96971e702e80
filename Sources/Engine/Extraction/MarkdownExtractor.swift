public import Foundation

/// Reads Markdown (CommonMark plus pipe tables): headings with their level, paragraphs, list items and table
/// rows, with inline markup removed so passages read as plain text.
public struct MarkdownExtractor: TextExtractor {
    public init() {}

    /// Extracts the blocks of a `.md` file.
    ///
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8, else Windows-1252).
    ///   - filename: the name, unused: Markdown never fails to read.
    /// - Returns: the blocks in reading order; the title is the first level-1 heading.
    public func extract(_ data: Data, filename: String) -> ExtractedDocument {
        extract(text: TextDecoding.decode(data))
    }

    /// Extracts the blocks of already decoded and normalised Markdown.
    func extract(text: String) -> ExtractedDocument {
        var parser = MarkdownParser(
            lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        )
        parser.run()
        let title = parser.blocks.first { $0.kind == .heading(level: 1) }?.text
        return ExtractedDocument(title: title, blocks: parser.blocks)
    }

    // MARK: - Inline markup

    /// Removes emphasis, code spans, links, images, inline HTML and backslash escapes, keeping the visible text.
    static func plainInline(_ text: String) -> String {
        var output = ""
        for (segment, isCode) in codeSpans(in: text) {
            output += isCode ? segment : stripMarkup(segment)
        }
        return Extractors.collapseWhitespace(output)
    }

    /// Splits text into alternating prose and code-span contents; code is kept verbatim.
    private static func codeSpans(in text: String) -> [(String, Bool)] {
        var parts: [(String, Bool)] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "`") {
            let fence = rest[open...].prefix { $0 == "`" }
            let afterOpen = fence.endIndex
            guard let close = rest[afterOpen...].firstRange(of: fence) else { break }
            // A longer run of backticks is not a match for this fence.
            let tail = rest[close.upperBound...]
            if tail.first == "`" {
                let skip = tail.prefix { $0 == "`" }
                parts.append((String(rest[..<skip.endIndex]), false))
                rest = rest[skip.endIndex...]
                continue
            }
            parts.append((String(rest[..<open]), false))
            var code = rest[afterOpen..<close.lowerBound]
            if code.count >= 2, code.first == " ", code.last == " " { code = code.dropFirst().dropLast() }
            parts.append((String(code), true))
            rest = tail
        }
        parts.append((String(rest), false))
        return parts
    }

    private static let escapeBase: UInt32 = 0xF0000
    private static let asciiPunctuation = ##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##

    private static func stripMarkup(_ text: String) -> String {
        // Escaped punctuation is parked in a private-use plane so the markup rules below cannot see it.
        var parked = String.UnicodeScalarView()
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                escaping = false
                if asciiPunctuation.unicodeScalars.contains(scalar),
                    let mapped = Unicode.Scalar(escapeBase + scalar.value)
                {
                    parked.append(mapped)
                    continue
                }
                parked.append("\\")
            }
            if scalar == "\\" {
                escaping = true
            } else {
                parked.append(scalar)
            }
        }
        if escaping { parked.append("\\") }
        var result = String(parked)
        for (pattern, template, mark) in inlineRules {
            // Every rule needs its mark in the text, and none adds a character (each keeps a part of its match or
            // nothing): a rule whose mark is absent cannot match, and most prose has no markup at all, while each
            // regular expression pass costs a conversion to UTF-16 and back.
            guard result.utf8.contains(mark) else { continue }
            result = pattern.stringByReplacingMatches(
                in: result,
                range: NSRange(result.startIndex..., in: result),
                withTemplate: template
            )
        }
        var restored = String.UnicodeScalarView()
        for scalar in result.unicodeScalars {
            if scalar.value >= escapeBase, scalar.value < escapeBase + 0x80,
                let original = Unicode.Scalar(scalar.value - escapeBase)
            {
                restored.append(original)
            } else {
                restored.append(scalar)
            }
        }
        return String(restored)
    }

    /// Each rule with the ASCII mark (as a UTF-8 byte) that every match of it contains.
    private static let inlineRules: [(NSRegularExpression, String, UInt8)] = [
        (#"!\[([^\]]*)\]\([^)]*\)"#, "$1", UInt8(ascii: "[")),
        (#"\[([^\]]+)\]\([^)]*\)"#, "$1", UInt8(ascii: "[")),
        (#"\[([^\]]+)\]\[[^\]]*\]"#, "$1", UInt8(ascii: "[")),
        (#"<((?:https?|mailto|ftp):[^>\s]+|[^@<>\s]+@[^@<>\s]+)>"#, "$1", UInt8(ascii: "<")),
        (#"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"#, "", UInt8(ascii: "<")),
        (#"\*\*(?=\S)(.+?)(?<=\S)\*\*"#, "$1", UInt8(ascii: "*")),
        (#"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"#, "$1", UInt8(ascii: "_")),
        (#"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"#, "$1", UInt8(ascii: "*")),
        (#"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"#, "$1", UInt8(ascii: "_")),
        (#"~~(?=\S)(.+?)(?<=\S)~~"#, "$1", UInt8(ascii: "~")),
    ].map { pattern, template, mark in
        // The patterns are literals; a typo is a defect that the tests catch on first use.
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            preconditionFailure("invalid inline Markdown pattern \(pattern)")
        }
        return (regex, template, mark)
    }
}

// MARK: - Block parser

/// One pass over the lines; CommonMark's block rules, simplified to what documents use.
private struct MarkdownParser {
    let lines: [String]
    var blocks: [TextBlock] = []
    private var index = 0
    private var paragraph: [String] = []
    /// Where the content of the list being read starts, while one is.
    private var listContentColumn: Int?

    init(lines: [String]) {
        self.lines = lines
    }

    mutating func run() {
        skipFrontMatter()
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingHorizontalWhitespace()
            let indent = line.prefix { $0 == " " }.count
            if indent == 0, !trimmed.isEmpty, Self.listItem(line) == nil { listContentColumn = nil }
            if trimmed.isEmpty {
                flushParagraph()
                index += 1
            } else if let fence = Self.fence(trimmed), indent < 4 {
                fencedCode(fence)
            } else if indent >= (listContentColumn ?? 0) + 4, paragraph.isEmpty {
                // An indented code block cannot interrupt a paragraph (CommonMark), and inside a list it is
                // indented past the item's content; less indented lines there are nested items or paragraphs.
                indentedCode()
            } else if let (level, text) = Self.atxHeading(trimmed), indent < 4 {
                flushParagraph()
                emit(.heading(level: level), MarkdownExtractor.plainInline(text))
                index += 1
            } else if !paragraph.isEmpty, let level = Self.setextLevel(trimmed), indent < 4 {
                let text = paragraph.joined(separator: " ")
                paragraph = []
                emit(.heading(level: level), MarkdownExtractor.plainInline(text))
                index += 1
            } else if Self.isThematicBreak(trimmed) {
                flushParagraph()
                index += 1
            } else if trimmed.hasPrefix("<!--") {
                flushParagraph()
                skipComment()
            } else if trimmed.contains("|"), index + 1 < lines.count, Self.isTableSeparator(lines[index + 1]) {
                flushParagraph()
                table()
            } else if let item = Self.listItem(line) {
                flushParagraph()
                listItem(item)
            } else if trimmed.hasPrefix(">") {
                // Quotes read as ordinary paragraphs; a blank quote line ends one.
                let inner = Self.unquote(trimmed)
                if inner.isEmpty {
                    flushParagraph()
                } else {
                    paragraph.append(inner)
                }
                index += 1
            } else {
                paragraph.append(trimmed)
                index += 1
            }
        }
        flushParagraph()
    }

    // MARK: Line tests

    private static func fence(_ trimmed: String) -> String? {
        for mark in ["```", "~~~"] where trimmed.hasPrefix(mark) {
            return String(trimmed.prefix { $0 == mark.first })
        }
        return nil
    }

    private static func atxHeading(_ trimmed: String) -> (Int, String)? {
        let hashes = trimmed.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = trimmed.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingHorizontalWhitespace()
        // A closing run of `#` is decoration when a space separates it from the text.
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let kept = text.dropLast(closing)
            if kept.isEmpty || kept.last == " " { text = kept.trimmingHorizontalWhitespace() }
        }
        return (hashes, text)
    }

    private static func setextLevel(_ trimmed: String) -> Int? {
        if trimmed.allSatisfy({ $0 == "=" }) { return 1 }
        if trimmed.allSatisfy({ $0 == "-" }) { return 2 }
        return nil
    }

    private static func isThematicBreak(_ trimmed: String) -> Bool {
        let marks = trimmed.filter { $0 != " " && $0 != "\t" }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    private static func isTableSeparator(_ line: String) -> Bool {
        let trimmed = line.trimmingHorizontalWhitespace()
        guard trimmed.contains("-"), trimmed.contains("|") else { return false }
        let cells = splitRow(trimmed)
        return !cells.isEmpty
            && cells.allSatisfy { cell in
                let core = cell.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
                return !core.isEmpty && core.allSatisfy { $0 == "-" }
            }
    }

    /// The text of a list item and the column its content starts at (for continuation lines).
    private static func listItem(_ line: String) -> (text: String, contentColumn: Int)? {
        let indent = line.prefix { $0 == " " }.count
        let body = line.dropFirst(indent)
        var marker = 0
        if let first = body.first, "-*+".contains(first) {
            marker = 1
        } else {
            let digits = body.prefix { $0.isASCII && $0.isNumber }.count
            guard (1...9).contains(digits) else { return nil }
            let after = body.dropFirst(digits).first
            guard after == "." || after == ")" else { return nil }
            marker = digits + 1
        }
        let rest = body.dropFirst(marker)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingHorizontalWhitespace()
        // Task-list boxes are markup too.
        for box in ["[ ] ", "[x] ", "[X] "] where text.hasPrefix(box) {
            text = String(text.dropFirst(box.count))
        }
        return (text, indent + marker + 1)
    }

    private static func unquote(_ trimmed: String) -> String {
        var text = Substring(trimmed)
        while text.first == ">" {
            text = text.dropFirst()
            if text.first == " " { text = text.dropFirst() }
        }
        return text.trimmingHorizontalWhitespace()
    }

    /// Cells of a pipe-table row; `\|` is a literal bar, outer bars are optional.
    private static func splitRow(_ trimmed: String) -> [String] {
        var row = Substring(trimmed)
        if row.first == "|" { row = row.dropFirst() }
        if row.last == "|", !row.hasSuffix("\\|") { row = row.dropLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in row {
            if escaped {
                current.append(character == "|" ? "|" : "\\")
                if character != "|" { current.append(character) }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(current.trimmingHorizontalWhitespace())
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current.trimmingHorizontalWhitespace())
        return cells
    }

    // MARK: Blocks

    private mutating func skipFrontMatter() {
        guard let first = lines.first, first == "---" || first == "+++" else { return }
        let closers: Set<String> = first == "---" ? ["---", "..."] : ["+++"]
        if let end = lines.dropFirst().firstIndex(where: { closers.contains($0) }) {
            index = end + 1
        }
    }

    private mutating func skipComment() {
        while index < lines.count {
            let done = lines[index].contains("-->")
            index += 1
            if done { break }
        }
    }

    private mutating func fencedCode(_ fence: String) {
        flushParagraph()
        index += 1
        var code: [String] = []
        while index < lines.count {
            let trimmed = lines[index].trimmingHorizontalWhitespace()
            index += 1
            if trimmed.hasPrefix(fence), trimmed.allSatisfy({ $0 == fence.first }) { break }
            code.append(lines[index - 1])
        }
        emitVerbatim(code)
    }

    private mutating func indentedCode() {
        var code: [String] = []
        while index < lines.count {
            let line = lines[index]
            let isBlank = line.allSatisfy(\.isWhitespace)
            guard isBlank || line.prefix(while: { $0 == " " }).count >= 4 else { break }
            code.append(isBlank ? "" : String(line.dropFirst(4)))
            index += 1
        }
        emitVerbatim(code)
    }

    private mutating func table() {
        let header = Self.splitRow(lines[index].trimmingHorizontalWhitespace()).map(MarkdownExtractor.plainInline)
        index += 2
        var rows: [[String]] = []
        while index < lines.count {
            let trimmed = lines[index].trimmingHorizontalWhitespace()
            guard !trimmed.isEmpty, trimmed.contains("|") else { break }
            rows.append(Self.splitRow(trimmed).map(MarkdownExtractor.plainInline))
            index += 1
        }
        if rows.isEmpty {
            emit(.tableRow, Extractors.tableRowText(cells: header, header: nil))
        }
        for row in rows {
            emit(.tableRow, Extractors.tableRowText(cells: row, header: header))
        }
    }

    private mutating func listItem(_ item: (text: String, contentColumn: Int)) {
        listContentColumn = item.contentColumn
        var parts = [item.text]
        index += 1
        // Continuation lines, indented or lazy, until a blank line or another block starts.
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingHorizontalWhitespace()
            if trimmed.isEmpty || Self.listItem(line) != nil || Self.atxHeading(trimmed) != nil
                || Self.fence(trimmed) != nil || Self.isThematicBreak(trimmed) || trimmed.hasPrefix(">")
            {
                break
            }
            parts.append(trimmed)
            index += 1
        }
        emit(.listItem, MarkdownExtractor.plainInline(parts.joined(separator: " ")))
    }

    private mutating func flushParagraph() {
        guard !paragraph.isEmpty else { return }
        emit(.paragraph, MarkdownExtractor.plainInline(paragraph.joined(separator: " ")))
        paragraph = []
    }

    /// A code block keeps its lines; trailing spaces and the blank lines around it go.
    private mutating func emitVerbatim(_ code: [String]) {
        let lines = code.map { String($0.reversed().drop(while: \.isWhitespace).reversed()) }
        let text = lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
        guard !text.allSatisfy(\.isWhitespace) else { return }
        blocks.append(TextBlock(kind: .code, text: text))
    }

    private mutating func emit(_ kind: TextBlock.Kind, _ text: String) {
        guard !text.isEmpty else { return }
        blocks.append(TextBlock(kind: kind, text: text))
    }
}
