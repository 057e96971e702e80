public import Foundation
import FoundationXML

/// Reads Word documents: the ZIP container through ZIPFoundation, `word/document.xml` through an event parser,
/// keeping paragraphs and tables in document order.
public struct DOCXExtractor: TextExtractor {
    public init() {}

    /// The parts the engine reads; the rest (images, fonts, settings) are never inflated.
    private static let mainPart = "word/document.xml"
    private static let stylesPart = "word/styles.xml"
    private static let propertiesPart = "docProps/core.xml"

    /// Extracts the blocks of a `.docx` file, inflating its parts within `ExtractionLimits`.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - filename: the name, for messages.
    /// - Returns: the blocks in reading order; the title is the `dc:title` property, else the first Title or
    ///   Heading 1 paragraph.
    /// - Throws: `EngineError.invalidFile` with reason `notDOCX` when the container or its main part is unreadable;
    ///   `.contentTooLarge` when a part inflates past a limit.
    public func extract(_ data: Data, filename: String) throws(EngineError) -> ExtractedDocument {
        guard var parts = ZipPartReader(data: data, filename: filename), let main = try parts.read(Self.mainPart)
        else {
            throw .invalidFile(filename: filename, reason: .notDOCX)
        }
        let styles = try Self.optional(Self.stylesPart, from: &parts).map(StyleTable.init) ?? StyleTable()
        let body = DocumentBodyReader(styles: styles)
        let parser = XMLParser(data: main)
        parser.delegate = body
        // FoundationXML leaves entities unsubstituted and external ones unread, and libxml2 (without
        // XML_PARSE_HUGE) stops entity amplification with a parse error; depth is counted here.
        guard parser.parse() else {
            // Said before libxml2's own depth guard would turn it into "not a Word document".
            if body.tooDeep { throw .contentTooLarge(filename: filename, limit: .nesting) }
            throw .invalidFile(filename: filename, reason: .notDOCX)
        }
        let propertyTitle = try Self.optional(Self.propertiesPart, from: &parts).flatMap(Self.coreTitle)
        let title = [propertyTitle, body.firstTitle].compactMap { $0 }.first(where: Extractors.isPlausibleTitle)
        return ExtractedDocument(title: title, blocks: body.blocks)
    }

    /// Check 9 of the upload rules: a readable ZIP holding `word/document.xml`, its parts within the limits.
    ///
    /// The parts are inflated and counted, never kept, so the check costs one buffer of memory.
    ///
    /// - Throws: `EngineError.invalidFile` with reason `notDOCX`, or `.contentTooLarge`.
    static func validate(_ data: Data, filename: String) throws(EngineError) {
        guard var parts = ZipPartReader(data: data, filename: filename),
            try parts.read(Self.mainPart, keep: false) != nil
        else {
            throw .invalidFile(filename: filename, reason: .notDOCX)
        }
        _ = try optional(stylesPart, from: &parts, keep: false)
        _ = try optional(propertiesPart, from: &parts, keep: false)
    }

    /// A part the document may lack or have damaged without losing its text; a limit still refuses it.
    private static func optional(
        _ path: String,
        from parts: inout ZipPartReader,
        keep: Bool = true
    ) throws(EngineError) -> Data? {
        do {
            return try parts.read(path, keep: keep)
        } catch .contentTooLarge(let filename, let limit) {
            throw .contentTooLarge(filename: filename, limit: limit)
        } catch {
            return nil
        }
    }

    private static func coreTitle(_ data: Data) -> String? {
        let reader = CoreTitleReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        _ = parser.parse()
        let title = Extractors.collapseWhitespace(reader.title)
        return title.isEmpty ? nil : title
    }
}

// MARK: - Styles

/// What a paragraph style means for extraction, read from `word/styles.xml` so that renamed or translated
/// styles (`berschrift1` named "heading 1") are still recognised.
private struct StyleTable {
    enum Role: Equatable {
        case heading(Int)
        case list
        case body
    }

    private var roles: [String: Role] = [:]

    init() {}

    init(data: Data) {
        let reader = StyleReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        _ = parser.parse()
        for style in reader.styles {
            let role = Self.role(named: style.name, outlineLevel: style.outlineLevel)
            roles[style.id] = role == .body ? Self.role(named: style.id, outlineLevel: nil) : role
        }
    }

    func role(of styleID: String) -> Role {
        roles[styleID] ?? Self.role(named: styleID, outlineLevel: nil)
    }

    private static func role(named name: String, outlineLevel: Int?) -> Role {
        let key = name.lowercased().filter { !$0.isWhitespace }
        if key == "title" { return .heading(1) }
        if key.hasPrefix("heading"), let level = Int(key.dropFirst("heading".count)), (1...9).contains(level) {
            return .heading(min(level, 6))
        }
        if let outlineLevel, (0...5).contains(outlineLevel) { return .heading(outlineLevel + 1) }
        if key.hasPrefix("list") { return .list }
        return .body
    }
}

private final class StyleReader: NSObject, XMLParserDelegate {
    struct Style {
        var id: String
        var name: String
        var outlineLevel: Int?
    }

    var styles: [Style] = []
    private var current: Style?

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch elementName {
        case "w:style" where attributes["w:type"] == "paragraph":
            current = Style(id: attributes["w:styleId"] ?? "", name: "", outlineLevel: nil)
        case "w:name":
            current?.name = attributes["w:val"] ?? ""
        case "w:outlineLvl":
            current?.outlineLevel = attributes["w:val"].flatMap { Int($0) }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "w:style", let style = current {
            styles.append(style)
            current = nil
        }
    }
}

private final class CoreTitleReader: NSObject, XMLParserDelegate {
    var title = ""
    private var inTitle = false

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        inTitle = elementName == "dc:title"
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle { title += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        inTitle = false
    }
}

// MARK: - Document body

/// Turns `w:p` and `w:tbl` events into blocks.
///
/// Names carry the `w:` prefix because namespace processing is off.
private final class DocumentBodyReader: NSObject, XMLParserDelegate {
    private let styles: StyleTable
    private(set) var blocks: [TextBlock] = []
    private(set) var firstTitle: String?
    /// Elements open at the current point, and whether parsing stopped because they passed
    /// `ExtractionLimits.maxNestingDepth`.
    private var depth = 0
    private(set) var tooDeep = false

    private struct Paragraph {
        var text = ""
        var style: String?
        var outlineLevel: Int?
        var isNumbered = false
        var allBold = true
    }

    private struct Table {
        var rows: [[String]] = []
        var row: [String]?
        var cell: String?
        var firstRowIsHeader = false
        var firstRowBold = true
    }

    /// Open paragraphs; text boxes nest whole paragraphs inside a run of another.
    private var paragraphs: [Paragraph] = []
    private var tables: [Table] = []
    /// Depth inside `mc:Fallback`, which repeats the `mc:Choice` content for old readers.
    private var skippedDepth = 0
    private var inText = false
    private var inRunProperties = false
    private var inParagraphProperties = false
    private var runBold = false
    private var inDeleted = 0

    init(styles: StyleTable) {
        self.styles = styles
    }

    private var paragraph: Paragraph? {
        get { paragraphs.last }
        set {
            if let newValue, !paragraphs.isEmpty { paragraphs[paragraphs.count - 1] = newValue }
        }
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        depth += 1
        if depth > ExtractionLimits.maxNestingDepth {
            tooDeep = true
            parser.abortParsing()
            return
        }
        if skippedDepth > 0 || elementName == "mc:Fallback" {
            skippedDepth += 1
            return
        }
        switch elementName {
        case "w:p":
            paragraphs.append(Paragraph())
        case "w:pStyle":
            paragraph?.style = attributes["w:val"]
        case "w:outlineLvl" where paragraph != nil && !inRunProperties:
            paragraph?.outlineLevel = attributes["w:val"].flatMap { Int($0) }
        case "w:numPr":
            paragraph?.isNumbered = true
        case "w:r":
            runBold = false
        case "w:rPr":
            inRunProperties = true
        case "w:pPr":
            inParagraphProperties = true
        case "w:b" where inRunProperties:
            runBold = attributes["w:val"].map { !["0", "false", "off"].contains($0) } ?? true
        case "w:t":
            inText = inDeleted == 0
        case "w:tab":
            // Tab stops in paragraph properties share the element name with tab characters in runs.
            if !inParagraphProperties { paragraph?.text += "\t" }
        case "w:br", "w:cr":
            paragraph?.text += "\n"
        case "w:noBreakHyphen":
            paragraph?.text += "-"
        case "w:del", "w:moveFrom":
            inDeleted += 1
        case "w:tbl":
            tables.append(Table())
        case "w:tblLook":
            // `firstRow="1"` (or bit 0x20 of the older hex `w:val`) styles the first row as the header.
            let firstRow = attributes["w:firstRow"].map { $0 == "1" || $0 == "true" }
            let legacy = attributes["w:val"].flatMap { Int($0, radix: 16) }.map { $0 & 0x20 != 0 }
            if tables.indices.last != nil, firstRow ?? legacy ?? false, tables[tables.count - 1].rows.isEmpty {
                tables[tables.count - 1].firstRowIsHeader = true
            }
        case "w:tblHeader":
            if tables.indices.last != nil, tables[tables.count - 1].rows.isEmpty {
                tables[tables.count - 1].firstRowIsHeader = true
            }
        case "w:tr":
            if !tables.isEmpty { tables[tables.count - 1].row = [] }
        case "w:tc":
            if !tables.isEmpty { tables[tables.count - 1].cell = "" }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard inText, skippedDepth == 0, paragraph != nil else { return }
        paragraph?.text += string
        if !runBold, !string.allSatisfy(\.isWhitespace) { paragraph?.allBold = false }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if skippedDepth > 0 {
            skippedDepth -= 1
            return
        }
        switch elementName {
        case "w:t":
            inText = false
        case "w:rPr":
            inRunProperties = false
        case "w:pPr":
            inParagraphProperties = false
        case "w:del", "w:moveFrom":
            inDeleted = max(0, inDeleted - 1)
        case "w:p":
            if let finished = paragraphs.popLast() { endParagraph(finished) }
        case "w:tc":
            guard var table = tables.popLast() else { return }
            if let cell = table.cell { table.row?.append(cell) }
            table.cell = nil
            tables.append(table)
        case "w:tr":
            guard var table = tables.popLast() else { return }
            if let row = table.row, row.contains(where: { !$0.isEmpty }) { table.rows.append(row) }
            table.row = nil
            tables.append(table)
        case "w:tbl":
            guard let table = tables.popLast() else { return }
            endTable(table)
        default:
            break
        }
    }

    private func endParagraph(_ finished: Paragraph) {
        let text = finished.text.split(separator: "\n").map { Extractors.collapseWhitespace($0) }
            .filter { !$0.isEmpty }.joined(separator: "\n")
        guard !text.isEmpty else { return }
        if !tables.isEmpty, tables[tables.count - 1].cell != nil {
            var table = tables[tables.count - 1]
            table.cell = table.cell.map { $0.isEmpty ? text : $0 + " " + text }
            if table.rows.isEmpty, !finished.allBold { table.firstRowBold = false }
            tables[tables.count - 1] = table
            return
        }
        let role: StyleTable.Role
        if let level = finished.outlineLevel, (0...5).contains(level) {
            role = .heading(level + 1)
        } else {
            role = finished.style.map(styles.role(of:)) ?? .body
        }
        switch role {
        case .heading(let level):
            blocks.append(TextBlock(kind: .heading(level: level), text: text))
            if firstTitle == nil, level == 1 { firstTitle = text }
        case .list:
            blocks.append(TextBlock(kind: .listItem, text: text))
        case .body:
            blocks.append(TextBlock(kind: finished.isNumbered ? .listItem : .paragraph, text: text))
        }
    }

    private func endTable(_ table: Table) {
        var rows = table.rows
        guard !rows.isEmpty else { return }
        var header: [String]?
        if rows.count > 1, table.firstRowIsHeader || table.firstRowBold {
            header = rows.removeFirst()
        }
        let rendered = rows.map { Extractors.tableRowText(cells: $0, header: header) }.filter { !$0.isEmpty }
        if tables.isEmpty {
            blocks.append(contentsOf: rendered.map { TextBlock(kind: .tableRow, text: $0) })
        } else {
            // A table inside a cell becomes part of that cell's text.
            var outer = tables[tables.count - 1]
            let inner = rendered.joined(separator: "; ")
            outer.cell = outer.cell.map { $0.isEmpty ? inner : $0 + " " + inner }
            tables[tables.count - 1] = outer
        }
    }
}
