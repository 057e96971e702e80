public import Foundation

/// Reads plain text: paragraphs split on blank lines, headings and fixed-width or tab-separated tables guessed
/// from the layout, since plain text carries no markup.
///
/// Words hyphenated at a line end are joined (`HyphenJoiner`), and text printed from a paged document (pages ending in form feeds) loses its running
/// headers and footers (`RunningLines`).
public struct PlainTextExtractor: TextExtractor {
    public init() {}

    /// Extracts the blocks of a `.txt` file.
    ///
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8, else Windows-1252).
    ///   - filename: the name, unused: plain text never fails to read.
    /// - Returns: the blocks in reading order; the title is the first line when it is short.
    public func extract(_ data: Data, filename: String) -> ExtractedDocument {
        extract(text: Self.withoutRunningLines(TextDecoding.decodePages(data)))
    }

    /// Extracts the blocks of already decoded and normalised text.
    func extract(text: String) -> ExtractedDocument {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(String($0)) }
        var parser = Parser(lines: lines, joiner: HyphenJoiner(lines: lines.map(\.text)))
        parser.run()
        return ExtractedDocument(title: Self.title(of: lines), blocks: parser.blocks)
    }

    /// The pages joined again, without the lines at their edges that repeat on most pages.
    static func withoutRunningLines(_ pages: [String]) -> String {
        let lines = pages.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        guard pages.count >= 2 else { return pages.joined(separator: "\n") }
        let edgeSets = lines.map { page in
            let filled = page.indices.filter { !page[$0].allSatisfy(\.isWhitespace) }
            return Set(filled.prefix(RunningLines.edgeLines) + filled.suffix(RunningLines.edgeLines))
        }
        let running = RunningLines.keys(
            edges: zip(lines, edgeSets).map { page, edges in edges.sorted().map { page[$0] } }
        )
        var kept: [String] = []
        var dropped = 0
        for (page, edges) in zip(lines, edgeSets) {
            for (index, line) in page.enumerated() {
                if edges.contains(index), running.contains(RunningLines.key(line)) {
                    dropped += 1
                } else {
                    kept.append(line)
                }
            }
        }
        let filled = lines.joined().filter { !$0.allSatisfy(\.isWhitespace) }.count
        guard dropped > 0, Double(dropped) < Double(filled) * RunningLines.maximumShare else {
            return pages.joined(separator: "\n")
        }
        return kept.joined(separator: "\n")
    }

    private static func title(of lines: [Line]) -> String? {
        guard let first = lines.first(where: { !$0.isBlank }) else { return nil }
        let text = Extractors.collapseWhitespace(first.text)
        guard text.count <= 100, !Line.isRule(text), Extractors.isPlausibleTitle(text) else { return nil }
        return text
    }
}

// MARK: - Lines

/// One line with the layout facts the heuristics need.
private struct Line {
    let text: String
    /// Cells split at tabs and at runs of two or more spaces, with their display columns (tabs stop every 8).
    let cells: [(text: String, column: Int)]

    init(_ text: String) {
        self.text = text
        self.cells = Self.split(text)
    }

    var isBlank: Bool { cells.isEmpty }
    var indent: Int { cells.first?.column ?? 0 }
    var trimmed: String { Extractors.collapseWhitespace(text) }
    var isMultiCell: Bool { cells.count >= 2 }

    /// A line made only of `-`, `=`, `_` or `*` (with spaces): an underline, a table rule or a break.
    var isRule: Bool { Self.isRule(text) }

    static func isRule(_ text: String) -> Bool {
        // Most lines start with a word: no rule, and no need to look at the rest.
        guard let leading = text.first(where: { !$0.isWhitespaceFast }), "-=_*".contains(leading) else { return false }
        let marks = text.filter { !$0.isWhitespace }
        guard marks.count >= 3, let first = marks.first, "-=_*".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    /// An underline for the line above: one unbroken run of `=` or `-`, starting at the margin.
    var underlineLevel: Int? {
        guard indent == 0, cells.count == 1, isRule, !text.contains(" ") else { return nil }
        switch text.first {
        case "=": return 1
        case "-": return 2
        default: return nil
        }
    }

    /// The text after a list marker (`*`, `-`, `+`, `•`, `1.`, `1)`, `a)`) and the marker's column.
    var listItem: (text: String, column: Int)? {
        guard let first = cells.first else { return nil }
        let body = text.drop { $0 == " " || $0 == "\t" }
        let bullets: Set<Character> = ["*", "-", "+", "•", "–", "·", "▪"]
        if let mark = body.first, bullets.contains(mark), body.dropFirst().first?.isWhitespace == true {
            return (String(body.dropFirst(2)), first.column)
        }
        let label = body.prefix { !$0.isWhitespace }
        guard label.count >= 2, body.count > label.count, let close = label.last, close == "." || close == ")" else {
            return nil
        }
        let marker = label.dropLast()
        let isNumber = marker.count <= 3 && marker.allSatisfy(\.isASCII) && marker.allSatisfy(\.isNumber)
        let isLetter = marker.count == 1 && close == ")" && marker.allSatisfy(\.isLowercase)
        // "1. WARRANTY PERIODS" at the margin is a section title, not an item.
        guard isNumber || isLetter, !(first.column == 0 && close == "." && Self.isSectionTitle(text)) else {
            return nil
        }
        return (String(body.dropFirst(label.count + 1)), first.column)
    }

    /// A numbered section title: `3. Warranty period`, `2.1 Scope`; short, capitalised, no closing punctuation.
    static func isSectionTitle(_ text: String) -> Bool {
        let body = Extractors.collapseWhitespace(text)
        let number = body.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, number.first?.isNumber == true, body.count <= 70 else { return false }
        let rest = body.dropFirst(number.count)
        guard rest.first == " ", let initial = rest.dropFirst().first, initial.isUppercase else { return false }
        return !endsSentence(body)
    }

    static func endsSentence(_ text: String) -> Bool {
        guard let last = text.last else { return false }
        return ".:;,!?".contains(last)
    }

    /// Short text with letters, none of them lower case: `AGENDA`, `1. NR-X300 ORDER BACKLOG AND PRICING`.
    var isAllCapsTitle: Bool {
        let text = trimmed
        guard indent == 0, text.count <= 80 else { return false }
        let letters = text.filter(\.isLetter)
        return letters.count >= 3 && !letters.contains(where: \.isLowercase)
    }

    var sectionDepth: Int {
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        return number.split(separator: ".").count
    }

    private static func split(_ line: String) -> [(text: String, column: Int)] {
        var cells: [(text: String, column: Int)] = []
        var current = ""
        var start = 0
        var column = 0
        var spaces = 0
        func close() {
            let text = current.trimmingHorizontalWhitespace()
            if !text.isEmpty { cells.append((text, start)) }
            current = ""
        }
        for character in line {
            if character == "\t" {
                close()
                column = (column / 8 + 1) * 8
                spaces = 0
                continue
            }
            if character == " " {
                spaces += 1
                if spaces == 2 { close() }
            } else {
                if current.isEmpty { start = column }
                if spaces == 1, !current.isEmpty { current.append(" ") }
                spaces = 0
                current.append(character)
            }
            column += 1
        }
        close()
        return cells
    }
}

// MARK: - Parser

/// Walks the lines once, group by group (groups are separated by blank lines).
private struct Parser {
    let lines: [Line]
    let joiner: HyphenJoiner
    var blocks: [TextBlock] = []
    private var index = 0
    private var paragraph: [String] = []
    private var table: Table?

    private struct Table {
        var rows: [[String]] = []
        var columns: [[Int]] = []
        var headerMarked = false
        var indent: Int { columns.last?.first ?? 0 }
    }

    init(lines: [Line], joiner: HyphenJoiner) {
        self.lines = lines
        self.joiner = joiner
    }

    /// Wrapped lines read as one text, with words hyphenated at a line end joined.
    private func joined(_ parts: [String]) -> String {
        var text = parts.first ?? ""
        for next in parts.dropFirst() {
            // Joined in place when no hyphen is involved: a new string per line made long paragraphs quadratic.
            if let last = text.last(where: { !$0.isWhitespace }), HyphenJoiner.breakHyphens.contains(last) {
                text = joiner.join(text, next)
            } else {
                text += " "
                text += next
            }
        }
        return text
    }

    mutating func run() {
        while index < lines.count {
            let line = lines[index]
            let next = index + 1 < lines.count ? lines[index + 1] : nil
            if line.isBlank {
                flush()
                index += 1
            } else if let level = next?.underlineLevel, line.listItem == nil, line.indent == 0 {
                flush()
                emit(.heading(level: level), line.trimmed)
                index += 2
            } else if line.isRule {
                // A rule under the first row of a table marks that row as the header.
                flushParagraph()
                if table?.rows.count == 1 { table?.headerMarked = true }
                index += 1
            } else if let item = line.listItem {
                flush()
                listItem(item)
            } else if isTableRow(line, next: next) {
                flushParagraph()
                if table == nil { table = Table() }
                table?.rows.append(line.cells.map(\.text))
                table?.columns.append(line.cells.map(\.column))
                index += 1
            } else if let table, line.indent > 0, line.indent >= table.indent {
                continueTableRow(line)
                index += 1
            } else if isTerm(line, next: next) {
                flush()
                definition(term: line.trimmed)
            } else if isHeading(line, next: next) {
                flush()
                let level: Int
                if Line.isSectionTitle(line.text) {
                    level = min(line.sectionDepth + 1, 6)
                } else if line.isAllCapsTitle {
                    level = blocks.isEmpty ? 1 : 2
                } else {
                    level = 3
                }
                emit(.heading(level: level), line.trimmed)
                index += 1
            } else {
                flushTable()
                paragraph.append(line.trimmed)
                index += 1
            }
        }
        flush()
    }

    // MARK: Classification

    private func isTableRow(_ line: Line, next: Line?) -> Bool {
        guard line.isMultiCell else { return false }
        if table != nil { return true }
        guard let next else { return false }
        return next.isMultiCell || next.isRule
    }

    private func isHeading(_ line: Line, next: Line?) -> Bool {
        guard line.indent == 0, paragraph.isEmpty else { return false }
        return line.isAllCapsTitle || Line.isSectionTitle(line.text) || isLabel(line, next: next)
    }

    /// A short caption above a list, like `Fixed` or `Known issues` in release notes.
    private func isLabel(_ line: Line, next: Line?) -> Bool {
        guard let next, next.listItem != nil else { return false }
        let text = line.trimmed
        return line.indent == 0 && text.count <= 40 && !Line.endsSentence(text) && text.first?.isUppercase == true
    }

    /// A glossary-style term: a short line at the margin whose explanation follows, indented.
    private func isTerm(_ line: Line, next: Line?) -> Bool {
        guard paragraph.isEmpty, line.indent == 0, let next, !next.isBlank else { return false }
        let text = line.trimmed
        return text.count <= 60 && !Line.endsSentence(text) && next.indent > 0 && next.listItem == nil
            && !next.isMultiCell
    }

    // MARK: Blocks

    private mutating func listItem(_ item: (text: String, column: Int)) {
        var parts = [Extractors.collapseWhitespace(item.text)]
        index += 1
        while index < lines.count {
            let line = lines[index]
            guard !line.isBlank, line.listItem == nil, line.indent > item.column, !line.isRule else { break }
            parts.append(line.trimmed)
            index += 1
        }
        emit(.listItem, joined(parts))
    }

    private mutating func definition(term: String) {
        var parts: [String] = []
        index += 1
        while index < lines.count {
            let line = lines[index]
            guard !line.isBlank, line.indent > 0, line.listItem == nil else { break }
            parts.append(line.trimmed)
            index += 1
        }
        let separator = term.hasSuffix(":") ? " " : ": "
        emit(.paragraph, term + separator + joined(parts))
    }

    /// Puts an indented line into the cell of the previous row whose column is nearest, so a wrapped cell
    /// (`Publish the revised Support SLA (version 2.0,` / `adds service credits)`) reads as one.
    private mutating func continueTableRow(_ line: Line) {
        guard var current = table, let row = current.rows.last, let columns = current.columns.last else { return }
        var target = 0
        for (position, column) in columns.enumerated() where column <= line.indent + 1 {
            target = position
        }
        var cells = row
        cells[target] += " " + line.trimmed
        current.rows[current.rows.count - 1] = cells
        table = current
    }

    private mutating func flush() {
        flushParagraph()
        flushTable()
    }

    private mutating func flushParagraph() {
        guard !paragraph.isEmpty else { return }
        emit(.paragraph, joined(paragraph))
        paragraph = []
    }

    private mutating func flushTable() {
        guard let current = table else { return }
        table = nil
        var rows = current.rows
        var header: [String]?
        if current.headerMarked || Extractors.looksLikeHeaderRow(rows[0], dataRows: Array(rows.dropFirst())) {
            header = rows.removeFirst()
        }
        if rows.isEmpty, let only = header {
            emit(.tableRow, Extractors.tableRowText(cells: only, header: nil))
            return
        }
        for row in rows {
            emit(.tableRow, Extractors.tableRowText(cells: row, header: header))
        }
    }

    private mutating func emit(_ kind: TextBlock.Kind, _ text: String) {
        let text = Extractors.collapseWhitespace(text)
        guard !text.isEmpty else { return }
        blocks.append(TextBlock(kind: kind, text: text))
    }
}
