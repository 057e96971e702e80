import Foundation

/// Lays out text for a terminal as it streams: word wrap at the terminal width with hanging indents, and, for
/// answers, markdown rendered to styles (repl.md "Streaming").
///
/// Append-only: nothing written is ever moved or redrawn. A word is held until it ends (a space, a line end or
/// the end of the text), because only then is it known whether it fits on the line; it is never broken unless it
/// is wider than the line. The width is asked again for every word, so after a resize (SIGWINCH) the text still
/// to come flows to the new width. East Asian wide characters and emoji break anywhere, as CJK text has no spaces.
///
/// Hanging indents: a continuation line starts under the text of its first line, after leading spaces and a list
/// marker (`- `, `* `, `• `, `3. `, or a citation label `[2] `), so Sources entries, `/sources` passages and list
/// items stay readable when they wrap.
///
/// Markdown (when `markdown` is true): `#` headings, `**strong**`, `*emphasis*`, `` `code` ``, `[text](url)`
/// links, `- `/`* `/`+ ` bullets (shown as `•`), numbered items, `>` quotes, rules, fenced code blocks (a `│`
/// border, never word-wrapped) and `|` tables. A table is the one block held whole until it ends: its column
/// widths depend on every row, and the widest column shrinks until the table fits. `[n]` citation markers are
/// styled as markers. Markdown that is not closed on its line simply ends there: styles never span lines.
///
/// Untrusted text passes `OutputSanitizer` first, so widths count what the terminal will show.
///
/// ```swift
/// var layout = TerminalLayout(markdown: true) { terminal.columns() }
/// writer.write(renderer.render(layout.feed(StyledText(token))))
/// writer.write(renderer.render(layout.finish()))
/// ```
public struct TerminalLayout: Sendable {
    /// Whether markdown is rendered (a terminal with styles); false lays out the raw text.
    public let markdown: Bool
    /// The width to wrap at, asked per word; nil does not wrap.
    let width: (@Sendable () -> Int)?

    public init(markdown: Bool, width: (@Sendable () -> Int)?) {
        self.markdown = markdown
        self.width = width
    }

    // MARK: State

    private enum Block: Sendable {
        case text
        case code(fence: String)
        case table(rows: [[String]])
    }

    /// One character with its style, on its way to the word being built.
    private struct Atom: Sendable {
        var character: Character
        var style: TextStyle
    }

    private var out = StyledText()
    private var block = Block.text
    /// True until the first character of a line has been classified.
    private var atLineStart = true
    /// The start of a line, held until its kind (heading, list, fence...) is known.
    private var lineHead: [Atom] = []
    /// The columns written on the current screen line.
    private var column = 0
    /// Where continuation lines of the current source line start.
    private var hangingIndent = 0
    /// Printed at the start of each continuation line (a quote or code border), then `hangingIndent` spaces.
    private var continuationPrefix = StyledText()
    /// Whether anything but indentation is on the current screen line.
    private var lineHasText = false
    /// The word being built and its width.
    private var word: [Atom] = []
    private var wordWidth = 0
    /// Spaces seen since the last word, written only if another word follows on the same line.
    private var pendingSpaces = 0
    /// The style of those spaces: kept when the next word has it too, so a link or heading is underlined across
    /// its spaces, and plain otherwise.
    private var pendingSpaceStyle = TextStyle.plain
    /// A style every character of the line gets (headings).
    private var lineStyle: TextStyle?
    /// Inline markdown state.
    private var strong = false
    private var emphasis = false
    private var inlineCode = false
    /// Characters held until the inline construct they may start is decided (`*`, `` ` ``, `[`, `\`).
    private var inlineHeld: [Atom] = []
    /// The last character given to the word builder, for emphasis boundary rules.
    private var previousCharacter: Character = " "

    /// A bracketed span held whole before it is decided: more than this many characters is plain text.
    static let bracketLimit = 300

    // MARK: - Input

    /// Lays out the next piece of text.
    ///
    /// - Parameter text: styled text; its characters may come from outside the program.
    /// - Returns: what can be written now.
    public mutating func feed(_ text: StyledText) -> StyledText {
        for run in text.runs {
            for character in OutputSanitizer.visible(run.text) {
                consume(Atom(character: character, style: run.style))
            }
        }
        return take()
    }

    /// Lays out the next piece of plain text.
    public mutating func feed(_ text: String) -> StyledText {
        feed(StyledText(text))
    }

    /// Writes everything still held (a word, a line head, a table) and ends the current line if it has text.
    ///
    /// - Returns: the rest of the output; the layout can be fed again afterwards.
    public mutating func finish() -> StyledText {
        flushLineHead()
        if case .table = block, !lineHead.isEmpty { endTableRow() }
        flushInline()
        flushWord()
        if case .table(let rows) = block {
            renderTable(rows)
            block = .text
        }
        return take()
    }

    /// Goes on at the start of a fresh screen line that something else moved the cursor to (a shell's job-control
    /// lines after Ctrl-Z and `fg`): the text continues there under its hanging indent, as after its own line
    /// break, instead of where the layout last left the cursor.
    ///
    /// - Returns: the indentation to write now.
    public mutating func restartLine() -> StyledText {
        if !atLineStart, lineHasText || column > 0 {
            pendingSpaces = 0
            breakLine(newline: false)
        }
        return take()
    }

    /// Lays out whole lines at once: client output such as the Sources list, `/sources` or `/docs`.
    ///
    /// - Parameters:
    ///   - text: lines, without a final newline.
    ///   - width: the terminal width.
    /// - Returns: the wrapped lines, still without a final newline.
    public static func wrap(_ text: StyledText, width: Int) -> StyledText {
        var layout = TerminalLayout(markdown: false) { width }
        var result = layout.feed(text)
        result.append(layout.finish())
        return result
    }

    /// The output so far, with neighbouring runs of one style merged, and a fresh buffer.
    private mutating func take() -> StyledText {
        var merged = StyledText()
        for run in out.runs where !run.text.isEmpty {
            if let last = merged.runs.last, last.style == run.style {
                merged.runs[merged.runs.count - 1].text += run.text
            } else {
                merged.runs.append(run)
            }
        }
        out = StyledText()
        return merged
    }

    // MARK: - Lines

    private mutating func consume(_ atom: Atom) {
        if case .code(let fence) = block {
            consumeCode(atom, fence: fence)
            return
        }
        if atLineStart {
            if atom.character == "\n" {
                lineHead.append(atom)
                flushLineHead()
                return
            }
            lineHead.append(atom)
            if let decision = classify(lineHead, final: false) { begin(decision) }
            return
        }
        if case .table = block {
            lineHead.append(atom)
            if atom.character == "\n" { endTableRow() }
            return
        }
        if atom.character == "\n" {
            endLine()
            return
        }
        inline(atom)
    }

    /// The kinds of line the head can start.
    private enum LineKind {
        case paragraph(lead: Int)
        case heading(lead: Int, skip: Int)
        case bullet(lead: Int, skip: Int)
        case numbered(lead: Int, marker: Int)
        case quote(lead: Int, skip: Int)
        case fence(String)
        case tableRow
        case rule
    }

    /// Decides the kind of line from its head, or nil when more characters are needed.
    private func classify(_ head: [Atom], final: Bool) -> LineKind? {
        let characters = head.map(\.character)
        let complete = final || characters.last == "\n"
        var index = 0
        while index < characters.count, characters[index] == " " { index += 1 }
        let lead = index
        guard index < characters.count else { return complete ? .paragraph(lead: lead) : nil }
        let rest = Array(characters[index...]).filter { $0 != "\n" }
        guard let first = rest.first else { return .paragraph(lead: lead) }
        // Hanging indents for lists and citation labels apply in raw text too; the rest is markdown. Outside
        // markdown a marker counts only within 3 spaces of the edge (as in CommonMark, where 4 spaces make
        // indented code): deeper lines are quoted text, such as a `/sources` passage that starts "5. Hotels",
        // whose continuation lines align with its first.
        if !markdown, lead > 3 { return .paragraph(lead: lead) }
        if first == "-" || first == "*" || first == "+" || (first == "•" && !markdown) {
            if rest.count < 2 { return complete ? .paragraph(lead: lead) : nil }
            if rest[1] == " " { return .bullet(lead: lead, skip: 2) }
            if markdown, first != "+", rest.allSatisfy({ $0 == first || $0 == " " }) {
                if !complete { return nil }
                return rest.filter { $0 == first }.count >= 3 ? .rule : .paragraph(lead: lead)
            }
            return .paragraph(lead: lead)
        }
        if first.isASCII, first.isNumber {
            var digits = 0
            while digits < rest.count, rest[digits].isASCII, rest[digits].isNumber { digits += 1 }
            if digits == rest.count { return complete ? .paragraph(lead: lead) : nil }
            guard digits <= 3, rest[digits] == "." || rest[digits] == ")" else { return .paragraph(lead: lead) }
            if digits + 1 == rest.count { return complete ? .paragraph(lead: lead) : nil }
            return rest[digits + 1] == " " ? .numbered(lead: lead, marker: digits + 2) : .paragraph(lead: lead)
        }
        if first == "[", !markdown {
            // `[12] ` as a label (the Sources list): the text after it hangs.
            var end = 1
            while end < rest.count, rest[end].isASCII, rest[end].isNumber { end += 1 }
            if end == rest.count || (end + 1 == rest.count && rest[end] == "]") {
                return complete || end > 4 ? .paragraph(lead: lead) : nil
            }
            if end > 1, end <= 4, rest[end] == "]", rest[end + 1] == " " {
                return .numbered(lead: lead, marker: end + 2)
            }
            return .paragraph(lead: lead)
        }
        guard markdown else {
            // "  /upload    index files ...": an indented term, two or more spaces, its description (`/help` and
            // other two-column lists). The description's continuation lines hang under its first word.
            guard lead > 0 else { return .paragraph(lead: lead) }
            guard let label = Self.definitionLabelWidth(rest, complete: complete) else { return nil }
            return label > 0 ? .numbered(lead: lead, marker: label) : .paragraph(lead: lead)
        }
        switch first {
        case "#":
            var hashes = 0
            while hashes < rest.count, rest[hashes] == "#" { hashes += 1 }
            if hashes == rest.count { return complete ? .paragraph(lead: lead) : nil }
            return hashes <= 6 && rest[hashes] == " " ? .heading(lead: lead, skip: hashes + 1) : .paragraph(lead: lead)
        case "`", "~":
            if rest.count < 3 { return complete ? .paragraph(lead: lead) : nil }
            guard rest[0] == rest[1], rest[1] == rest[2] else { return .paragraph(lead: lead) }
            // The fence line (with its info string) is held to its end.
            return complete ? .fence(String(repeating: first, count: 3)) : nil
        case "|":
            return .tableRow
        case ">":
            if rest.count < 2 { return complete ? .quote(lead: lead, skip: 1) : nil }
            return .quote(lead: lead, skip: rest[1] == " " ? 2 : 1)
        default:
            return .paragraph(lead: lead)
        }
    }

    /// The longest term a two-column line may have: longer first words are prose, whose lines hang at the edge.
    static let definitionTermLimit = 24

    /// The width of a definition line's term and the gap after it (`/upload    `), 0 when the line is not one,
    /// nil when more characters are needed to tell.
    private static func definitionLabelWidth(_ rest: [Character], complete: Bool) -> Int? {
        guard let termEnd = rest.firstIndex(of: " ") else {
            return complete || rest.count > definitionTermLimit ? 0 : nil
        }
        guard termEnd <= definitionTermLimit else { return 0 }
        var gapEnd = termEnd
        while gapEnd < rest.count, rest[gapEnd] == " " { gapEnd += 1 }
        if gapEnd == rest.count { return complete ? 0 : nil }
        return gapEnd - termEnd >= 2 ? gapEnd : 0
    }

    /// Starts a line of the given kind and feeds the held head through it.
    private mutating func begin(_ kind: LineKind) {
        let head = lineHead
        lineHead = []
        atLineStart = false
        if case .table(let rows) = block {
            if case .tableRow = kind {
                lineHead = head
                if head.last?.character == "\n" { endTableRow() }
                return
            }
            renderTable(rows)
            block = .text
        }
        let width = currentWidth
        var remaining = ArraySlice(head)
        func writeLead(_ lead: Int) {
            if lead > 0 { out.append(String(repeating: " ", count: lead)) }
            column = lead
            remaining = remaining.dropFirst(lead)
        }
        switch kind {
        case .paragraph(let lead):
            writeLead(lead)
            hangingIndent = lead
        case .heading(let lead, let skip):
            writeLead(lead)
            remaining = remaining.dropFirst(skip)
            hangingIndent = lead
            lineStyle = .heading
        case .bullet(let lead, let skip):
            writeLead(lead)
            let marker = remaining.first.map { String($0.character) } ?? "-"
            let style = remaining.first?.style ?? .plain
            remaining = remaining.dropFirst(skip)
            if markdown {
                out.append("• ", style: .dim)
            } else {
                out.append(marker + " ", style: style)
            }
            column += 2
            hangingIndent = lead + 2
            lineHasText = true
        case .numbered(let lead, let marker):
            writeLead(lead)
            var label = ""
            var style = TextStyle.plain
            for atom in remaining.prefix(marker) {
                label.append(atom.character)
                style = atom.style
            }
            remaining = remaining.dropFirst(marker)
            // A citation label keeps its own style (dim in the Sources list); a list number is dim in markdown.
            out.append(label, style: markdown ? .dim : style)
            column += DisplayWidth.of(label)
            hangingIndent = lead + DisplayWidth.of(label)
            lineHasText = true
        case .quote(let lead, let skip):
            writeLead(lead)
            remaining = remaining.dropFirst(skip)
            out.append("│ ", style: .dim)
            column += 2
            continuationPrefix = StyledText(String(repeating: " ", count: lead))
            continuationPrefix.append("│ ", style: .dim)
            hangingIndent = -1
        case .rule:
            out.append(String(repeating: "─", count: max(3, min(width ?? 40, 80) - 1)), style: .dim)
            out.append("\n")
            resetLine()
            return
        case .fence(let fence):
            block = .code(fence: fence)
            let info = String(head.map(\.character)).trimmingCharacters(in: [" ", "\n", "`", "~"])
            out.append("┌─" + (info.isEmpty ? "" : " " + info), style: .dim)
            out.append("\n")
            resetLine()
            return
        case .tableRow:
            block = .table(rows: [])
            lineHead = head
            if head.last?.character == "\n" { endTableRow() }
            return
        }
        for atom in remaining {
            if atom.character == "\n" {
                endLine()
            } else {
                inline(atom)
            }
        }
    }

    private mutating func flushLineHead() {
        guard !lineHead.isEmpty else { return }
        if case .code(let fence) = block {
            let head = lineHead
            lineHead = []
            for atom in head { consumeCode(atom, fence: fence, final: true) }
            return
        }
        if case .table = block, !atLineStart {
            endTableRow()
            return
        }
        let kind = classify(lineHead, final: true) ?? .paragraph(lead: 0)
        begin(kind)
    }

    /// Ends a source line: held text written, a newline, styles reset.
    private mutating func endLine() {
        flushInline()
        flushWord()
        out.append("\n")
        resetLine()
    }

    private mutating func resetLine() {
        column = 0
        hangingIndent = 0
        continuationPrefix = StyledText()
        lineHasText = false
        pendingSpaces = 0
        lineStyle = nil
        strong = false
        emphasis = false
        inlineCode = false
        previousCharacter = " "
        atLineStart = true
    }

    private var currentWidth: Int? {
        width.map { max(1, $0()) }
    }

    // MARK: - Code blocks

    private mutating func consumeCode(_ atom: Atom, fence: String, final: Bool = false) {
        if atLineStart {
            lineHead.append(atom)
            let text = String(lineHead.map(\.character))
            let trimmed = text.drop(while: { $0 == " " })
            // A closing fence ends the block; hold the line head while it may still become one.
            if trimmed.hasPrefix(fence), atom.character == "\n" || final {
                lineHead = []
                out.append("└─", style: .dim)
                out.append("\n")
                block = .text
                resetLine()
                return
            }
            let mayBeFence = fence.hasPrefix(trimmed) || trimmed.hasPrefix(fence)
            if mayBeFence, atom.character != "\n", !final { return }
            let head = lineHead
            lineHead = []
            atLineStart = false
            out.append("│ ", style: .dim)
            column = 2
            for held in head { codeCharacter(held) }
            return
        }
        codeCharacter(atom)
    }

    private mutating func codeCharacter(_ atom: Atom) {
        if atom.character == "\n" {
            out.append("\n")
            column = 0
            atLineStart = true
            return
        }
        let characterWidth = DisplayWidth.of(atom.character)
        if let width = currentWidth, column + characterWidth > width {
            out.append("\n")
            out.append("│ ", style: .dim)
            column = 2
        }
        out.append(String(atom.character), style: .code)
        column += characterWidth
    }

    // MARK: - Inline markdown

    private mutating func inline(_ atom: Atom) {
        guard markdown else {
            place(atom)
            return
        }
        if !inlineHeld.isEmpty {
            inlineHeld.append(atom)
            resolveHeld(final: false)
            return
        }
        switch atom.character {
        case "`", "*", "[", "\\":
            inlineHeld.append(atom)
            resolveHeld(final: false)
        default:
            place(atom)
        }
    }

    private mutating func flushInline() {
        while !inlineHeld.isEmpty { resolveHeld(final: true) }
    }

    /// Decides what the held characters are, as soon as enough of them have arrived.
    private mutating func resolveHeld(final: Bool) {
        let held = inlineHeld
        let characters = held.map(\.character)
        guard let first = characters.first else { return }
        func literal(_ count: Int) {
            inlineHeld = Array(held.dropFirst(count))
            for atom in held.prefix(count) { place(atom) }
            if !inlineHeld.isEmpty { resolveAgain(final: final) }
        }
        func drop(_ count: Int) {
            inlineHeld = Array(held.dropFirst(count))
            if !inlineHeld.isEmpty { resolveAgain(final: final) }
        }
        switch first {
        case "\\" where inlineCode:
            literal(1)
        case "\\":
            guard characters.count >= 2 else { return final ? literal(1) : () }
            if characters[1].isPunctuation || characters[1].isSymbol {
                inlineHeld = Array(held.dropFirst(2))
                place(Atom(character: characters[1], style: held[1].style))
                if !inlineHeld.isEmpty { resolveAgain(final: final) }
            } else {
                literal(1)
            }
        case "`":
            inlineCode.toggle()
            drop(1)
        case "*" where inlineCode:
            literal(1)
        case "*":
            guard characters.count >= 2 || final else { return }
            let double = characters.count >= 2 && characters[1] == "*"
            let markerLength = double ? 2 : 1
            if double, characters.count < 3, !final { return }
            let next: Character = characters.count > markerLength ? characters[markerLength] : "\n"
            let isOn = double ? strong : emphasis
            let opens =
                !isOn && !next.isWhitespace && (previousCharacter.isWhitespace || previousCharacter.isPunctuation)
            let closes = isOn && !previousCharacter.isWhitespace
            if opens || closes {
                if double { strong.toggle() } else { emphasis.toggle() }
                drop(markerLength)
            } else {
                literal(markerLength)
            }
        case "[" where inlineCode:
            literal(1)
        case "[":
            resolveBracket(held, final: final)
        default:
            literal(1)
        }
    }

    private mutating func resolveAgain(final: Bool) {
        resolveHeld(final: final)
    }

    /// `[12]` is a citation marker, `[text](url)` a link, anything else plain text.
    private mutating func resolveBracket(_ held: [Atom], final: Bool) {
        let characters = held.map(\.character)
        guard let close = characters.firstIndex(of: "]") else {
            if final || characters.count > Self.bracketLimit || characters.contains("\n") {
                inlineHeld = Array(held.dropFirst())
                place(held[0])
                if !inlineHeld.isEmpty { resolveHeld(final: final) }
            }
            return
        }
        let inner = characters[1..<close]
        if !inner.isEmpty, inner.count <= 3, inner.allSatisfy({ $0.isASCII && $0.isNumber }) {
            inlineHeld = Array(held.dropFirst(close + 1))
            for atom in held.prefix(close + 1) { place(Atom(character: atom.character, style: .marker)) }
            if !inlineHeld.isEmpty { resolveHeld(final: final) }
            return
        }
        // A link needs `(` right after `]`, then the URL up to `)`.
        guard close + 1 < characters.count else {
            if final { plainBracket(held, upTo: close, final: final) }
            return
        }
        guard characters[close + 1] == "(" else {
            plainBracket(held, upTo: close, final: final)
            return
        }
        guard let end = characters[(close + 1)...].firstIndex(of: ")") else {
            if final || characters.count > Self.bracketLimit || characters.contains("\n") {
                plainBracket(held, upTo: close, final: final)
            }
            return
        }
        let label = held[1..<close]
        let url = String(characters[(close + 2)..<end])
        inlineHeld = Array(held.dropFirst(end + 1))
        for atom in label { place(Atom(character: atom.character, style: .link)) }
        if url != String(label.map(\.character)), !url.isEmpty {
            place(Atom(character: " ", style: .plain))
            for character in "(" + url + ")" { place(Atom(character: character, style: .dim)) }
        }
        if !inlineHeld.isEmpty { resolveHeld(final: final) }
    }

    private mutating func plainBracket(_ held: [Atom], upTo close: Int, final: Bool) {
        // The opening bracket is plain; what follows is looked at again (it may hold a marker).
        inlineHeld = Array(held.dropFirst())
        place(held[0])
        if !inlineHeld.isEmpty { resolveHeld(final: final) }
    }

    // MARK: - Words

    /// Gives one character, styled, to the word builder.
    private mutating func place(_ atom: Atom) {
        var styled = atom
        if markdown {
            if let lineStyle, atom.style == .plain || atom.style == .marker {
                styled.style = atom.style == .marker ? .marker : lineStyle
            } else if atom.style == .plain {
                if inlineCode {
                    styled.style = .code
                } else if strong {
                    styled.style = .strong
                } else if emphasis {
                    styled.style = .italic
                }
            }
        }
        previousCharacter = atom.character
        if atom.character == " " || atom.character == "\t" {
            flushWord()
            if pendingSpaces == 0 { pendingSpaceStyle = styled.style }
            pendingSpaces += atom.character == "\t" ? 4 : 1
            return
        }
        let characterWidth = DisplayWidth.of(atom.character)
        // Wide characters (CJK, emoji) may break on either side.
        if characterWidth == 2 { flushWord() }
        word.append(styled)
        wordWidth += characterWidth
        if characterWidth == 2 { flushWord() }
    }

    /// Places the finished word on this line, or on the next one when it does not fit.
    private mutating func flushWord() {
        guard !word.isEmpty else { return }
        let width = currentWidth
        if let width, lineHasText, column + pendingSpaces + wordWidth > width {
            breakLine()
        } else if pendingSpaces > 0 {
            let style = word.first?.style == pendingSpaceStyle ? pendingSpaceStyle : .plain
            out.append(String(repeating: " ", count: pendingSpaces), style: style)
            column += pendingSpaces
        }
        pendingSpaces = 0
        for atom in word {
            let characterWidth = DisplayWidth.of(atom.character)
            // A word wider than the whole line is cut where it must be.
            if let width, column + characterWidth > width, lineHasText || column > max(0, hangingIndent) {
                breakLine()
            }
            append(atom)
            column += characterWidth
            lineHasText = true
        }
        word = []
        wordWidth = 0
    }

    private mutating func breakLine(newline: Bool = true) {
        if newline { out.append("\n") }
        if !continuationPrefix.runs.isEmpty {
            out.append(continuationPrefix)
            column = DisplayWidth.of(continuationPrefix.plain)
        } else {
            let indent = max(0, min(hangingIndent, (currentWidth ?? 80) / 2))
            if indent > 0 { out.append(String(repeating: " ", count: indent)) }
            column = indent
        }
        lineHasText = false
    }

    /// Appends one character, merging it into the last run when the style is the same.
    private mutating func append(_ atom: Atom) {
        if let last = out.runs.last, last.style == atom.style {
            out.runs[out.runs.count - 1].text.append(atom.character)
        } else {
            out.append(String(atom.character), style: atom.style)
        }
    }

    // MARK: - Tables

    private mutating func endTableRow() {
        let line = lineHead.filter { $0.character != "\n" }
        lineHead = []
        atLineStart = true
        guard case .table(var rows) = block else { return }
        rows.append(Self.cells(of: line))
        block = .table(rows: rows)
    }

    /// The cells of one `| a | b |` row, raw (a separator row is recognised before any rendering).
    private static func cells(of line: [Atom]) -> [String] {
        var text = String(line.map(\.character)).trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("|") { text.removeFirst() }
        if text.hasSuffix("|") { text.removeLast() }
        return text.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    private static func isSeparator(_ row: [String]) -> Bool {
        row.allSatisfy { cell in
            !cell.isEmpty && cell.allSatisfy { $0 == "-" || $0 == ":" || $0 == " " }
        }
    }

    /// A cell's inline markdown rendered (markers, emphasis, code, links), so its width is what is shown.
    private static func renderedCell(_ cell: String) -> StyledText {
        var layout = TerminalLayout(markdown: true, width: nil)
        var rendered = layout.feed(cell)
        rendered.append(layout.finish())
        while let last = rendered.runs.last, last.text.hasSuffix("\n") {
            rendered.runs[rendered.runs.count - 1].text.removeLast()
        }
        return rendered
    }

    /// Writes a held table: header bold, a rule under it, columns shrunk (widest first) to fit the width, long
    /// cells wrapped inside their column and padded to it after rendering, so the separators line up.
    private mutating func renderTable(_ rows: [[String]]) {
        let hasHeader = rows.count >= 2 && Self.isSeparator(rows[1])
        let body = rows.filter { !Self.isSeparator($0) }.map { $0.map(Self.renderedCell) }
        guard !body.isEmpty else { return }
        let columnCount = body.map(\.count).max() ?? 0
        var widths = (0..<columnCount).map { index in
            body.map { index < $0.count ? DisplayWidth.of($0[index].plain) : 0 }.max() ?? 0
        }
        let separator = " │ "
        let available = (currentWidth ?? Int.max) - 1
        let fixed = DisplayWidth.of(separator) * max(0, columnCount - 1)
        widths = Self.fit(widths, into: available - fixed)
        for (index, row) in body.enumerated() {
            let isHeader = hasHeader && index == 0
            let wrapped = (0..<columnCount).map { column -> [StyledText] in
                let cell = column < row.count ? row[column] : StyledText()
                return Self.wrapCell(cell, width: widths[column])
            }
            let height = wrapped.map(\.count).max() ?? 1
            for line in 0..<height {
                var screenLine = StyledText()
                for column in 0..<columnCount {
                    if column > 0 { screenLine.append(separator, style: .dim) }
                    var cell = line < wrapped[column].count ? wrapped[column][line] : StyledText()
                    if isHeader {
                        cell.runs = cell.runs.map { $0.style == .plain ? StyledText.Run(.strong, $0.text) : $0 }
                    }
                    screenLine.append(cell)
                    // Padding after the rendered cell; the last column needs none on screen.
                    let padding = widths[column] - DisplayWidth.of(cell.plain)
                    if column < columnCount - 1, padding > 0 {
                        screenLine.append(String(repeating: " ", count: padding))
                    }
                }
                out.append(screenLine)
                out.append("\n")
            }
            if isHeader {
                out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─"), style: .dim)
                out.append("\n")
            }
        }
    }

    /// Column widths that fit `available`: the widest column gives up a column at a time, none below a floor.
    static func fit(_ widths: [Int], into available: Int) -> [Int] {
        var widths = widths
        let floor = 6
        while widths.reduce(0, +) > available {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > floor else {
                break
            }
            widths[widest] -= 1
        }
        return widths
    }

    /// A rendered cell wrapped at word boundaries to its column, one styled text per screen line.
    static func wrapCell(_ cell: StyledText, width: Int) -> [StyledText] {
        let wrapped = TerminalLayout.wrap(cell, width: max(1, width))
        var lines = [StyledText()]
        for run in wrapped.runs {
            let pieces = run.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (offset, piece) in pieces.enumerated() {
                if offset > 0 { lines.append(StyledText()) }
                if !piece.isEmpty { lines[lines.count - 1].append(String(piece), style: run.style) }
            }
        }
        return lines
    }
}
