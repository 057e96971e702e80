import CLibXML2
public import Foundation

/// Reads HTML with libxml2's forgiving parser and walks the tree, leaving out what a reader never sees as content:
/// scripts (JSON-LD too), styles, templates, navigation, page headers and footers, asides and hidden subtrees.
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
        var walker = HTMLWalker()
        if let root = xmlDocGetRootElement(document) {
            walker.walk(children: root.pointee.children)
            walker.flush()
        }
        let title = Self.pageTitle(document).map(Self.withoutSiteName) ?? walker.firstH1
        return ExtractedDocument(title: title, blocks: walker.blocks)
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

// MARK: - Tree walk

/// Collects inline text into the current block and closes blocks at block-level elements.
private struct HTMLWalker {
    var blocks: [TextBlock] = []
    var firstH1: String?
    private var inline = ""
    private var kinds: [TextBlock.Kind] = []
    private var preformatted = 0
    /// Open `main`, `article` and `section` elements.
    private var sectioning = 0

    /// Subtrees that hold no document content, or content repeated on every page of a site.
    static let skipped: Set<String> = [
        "head", "script", "style", "noscript", "template", "nav", "footer", "aside",
        "svg", "canvas", "iframe", "object", "embed", "button", "select", "textarea", "input", "math",
    ]

    static let blockElements: Set<String> = [
        "html", "body", "div", "p", "blockquote", "figure", "figcaption", "pre",
        "address", "ul", "ol", "dl", "dt", "dd", "form", "fieldset", "legend", "details", "summary", "center",
        "hr", "caption", "hgroup", "menu", "dialog", "search",
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
        return attribute("hidden", of: node) != nil
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
        let children = node.pointee.children
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
        case "pre":
            flush()
            preformatted += 1
            walk(children: children)
            flush()
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

    /// Closes the pending inline text as a block of the innermost heading or list-item kind, else a paragraph.
    mutating func flush() {
        let text = inline
        inline = ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            .map {
                preformatted > 0 ? String($0).trimmingCharacters(in: .whitespaces) : Extractors.collapseWhitespace($0)
            }
            .filter { !$0.isEmpty }
        guard !lines.isEmpty else { return }
        blocks.append(TextBlock(kind: kinds.last ?? .paragraph, text: lines.joined(separator: "\n")))
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
                var caption = HTMLWalker()
                caption.walk(children: current.pointee.children)
                caption.flush()
                blocks.append(contentsOf: caption.blocks.map { TextBlock(kind: .paragraph, text: $0.text) })
            case "tr":
                var cells: [String] = []
                var allHeaders = true
                var cell = current.pointee.children
                while let item = cell {
                    cell = item.pointee.next
                    let name = Self.name(of: item)
                    guard item.pointee.type == XML_ELEMENT_NODE, name == "td" || name == "th" else { continue }
                    allHeaders = allHeaders && name == "th"
                    var inner = HTMLWalker()
                    inner.walk(children: item.pointee.children)
                    inner.flush()
                    cells.append(inner.blocks.map(\.text).joined(separator: " "))
                }
                if !cells.isEmpty { rows.append((cells, inHead || allHeaders)) }
            default:
                break
            }
        }
    }
}
