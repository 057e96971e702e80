import CLibXML2
public import Foundation

/// Reads HTML with libxml2's forgiving parser and walks the tree, leaving out what a reader never sees as content:
/// scripts (JSON-LD too), styles, templates, navigation, page headers and footers, asides and hidden subtrees.
///
/// Navigation is also recognised by its structure, whatever its tags: blocks whose text is mostly link text (menus,
/// tables of contents, link lists) and tables whose cells are mostly links (the Prev/Up/Home/Next bars of DocBook,
/// Sphinx and MkDocs pages). `pre` keeps its lines as a code block; definition lists read as `term: definition`.
public struct HTMLExtractor: TextExtractor {
    public init() {}

    /// Extracts the blocks of an `.html` file.
    ///
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8, else Windows-1252).
    ///   - filename: the name, for messages.
    /// - Returns: the blocks in reading order; the title is `<title>` without its site-name suffix, else the
    ///   first `h1`.
    /// - Throws: `EngineError.invalidFile` with reason `notText` if libxml2 cannot build a tree at all.
    public func extract(_ data: Data, filename: String) throws(EngineError) -> ExtractedDocument {
        _ = Self.parserReady
        // The bytes are decoded by the same rules as every text upload, then handed over as UTF-8, so a stale
        // `<meta charset>` cannot make libxml2 read them differently.
        let utf8 = Array(TextDecoding.decode(data).utf8)
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue
        )
        let document = utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
        }
        guard let document else {
            if utf8.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) {
                return ExtractedDocument(title: nil, blocks: [])
            }
            throw .invalidFile(filename: filename, reason: .notText)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return ExtractedDocument(title: nil, blocks: []) }
        // The walk and the link census recurse per element: a tree deeper than the limit is refused before them.
        guard Self.depth(of: root, cap: ExtractionLimits.maxNestingDepth) <= ExtractionLimits.maxNestingDepth else {
            throw .contentTooLarge(filename: filename, limit: .nesting)
        }
        var walker = HTMLWalker(census: LinkCensus(root: root))
        walker.walk(children: root.pointee.children)
        walker.flush()
        let candidates = [Self.pageTitle(document).map(Self.withoutSiteName), walker.firstH1]
        let title = candidates.compactMap { $0 }.first(where: Extractors.isPlausibleTitle)
        return ExtractedDocument(title: title, blocks: walker.blocks)
    }

    /// How deep elements nest below `root` (1 for a root without child elements), counted without recursion and
    /// only until it passes `cap`.
    static func depth(of root: xmlNodePtr, cap: Int) -> Int {
        var deepest = 0
        var stack: [(node: xmlNodePtr, depth: Int)] = [(root, 1)]
        while let (node, depth) = stack.popLast() {
            deepest = max(deepest, depth)
            if deepest > cap { return deepest }
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { stack.append((current, depth + 1)) }
                child = current.pointee.next
            }
        }
        return deepest
    }

    /// libxml2 wants one initialisation before threads use it.
    private static let parserReady: Void = xmlInitParser()

    private static func pageTitle(_ document: htmlDocPtr) -> String? {
        guard let root = xmlDocGetRootElement(document) else { return nil }
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            guard node.pointee.type == XML_ELEMENT_NODE else { continue }
            let name = HTMLWalker.name(of: node)
            if name == "title" {
                let text = Extractors.collapseWhitespace(HTMLWalker.rawText(of: node))
                return text.isEmpty ? nil : text
            }
            if name == "body" || name == "svg" { continue }
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let current = child {
                children.append(current)
                child = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return nil
    }

    /// Pages name the site after the page (`Information Security Policy | Northwind Intranet`); the document is
    /// the part before the last separator.
    static func withoutSiteName(_ title: String) -> String {
        guard let range = title.range(of: " | ", options: .backwards) else { return title }
        let head = title[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        return head.isEmpty ? title : head
    }
}

// MARK: - Navigation by structure

/// How much of each element's visible text sits inside links, measured once per page so the walk can tell
/// navigation (menus, tables of contents, Prev/Next bars) from content by structure rather than by tag name.
private final class LinkCensus {
    struct Figures {
        /// Visible non-space characters below the element.
        var characters = 0
        /// Those of them inside an `<a href>`.
        var linkCharacters = 0
        /// Links below the element.
        var links = 0

        var linkShare: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }
    }

    /// A block whose visible text is at least this share link text is a menu, a table of contents or a link
    /// list, not prose: even link-rich prose ("see Section 5.2 and Section 8") is mostly words outside links.
    static let navigationLinkShare = 0.6
    /// One or two links in a short block are a cross-reference ("See Section 5."), not navigation.
    static let navigationMinimumLinks = 3
    /// Text outside the links of a navigation block is labels and separators, a few words; a link-heavy block
    /// with more is a container of navigation and content (a part's introduction above its table of
    /// contents), so its children are judged one by one instead.
    static let navigationPlainCharacters = 200
    /// A table cell is a link when at least this share of its text is link text (arrows and `&nbsp;` around
    /// "Prev" may sit outside the link).
    static let linkCellShare = 0.8
    /// The plain cells of a navigation bar are labels (the page's or chapter's name); a longer one is content.
    static let navigationLabelCharacters = 60

    private var figures: [xmlNodePtr: Figures] = [:]

    init(root: xmlNodePtr) {
        _ = measure(root, inLink: false)
    }

    subscript(node: xmlNodePtr) -> Figures { figures[node] ?? Figures() }

    private func measure(_ node: xmlNodePtr, inLink: Bool) -> Figures {
        var total = Figures()
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            guard let content = node.pointee.content else { return total }
            let count = String(cString: content).unicodeScalars.filter { !$0.properties.isWhitespace }.count
            total.characters = count
            total.linkCharacters = inLink ? count : 0
            return total
        case XML_ELEMENT_NODE:
            let name = HTMLWalker.name(of: node)
            if HTMLWalker.skipped.contains(name) || HTMLWalker.isHidden(node) { return total }
            let isLink = name == "a" && HTMLWalker.attribute("href", of: node) != nil
            if isLink { total.links = 1 }
            var child = node.pointee.children
            while let current = child {
                let inner = measure(current, inLink: inLink || isLink)
                total.characters += inner.characters
                total.linkCharacters += inner.linkCharacters
                total.links += inner.links
                child = current.pointee.next
            }
            figures[node] = total
            return total
        default:
            return total
        }
    }

    /// Whether a block-level element is navigation: mostly link text over several links, and little else.
    func isLinkBlock(_ node: xmlNodePtr) -> Bool {
        let figures = self[node]
        return figures.links >= Self.navigationMinimumLinks && figures.linkShare >= Self.navigationLinkShare
            && figures.characters - figures.linkCharacters <= Self.navigationPlainCharacters
    }

    /// Whether a table is a navigation bar: more link cells than other filled cells, at least two of them, and
    /// every other cell a short label.
    func isNavigationTable(_ table: xmlNodePtr) -> Bool {
        var linkCells = 0
        var otherCells = 0
        var longestLabel = 0
        var stack: [xmlNodePtr] = [table]
        while let node = stack.popLast() {
            var child = node.pointee.children
            while let current = child {
                child = current.pointee.next
                guard current.pointee.type == XML_ELEMENT_NODE else { continue }
                switch HTMLWalker.name(of: current) {
                case "td", "th":
                    let cell = self[current]
                    // An icon that links (DocBook's Prev/Up/Home arrows are images) is a link cell without text.
                    if cell.characters == 0, cell.links == 0 { continue }
                    if cell.links > 0, cell.characters == 0 || cell.linkShare >= Self.linkCellShare {
                        linkCells += 1
                    } else {
                        otherCells += 1
                        longestLabel = max(longestLabel, cell.characters)
                    }
                case "thead", "tbody", "tfoot", "tr":
                    stack.append(current)
                default:
                    continue
                }
            }
        }
        return linkCells >= 2 && linkCells > otherCells && longestLabel <= Self.navigationLabelCharacters
    }
}

// MARK: - Tree walk

/// Collects inline text into the current block and closes blocks at block-level elements.
private struct HTMLWalker {
    var blocks: [TextBlock] = []
    var firstH1: String?
    private let census: LinkCensus
    private var inline = ""
    private var kinds: [TextBlock.Kind] = []
    private var preformatted = 0
    /// Open `main`, `article` and `section` elements.
    private var sectioning = 0
    /// Open links to a place on the same page (`href="#…"`).
    private var inPageLinks = 0
    /// Whether the pending inline text holds a link to a place on the same page, and how many visible characters
    /// of it lie outside such links.
    private var inlineHasInPageLink = false
    private var inlineCharactersOutsideInPageLinks = 0
    /// Whether a paragraph that is nothing but a link to the same page is dropped: true for the page's own walk,
    /// false inside a table cell or definition, where such a link names the row's subject.
    private let dropsInPageLinkParagraphs: Bool

    init(census: LinkCensus, dropsInPageLinkParagraphs: Bool = true) {
        self.census = census
        self.dropsInPageLinkParagraphs = dropsInPageLinkParagraphs
    }

    /// Subtrees that hold no document content, or content repeated on every page of a site.
    static let skipped: Set<String> = [
        "head", "script", "style", "noscript", "template", "nav", "footer", "aside",
        "svg", "canvas", "iframe", "object", "embed", "button", "select", "textarea", "input", "math",
    ]

    /// ARIA landmark roles of the same site chrome, for pages that mark it with `role` instead of a tag
    /// (Sphinx's sidebar is `<div role="navigation">`).
    static let skippedRoles: Set<String> = ["navigation", "banner", "contentinfo", "complementary", "search"]

    static let blockElements: Set<String> = [
        "html", "body", "div", "p", "blockquote", "figure", "figcaption", "pre",
        "address", "ul", "ol", "dl", "dt", "dd", "form", "fieldset", "legend", "details", "summary", "center",
        "hr", "caption", "hgroup", "menu", "dialog", "search",
    ]

    /// Blocks judged by their link share; the page's own outer containers never are, so a page is never
    /// dropped whole because its body happens to be a list of links.
    static let linkJudged: Set<String> = [
        "div", "p", "ul", "ol", "dl", "menu", "table", "section", "center", "blockquote", "form", "details",
    ]

    static func name(of node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name).lowercased()
    }

    static func attribute(_ wanted: String, of node: xmlNodePtr) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, String(cString: name).lowercased() == wanted {
                var value = ""
                var child = current.pointee.children
                while let text = child {
                    if let content = text.pointee.content { value += String(cString: content) }
                    child = text.pointee.next
                }
                return value
            }
            attribute = current.pointee.next
        }
        return nil
    }

    static func isHidden(_ node: xmlNodePtr) -> Bool {
        if attribute("aria-hidden", of: node)?.trimmingCharacters(in: .whitespaces).lowercased() == "true" {
            return true
        }
        if let role = attribute("role", of: node)?.trimmingCharacters(in: .whitespaces).lowercased(),
            skippedRoles.contains(role)
        {
            return true
        }
        if attribute("hidden", of: node) != nil { return true }
        return attribute("style", of: node).map(hidesElement) ?? false
    }

    /// Whether an inline style keeps the element from being shown (`display: none`, `visibility: hidden`): a
    /// reader never sees it, so neither does an answer (a site's hidden search anchors, collapsed duplicates).
    static func hidesElement(_ style: String) -> Bool {
        let compact = style.lowercased().filter { !$0.isWhitespace }
        return compact.contains("display:none") || compact.contains("visibility:hidden")
    }

    /// All text below a node, with no skipping: only for `<title>`.
    static func rawText(of node: xmlNodePtr) -> String {
        var text = ""
        var child = node.pointee.children
        while let current = child {
            if let content = current.pointee.content, current.pointee.type == XML_TEXT_NODE {
                text += String(cString: content)
            }
            child = current.pointee.next
        }
        return text
    }

    /// Whether any text below a node has a letter or a digit.
    static func containsWord(below node: xmlNodePtr) -> Bool {
        var stack: [xmlNodePtr] = [node]
        while let current = stack.popLast() {
            if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content,
                String(cString: content).contains(where: { $0.isLetter || $0.isNumber })
            {
                return true
            }
            var child = current.pointee.children
            while let next = child {
                stack.append(next)
                child = next.pointee.next
            }
        }
        return false
    }

    mutating func walk(children first: xmlNodePtr?) {
        var child = first
        while let node = child {
            visit(node)
            child = node.pointee.next
        }
    }

    private mutating func visit(_ node: xmlNodePtr) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            guard let content = node.pointee.content else { return }
            let text = String(cString: content)
            if inPageLinks == 0 {
                inlineCharactersOutsideInPageLinks += text.unicodeScalars.count { !$0.properties.isWhitespace }
            }
            if preformatted > 0 {
                inline += text
            } else {
                inline += text.replacingOccurrences(of: "\n", with: " ")
            }
        case XML_ELEMENT_NODE:
            element(node)
        default:
            return
        }
    }

    private mutating func element(_ node: xmlNodePtr) {
        let name = Self.name(of: node)
        if Self.skipped.contains(name) || Self.isHidden(node) { return }
        // A page's `header` is site chrome; an article's `header` holds its own title and byline.
        if name == "header", sectioning == 0 { return }
        if preformatted == 0, Self.linkJudged.contains(name) {
            if census.isLinkBlock(node) || (name == "table" && census.isNavigationTable(node)) { return }
        }
        let children = node.pointee.children
        if name == "a", preformatted == 0, let target = Self.attribute("href", of: node), target.hasPrefix("#") {
            // A mark that links a heading or term to itself ("#", "¶", "§") is no text of the page.
            if !Self.containsWord(below: node) { return }
            inPageLinks += 1
            inlineHasInPageLink = true
            walk(children: children)
            inPageLinks -= 1
            return
        }
        switch name {
        case "br":
            inline += "\n"
        case "h1", "h2", "h3", "h4", "h5", "h6":
            flush()
            let level = Int(String(name.dropFirst())) ?? 1
            kinds.append(.heading(level: level))
            let before = blocks.count
            walk(children: children)
            flush()
            kinds.removeLast()
            if level == 1, firstH1 == nil, blocks.count > before { firstH1 = blocks[before].text }
        case "main", "article", "section":
            flush()
            sectioning += 1
            walk(children: children)
            flush()
            sectioning -= 1
        case "li":
            flush()
            kinds.append(.listItem)
            walk(children: children)
            flush()
            kinds.removeLast()
        case "table":
            flush()
            table(node)
        case "dl":
            flush()
            definitionList(node)
        case "pre":
            flush()
            preformatted += 1
            kinds.append(.code)
            walk(children: children)
            flush()
            kinds.removeLast()
            preformatted -= 1
        case "td", "th", "tr", "thead", "tbody", "tfoot":
            // Table parts outside a table (broken markup) read as blocks.
            flush()
            walk(children: children)
            flush()
        default:
            if Self.blockElements.contains(name) {
                flush()
                walk(children: children)
                flush()
            } else {
                walk(children: children)
            }
        }
    }

    /// Closes the pending inline text as a block of the innermost heading, list-item or code kind, else a
    /// paragraph.
    ///
    /// Code keeps its indentation and inner blank lines; everything else is collapsed.
    mutating func flush() {
        let text = inline
        inline = ""
        // A paragraph that is only a link to the same page ("Skip to content", "Back to top") moves the reader
        // around the page and says nothing itself.
        let onlyInPageLink = inlineHasInPageLink && inlineCharactersOutsideInPageLinks == 0
        inlineHasInPageLink = false
        inlineCharactersOutsideInPageLinks = 0
        if onlyInPageLink, dropsInPageLinkParagraphs, kinds.isEmpty, preformatted == 0 { return }
        if preformatted > 0 {
            let code = Self.codeText(text)
            if !code.isEmpty { blocks.append(TextBlock(kind: .code, text: code)) }
            return
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { Extractors.collapseWhitespace($0) }
            .filter { !$0.isEmpty }
        guard !lines.isEmpty else { return }
        blocks.append(TextBlock(kind: kinds.last ?? .paragraph, text: lines.joined(separator: "\n")))
    }

    /// Preformatted text as written: tabs expanded, trailing spaces and the blank lines around it gone, runs of
    /// blank lines cut to one, and the indentation every line shares removed.
    static func codeText(_ text: String) -> String {
        var lines = text.replacingOccurrences(of: "\t", with: "    ")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                String(line.reversed().drop(while: \.isWhitespace).reversed())
            }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        let margin = lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        var result: [String] = []
        for line in lines {
            if line.isEmpty, result.last?.isEmpty == true { continue }
            result.append(String(line.dropFirst(min(margin, line.count))))
        }
        return result.joined(separator: "\n")
    }

    // MARK: Definition lists

    /// `dt`/`dd` pairs as `term: definition`; a definition that starts with a code block or a table keeps it
    /// whole below its term.
    private mutating func definitionList(_ node: xmlNodePtr) {
        var terms: [String] = []
        var stack: [xmlNodePtr?] = [node.pointee.children]
        while !stack.isEmpty {
            guard let current = stack[stack.count - 1] else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1] = current.pointee.next
            guard current.pointee.type == XML_ELEMENT_NODE, !Self.isHidden(current) else { continue }
            switch Self.name(of: current) {
            case "dt":
                let term = inner(current).map(\.text).joined(separator: " ")
                if !term.isEmpty { terms.append(Extractors.collapseWhitespace(term)) }
            case "dd":
                var definition = inner(current)
                let term = terms.joined(separator: ", ")
                terms = []
                if !term.isEmpty {
                    if let first = definition.first, first.kind == .paragraph || first.kind == .listItem {
                        let separator = term.hasSuffix(":") ? " " : ": "
                        definition[0] = TextBlock(kind: .paragraph, text: term + separator + first.text)
                    } else {
                        definition.insert(TextBlock(kind: .paragraph, text: term), at: 0)
                    }
                }
                blocks.append(contentsOf: definition)
            case "div":
                // HTML allows a `div` around each term and its definitions.
                stack.append(current.pointee.children)
            default:
                continue
            }
        }
        // Terms without a definition still read as text.
        blocks.append(contentsOf: terms.map { TextBlock(kind: .paragraph, text: $0) })
    }

    /// The blocks of one element's content, read by a walker of its own.
    private func inner(_ node: xmlNodePtr) -> [TextBlock] {
        var walker = HTMLWalker(census: census, dropsInPageLinkParagraphs: false)
        walker.walk(children: node.pointee.children)
        walker.flush()
        return walker.blocks
    }

    // MARK: Tables

    private mutating func table(_ node: xmlNodePtr) {
        var rows: [(cells: [String], isHeader: Bool)] = []
        collectRows(node, inHead: false, into: &rows)
        var header: [String]?
        var body = rows
        if let first = rows.first, first.isHeader, rows.count > 1 {
            header = first.cells
            body.removeFirst()
        }
        for row in body {
            let text = Extractors.tableRowText(cells: row.cells, header: header)
            if !text.isEmpty { blocks.append(TextBlock(kind: .tableRow, text: text)) }
        }
    }

    private mutating func collectRows(
        _ node: xmlNodePtr,
        inHead: Bool,
        into rows: inout [(cells: [String], isHeader: Bool)]
    ) {
        var child = node.pointee.children
        while let current = child {
            child = current.pointee.next
            guard current.pointee.type == XML_ELEMENT_NODE, !Self.isHidden(current) else { continue }
            switch Self.name(of: current) {
            case "thead":
                collectRows(current, inHead: true, into: &rows)
            case "tbody", "tfoot":
                collectRows(current, inHead: false, into: &rows)
            case "caption":
                flush()
                blocks.append(contentsOf: inner(current).map { TextBlock(kind: .paragraph, text: $0.text) })
            case "tr":
                var cells: [String] = []
                var allHeaders = true
                var cell = current.pointee.children
                while let item = cell {
                    cell = item.pointee.next
                    let name = Self.name(of: item)
                    guard item.pointee.type == XML_ELEMENT_NODE, name == "td" || name == "th" else { continue }
                    allHeaders = allHeaders && name == "th"
                    cells.append(inner(item).map(\.text).joined(separator: " "))
                }
                if !cells.isEmpty { rows.append((cells, inHead || allHeaders)) }
            default:
                break
            }
        }
    }
}
