import CPoppler
public import Foundation

/// Reads PDFs with poppler-glib, page by page, and rebuilds structure from the glyph geometry: running headers
/// and footers dropped, wrapped lines joined into paragraphs, larger or bold lines as headings, and lines split
/// into columns as table rows.
///
/// Extraction blocks the calling thread; run it on a dedicated thread, not the cooperative pool.
public struct PDFExtractor: TextExtractor {
    /// The time and text allowed, checked page by page.
    let budget: ProcessingBudget

    public init() {
        budget = ProcessingBudget()
    }

    /// An extractor that stops between pages once `budget` is spent.
    init(budget: ProcessingBudget) {
        self.budget = budget
    }

    /// Extracts the blocks of a `.pdf` file; every block carries its 1-based page.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - filename: the name, for messages.
    /// - Returns: the blocks in reading order, `pageCount`, and the metadata title (else the first line).
    /// - Throws: `EngineError.invalidFile` with reason `truncatedPDF` when poppler cannot open the file,
    ///   `contentTooLarge` past `ExtractionLimits.maxPDFPages` or the budget's text, `timeout` past its time.
    public func extract(_ data: Data, filename: String) throws(EngineError) -> ExtractedDocument {
        guard let pdf = try Self.load(data, withText: true, filename: filename, budget: budget) else {
            throw .invalidFile(filename: filename, reason: .truncatedPDF)
        }
        var layout = PDFLayout(lines: pdf.pages)
        let blocks = layout.blocks()
        let title =
            pdf.title ?? layout.runningTitle ?? Self.firstHeading(of: blocks)
            ?? blocks.first(where: { $0.kind == .paragraph })
            .map(\.text).flatMap { Extractors.isPlausibleTitle($0) ? $0 : nil }
        return ExtractedDocument(title: title, blocks: blocks, pageCount: pdf.pages.count)
    }

    /// How far into a document its title may sit: a cover page, perhaps a blank or legal page, then the title.
    static let titlePages = 3

    /// The top-level heading nearest the start: of the headings on the first pages, the first of the highest
    /// level, so a cover's big title wins over a bold "Name" label above it.
    static func firstHeading(of blocks: [TextBlock]) -> String? {
        var best: (level: Int, text: String)?
        for block in blocks {
            guard let page = block.page, page <= titlePages else { break }
            guard case .heading(let level) = block.kind, Extractors.isPlausibleTitle(block.text) else { continue }
            if best == nil || level < (best?.level ?? .max) { best = (level, block.text) }
        }
        return best?.text
    }

    /// Whether poppler opens the bytes and finds at least one page (check 8 of the upload rules).
    ///
    /// - Throws: `contentTooLarge` with `pages` past `ExtractionLimits.maxPDFPages`, counted before any page is
    ///   read.
    static func opensWithPages(_ data: Data, filename: String) throws(EngineError) -> Bool {
        try load(data, withText: false, filename: filename, budget: nil) != nil
    }

    // MARK: - poppler

    /// Poppler creates its global parameters lazily and shares font caches between documents, neither guarded
    /// for concurrent first use, so every call into it goes through this lock.
    ///
    /// The lock is held for one call or one page at a time, never for a whole document: a PDF that takes minutes
    /// to read (a text bomb, up to its time budget) then delays another caller's PDF, at its upload check or its
    /// extraction, by one page instead of by the whole document (issue 15).
    /// An `NSLock` rather than a `Mutex`: poppler's pointers are not `Sendable` and pass in and out of the lock.
    private static let popplerLock = NSLock()

    private static func load(
        _ data: Data,
        withText: Bool,
        filename: String,
        budget: ProcessingBudget?
    ) throws(EngineError) -> LoadedPDF? {
        // GBytes copies the buffer, so the document never points into Swift-owned memory.
        let bytes = data.withUnsafeBytes { buffer in g_bytes_new(buffer.baseAddress, gsize(buffer.count)) }
        defer { g_bytes_unref(bytes) }
        guard let document = popplerLock.withLock({ openDocument(bytes) }) else { return nil }
        defer { popplerLock.withLock { g_object_unref(UnsafeMutableRawPointer(document)) } }
        let count = popplerLock.withLock { Int(poppler_document_get_n_pages(document)) }
        guard count > 0 else { return nil }
        guard count <= ExtractionLimits.maxPDFPages else {
            throw .contentTooLarge(filename: filename, limit: .pages(count))
        }
        guard withText else { return LoadedPDF(title: nil, pages: []) }
        let title = popplerLock.withLock { takeString(poppler_document_get_title(document)) }
            .map { Extractors.collapseWhitespace($0) }
            .flatMap { isUsefulTitle($0) && Extractors.isPlausibleTitle($0) ? $0 : nil }
        var pages: [[PDFLayout.Line]] = []
        var textBytes = 0
        for index in 0..<count {
            try budget?.checkTime(filename: filename)
            let read = popplerLock.withLock { () -> RawPage? in
                guard let page = poppler_document_get_page(document, Int32(index)) else { return nil }
                defer { g_object_unref(UnsafeMutableRawPointer(page)) }
                return readPage(page)
            }
            guard let raw = read else {
                pages.append([])
                continue
            }
            // Counted page by page: compressed content streams let a small PDF expand to gigabytes of text.
            textBytes += raw.text.utf8.count
            try budget?.checkText(textBytes, filename: filename)
            // Lines at once: a page's rectangles (32 bytes a character) are dropped before the next page.
            pages.append(PDFLayout.lines(of: raw))
        }
        return LoadedPDF(title: title, pages: pages)
    }

    /// Opens a document, or nil when poppler cannot read it.
    ///
    /// Call it under `popplerLock`.
    private static func openDocument(_ bytes: OpaquePointer?) -> OpaquePointer? {
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(bytes, nil, &error) else {
            g_clear_error(&error)
            return nil
        }
        return document
    }

    private static func readPage(_ page: OpaquePointer) -> RawPage {
        let text = takeString(poppler_page_get_text(page)) ?? ""
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var rectangleCount: guint = 0
        var rects: [Rect] = []
        if poppler_page_get_text_layout(page, &rectangles, &rectangleCount) != 0, let rectangles {
            rects = (0..<Int(rectangleCount)).map { index in
                let rect = rectangles[index]
                return Rect(x1: rect.x1, y1: rect.y1, x2: rect.x2, y2: rect.y2)
            }
        }
        g_free(rectangles)

        var fonts: [FontRun] = []
        let attributes = poppler_page_get_text_attributes(page)
        var node = attributes
        while let current = node {
            if let raw = current.pointee.data {
                let attribute = raw.assumingMemoryBound(to: PopplerTextAttributes.self).pointee
                let name = attribute.font_name.map { String(cString: $0) } ?? ""
                fonts.append(
                    FontRun(
                        start: Int(attribute.start_index),
                        end: Int(attribute.end_index),
                        size: attribute.font_size,
                        bold: PDFLayout.isBoldFont(name)
                    )
                )
            }
            node = current.pointee.next
        }
        poppler_page_free_text_attributes(attributes)
        return RawPage(text: text, rects: rects, fonts: fonts)
    }

    /// Producers often store the source file's name ("Microsoft Word - report.docx") or a placeholder as the title.
    private static func isUsefulTitle(_ title: String) -> Bool {
        let lowered = title.lowercased()
        guard !title.isEmpty, lowered != "untitled", !lowered.hasPrefix("microsoft word - ") else { return false }
        let fileExtensions = [".doc", ".docx", ".pdf", ".odt", ".rtf", ".txt", ".indd", ".tex", ".html"]
        return !fileExtensions.contains { lowered.hasSuffix($0) }
    }

    /// Copies and frees a string that glib hands over.
    private static func takeString(_ pointer: UnsafeMutablePointer<gchar>?) -> String? {
        guard let pointer else { return nil }
        defer { g_free(pointer) }
        return String(cString: pointer)
    }
}

// MARK: - Raw page data

private struct LoadedPDF {
    var title: String?
    /// Each page's lines.
    var pages: [[PDFLayout.Line]]
}

private struct Rect: Sendable {
    var x1: Double
    var y1: Double
    var x2: Double
    var y2: Double
}

private struct FontRun: Sendable {
    /// Character (code point) offsets into the page text, inclusive.
    var start: Int
    var end: Int
    var size: Double
    var bold: Bool
}

/// What poppler reports for one page: the text, one rectangle per character, and font runs.
private struct RawPage: Sendable {
    var text: String
    var rects: [Rect]
    var fonts: [FontRun]
}

// MARK: - Layout analysis

/// Rebuilds blocks from pages of lines: each page becomes lines as poppler reads it, the rest runs outside the
/// poppler lock.
private struct PDFLayout {
    struct Line {
        var cells: [(x: Double, text: String)]
        var x0: Double
        var x1: Double
        var y: Double
        var bottom: Double
        var size: Double
        var bold: Bool
        var text: String { cells.map(\.text).joined(separator: " ") }
    }

    private var pages: [[Line]]
    /// The running header at the top of the first page, when it names the document: books and manuals print their
    /// title at the head of every page, so it is the title once the running lines are dropped (the cover's own
    /// copy goes with them, and the biggest heading left may be an author's or a publisher's line).
    private(set) var runningTitle: String?

    init(lines pages: [[Line]]) {
        self.pages = pages
    }

    static func isBoldFont(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["bold", "black", "heavy", "semibold", "demi"].contains { lowered.contains($0) }
    }

    // MARK: Lines

    static func lines(of page: RawPage) -> [Line] {
        let scalars = Array(page.text.unicodeScalars)
        // Geometry is usable only when poppler gave one rectangle per character.
        let hasGeometry = page.rects.count == scalars.count
        var sizes = [Double](repeating: 0, count: scalars.count)
        var bolds = [Bool](repeating: false, count: scalars.count)
        for run in page.fonts {
            let lower = max(0, run.start)
            let upper = min(scalars.count - 1, run.end)
            guard lower <= upper else { continue }
            for index in lower...upper {
                sizes[index] = run.size
                bolds[index] = run.bold
            }
        }

        var lines: [Line] = []
        var start = 0
        var syntheticY = 0.0
        for index in 0...scalars.count {
            guard index == scalars.count || scalars[index] == "\n" else { continue }
            defer { start = index + 1 }
            guard start < index else { continue }
            let range = start..<index
            if hasGeometry {
                if let line = geometricLine(scalars, range, page.rects, sizes, bolds) { lines.append(line) }
            } else {
                let text = Extractors.collapseWhitespace(String(String.UnicodeScalarView(scalars[range])))
                guard !text.isEmpty else { continue }
                let size = range.map { sizes[$0] }.max() ?? 0
                syntheticY += 12
                lines.append(
                    Line(
                        cells: [(0, text)],
                        x0: 0,
                        x1: 0,
                        y: syntheticY,
                        bottom: syntheticY + 10,
                        size: size > 0 ? size : 10,
                        bold: range.allSatisfy { bolds[$0] || scalars[$0] == " " }
                    )
                )
            }
        }
        return lines
    }

    private static func geometricLine(
        _ scalars: [Unicode.Scalar],
        _ range: Range<Int>,
        _ rects: [Rect],
        _ sizes: [Double],
        _ bolds: [Bool]
    ) -> Line? {
        var cells: [(x: Double, text: String)] = []
        var current = String.UnicodeScalarView()
        var currentX = 0.0
        var lastRight: Double?
        var pendingSpace = false
        var top = Double.infinity
        var bottom = -Double.infinity
        var left = Double.infinity
        var right = -Double.infinity
        var size = 0.0
        var allBold = true
        for index in range {
            let scalar = scalars[index]
            let rect = rects[index]
            if scalar.properties.isWhitespace {
                pendingSpace = !current.isEmpty
                continue
            }
            let glyphSize = sizes[index] > 0 ? sizes[index] : rect.y2 - rect.y1
            // Word spaces stay under half the font size even in justified text; table columns are far apart.
            if let lastRight, rect.x1 - lastRight > max(2 * glyphSize, 12) {
                cells.append((currentX, String(current)))
                current = String.UnicodeScalarView()
                pendingSpace = false
            }
            if current.isEmpty { currentX = rect.x1 }
            if pendingSpace { current.append(" ") }
            pendingSpace = false
            current.append(scalar)
            lastRight = rect.x2
            top = min(top, rect.y1)
            bottom = max(bottom, rect.y2)
            left = min(left, rect.x1)
            right = max(right, rect.x2)
            size = max(size, glyphSize)
            allBold = allBold && bolds[index]
        }
        if !current.isEmpty { cells.append((currentX, String(current))) }
        guard !cells.isEmpty else { return nil }
        return Line(cells: cells, x0: left, x1: right, y: top, bottom: bottom, size: size, bold: allBold)
    }

    // MARK: Running headers and footers

    /// Drops running headers and footers (`RunningLines`) from the two highest and two lowest line positions of
    /// each page, unless they would be a large part of the document.
    private mutating func dropRunningLines() {
        guard pages.count >= 2 else { return }
        let edgeSets = pages.map { Self.edgeIndices($0) }
        let running = RunningLines.keys(
            edges: zip(pages, edgeSets).map { lines, edges in edges.sorted().map { lines[$0].text } }
        )
        let counters = RunningLines.pageCounters(
            edges: zip(pages, edgeSets).map { lines, edges in edges.sorted().map { lines[$0].text } }
        )
        guard !running.isEmpty || !counters.isEmpty else { return }
        var kept: [[Line]] = []
        var dropped = 0
        for (page, (lines, edges)) in zip(pages, edgeSets).enumerated() {
            let remaining = lines.indices.filter { index in
                !(edges.contains(index)
                    && (running.contains(RunningLines.key(lines[index].text))
                        || counters.contains(RunningLines.PageLine(page: page, text: lines[index].text))))
            }
            dropped += lines.count - remaining.count
            kept.append(remaining.map { lines[$0] })
        }
        let total = pages.reduce(0) { $0 + $1.count }
        guard Double(dropped) < Double(total) * RunningLines.maximumShare else { return }
        if let first = pages.first(where: { !$0.isEmpty }) {
            let top = Set(Array(Set(first.map { ($0.y * 2).rounded() / 2 })).sorted().prefix(RunningLines.edgeLines))
            // A line with a number in it is a page or chapter counter ("Page 1 of 4", "Chapter 2"), not a title.
            runningTitle = first.first { line in
                let key = RunningLines.key(line.text)
                return top.contains((line.y * 2).rounded() / 2) && running.contains(key) && !key.contains("#")
                    && Extractors.isPlausibleTitle(line.text)
            }.map { Extractors.collapseWhitespace($0.text) }
        }
        pages = kept
    }

    /// Indices of the lines in the highest and lowest line positions of a page.
    private static func edgeIndices(_ lines: [Line]) -> Set<Int> {
        let positions = Array(Set(lines.map { ($0.y * 2).rounded() / 2 })).sorted()
        let edges = Set(positions.prefix(RunningLines.edgeLines) + positions.suffix(RunningLines.edgeLines))
        return Set(lines.indices.filter { edges.contains((lines[$0].y * 2).rounded() / 2) })
    }

    // MARK: Tables of contents and indexes

    /// Drops the entries of tables of contents and indexes: pointers to pages, not prose.
    ///
    /// Dot-leader lines ("Installation ........ 12") go, and on a page that has several, the whole run of entries from the first
    /// to the last of them, with the lines around it that end in a page number and the page-number columns
    /// that layouts emit apart from their entries. What sits above (the chapter's title) and below (its first
    /// paragraphs) stays.
    private mutating func dropTablesOfContents() {
        for pageIndex in pages.indices {
            let lines = pages[pageIndex]
            let leaders = lines.indices.filter { Self.hasDotLeader(lines[$0].text) }
            guard let first = leaders.first, let last = leaders.last else { continue }
            var drop = Set(leaders)
            if leaders.count >= Self.leadersForContentsRun {
                var lower = first
                var upper = last
                while lower > 0, Self.endsWithPageNumber(lines[lower - 1].text) { lower -= 1 }
                while upper + 1 < lines.count, Self.endsWithPageNumber(lines[upper + 1].text) { upper += 1 }
                drop.formUnion(lower...upper)
                drop.formUnion(lines.indices.filter { Self.isNumberColumn(lines[$0].text) })
            }
            pages[pageIndex] = lines.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        }
    }

    /// Leader lines on one page that make it (or part of it) a table of contents rather than a stray dotted
    /// line in a form.
    private static let leadersForContentsRun = 3
    /// The fewest dots of a leader: an ellipsis has three.
    private static let leaderDots = 5

    /// Whether a line has a dot leader: a run of dots (or middle dots), each perhaps followed by one space.
    static func hasDotLeader(_ text: String) -> Bool {
        var run = 0
        var spaceAfterDot = false
        for character in text {
            if character == "." || character == "·" || character == "…" {
                run += character == "…" ? 3 : 1
                spaceAfterDot = false
                if run >= leaderDots { return true }
            } else if character == " ", run > 0, !spaceAfterDot {
                spaceAfterDot = true
            } else {
                run = 0
                spaceAfterDot = false
            }
        }
        return false
    }

    /// Whether a line ends in a page reference: an Arabic or lower-case Roman page number after text.
    private static func endsWithPageNumber(_ text: String) -> Bool {
        let tokens = text.split(separator: " ")
        guard tokens.count >= 2, let last = tokens.last else { return false }
        return isPageNumber(last)
    }

    /// A line of page or section numbers only ("9 11 12 12 13", "2.1 2.2 2.3"), as a contents page's number
    /// column comes out.
    private static func isNumberColumn(_ text: String) -> Bool {
        let tokens = text.split(separator: " ")
        return !tokens.isEmpty
            && tokens.allSatisfy { token in
                isPageNumber(token) || (token.allSatisfy { $0.isNumber || $0 == "." } && token.first?.isNumber == true)
            }
    }

    private static func isPageNumber(_ token: Substring) -> Bool {
        if token.count <= 4, token.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        return token.count <= 6 && token.allSatisfy { "ivxlc".contains($0) }
    }

    // MARK: Tables

    /// Lines of a table's later columns that poppler emits after the rows (a wrapped third column, say) are
    /// moved into the row they sit beside.
    private static func attachColumnFragments(_ lines: [Line]) -> [Line] {
        var result: [Line] = []
        var runStart: Int?
        for line in lines {
            if line.cells.count >= 2 {
                if runStart == nil { runStart = result.count }
                result.append(line)
                continue
            }
            guard let start = runStart else {
                result.append(line)
                continue
            }
            let rows = result[start...]
            let secondColumn = rows.map { $0.cells[1].x }.min() ?? .infinity
            let top = rows.map(\.y).min() ?? 0
            let bottom = rows.map(\.bottom).max() ?? 0
            let withinRows = line.y >= top - line.size && line.y <= bottom + 1.5 * line.size
            guard line.x0 >= secondColumn - 2, withinRows else {
                runStart = nil
                result.append(line)
                continue
            }
            let middle = (line.y + line.bottom) / 2
            let target = rows.indices.min { a, b in
                abs((result[a].y + result[a].bottom) / 2 - middle) < abs((result[b].y + result[b].bottom) / 2 - middle)
            }
            guard let target else { continue }
            var row = result[target]
            let fragment = line.text
            if let existing = row.cells.firstIndex(where: { abs($0.x - line.x0) < 3 }) {
                row.cells[existing].text += " " + fragment
            } else {
                row.cells.append((line.x0, fragment))
                row.cells.sort { $0.x < $1.x }
            }
            row.bold = row.bold && line.bold
            result[target] = row
        }
        return result
    }

    // MARK: Blocks

    mutating func blocks() -> [TextBlock] {
        dropRunningLines()
        dropTablesOfContents()
        pages = pages.map(Self.attachColumnFragments)
        let joiner = HyphenJoiner(lines: pages.flatMap { $0.map(\.text) })
        let bodySize = mostCommonSize()
        let headingSizes = Set(
            pages.flatMap { $0 }.filter { isHeading($0, bodySize: bodySize) }.map { Self.rounded($0.size) }
        ).sorted(by: >)

        var blocks: [TextBlock] = []
        for (pageIndex, lines) in pages.enumerated() {
            let pageNumber = pageIndex + 1
            var builder = BlockBuilder(page: pageNumber, joiner: joiner)
            var index = 0
            while index < lines.count {
                let line = lines[index]
                if line.cells.count >= 2 {
                    builder.flush()
                    var rows: [Line] = []
                    while index < lines.count, lines[index].cells.count >= 2 {
                        rows.append(lines[index])
                        index += 1
                    }
                    builder.blocks.append(contentsOf: Self.tableRows(rows, page: pageNumber))
                    continue
                }
                if isHeading(line, bodySize: bodySize) {
                    let level = (headingSizes.firstIndex(of: Self.rounded(line.size)) ?? headingSizes.count) + 1
                    builder.heading(line, level: min(level, 6))
                } else {
                    builder.add(line)
                }
                index += 1
            }
            builder.flush()
            Self.append(builder.blocks, to: &blocks, joiner: joiner)
        }
        return blocks
    }

    private static func tableRows(_ rows: [Line], page: Int) -> [TextBlock] {
        var rows = rows
        var header: [String]?
        // A bold first row above plain rows is the header; without one, each row is a `Label: value` pair.
        if rows.count >= 2, rows[0].bold, !rows.dropFirst().allSatisfy(\.bold) {
            header = rows.removeFirst().cells.map(\.text)
        }
        return rows.map { row in
            TextBlock(
                kind: .tableRow,
                text: Extractors.tableRowText(cells: row.cells.map(\.text), header: header),
                page: page
            )
        }
    }

    /// A paragraph cut by a page break continues on the next page when it ends mid-sentence and the next page
    /// opens in lower case.
    private static func append(_ pageBlocks: [TextBlock], to blocks: inout [TextBlock], joiner: HyphenJoiner) {
        var pageBlocks = pageBlocks[...]
        if let last = blocks.last, let first = pageBlocks.first, last.kind == first.kind,
            last.kind == .paragraph || last.kind == .listItem,
            !BlockBuilder.endsSentence(last.text), first.text.first?.isLowercase == true
        {
            blocks[blocks.count - 1].text = joiner.join(last.text, first.text)
            pageBlocks = pageBlocks.dropFirst()
        }
        blocks.append(contentsOf: pageBlocks)
    }

    private func mostCommonSize() -> Double {
        var weights: [Double: Int] = [:]
        for line in pages.joined() {
            weights[Self.rounded(line.size), default: 0] += line.text.count
        }
        return weights.max { $0.value < $1.value }?.key ?? 10
    }

    private static func rounded(_ size: Double) -> Double { (size * 2).rounded() / 2 }

    private func isHeading(_ line: Line, bodySize: Double) -> Bool {
        guard line.cells.count == 1, !BlockBuilder.isBullet(line.text) else { return false }
        let text = line.text
        guard text.count <= 150, text.contains(where: \.isLetter) else { return false }
        let size = Self.rounded(line.size)
        if size >= bodySize + 1 { return true }
        if line.bold, size >= bodySize - 0.5, text.count <= 100, !BlockBuilder.endsSentence(text) { return true }
        return false
    }
}

// MARK: - Paragraph assembly

/// Joins the wrapped lines of one page into paragraphs and list items.
private struct BlockBuilder {
    let page: Int
    let joiner: HyphenJoiner
    var blocks: [TextBlock] = []
    private var lines: [PDFLayout.Line] = []
    private var isListItem = false

    init(page: Int, joiner: HyphenJoiner) {
        self.page = page
        self.joiner = joiner
    }

    static let bullets: Set<Character> = ["•", "–", "-", "·", "▪", "◦", "*", "‣", "○", "■"]

    static func isBullet(_ text: String) -> Bool {
        guard let first = text.first, bullets.contains(first) else { return false }
        return text.dropFirst().first == " "
    }

    static func endsSentence(_ text: String) -> Bool {
        guard let last = text.last else { return false }
        return ".:;!?".contains(last)
    }

    mutating func heading(_ line: PDFLayout.Line, level: Int) {
        // A heading that wraps continues on the next line in the same style.
        if lines.isEmpty, let last = blocks.last, last.kind == .heading(level: level),
            let previous = lastHeadingLine, line.y > previous.y, line.y - previous.bottom < previous.size
        {
            blocks[blocks.count - 1].text += " " + line.text
            lastHeadingLine = line
            return
        }
        flush()
        blocks.append(TextBlock(kind: .heading(level: level), text: line.text, page: page))
        lastHeadingLine = line
    }

    private var lastHeadingLine: PDFLayout.Line?

    mutating func add(_ line: PDFLayout.Line) {
        lastHeadingLine = nil
        if let previous = lines.last, startsNewBlock(line, after: previous) {
            flush()
        }
        if lines.isEmpty { isListItem = Self.isBullet(line.text) }
        lines.append(line)
    }

    private func startsNewBlock(_ line: PDFLayout.Line, after previous: PDFLayout.Line) -> Bool {
        if Self.isBullet(line.text) { return true }
        let step = line.y - previous.y
        if step <= 0 || step > 1.75 * max(previous.size, line.size) { return true }
        if abs(line.size - previous.size) > 0.5 { return true }
        // An indented first line (or a jump to another column) starts a paragraph; list items keep their
        // hanging indent.
        if !isListItem, line.x0 > previous.x0 + 1.5 * line.size { return true }
        return false
    }

    mutating func flush() {
        guard !lines.isEmpty else { return }
        var text = ""
        for line in lines {
            let piece = line.text
            text = text.isEmpty ? piece : joiner.join(text, piece)
        }
        if isListItem {
            text = String(text.dropFirst(2))
        }
        let kind: TextBlock.Kind = isListItem ? .listItem : .paragraph
        text = Extractors.collapseWhitespace(text)
        if !text.isEmpty { blocks.append(TextBlock(kind: kind, text: text, page: page)) }
        lines = []
        isListItem = false
    }
}
