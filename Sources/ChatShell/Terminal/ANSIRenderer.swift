import Commands

/// Turns `StyledText` into the characters written to the terminal: ANSI SGR codes when colour is on, the plain
/// text when it is off (then the output equals what a `.chat` transcript records, repl.md section 3).
///
/// Styles: `.dim` and `.marker` dim, `.error` red, `.success` green, `.emphasis` bold, `.plain` untouched. Codes
/// open and close on each line of a run, so a line cut out of the output (a pager, `grep`) carries its own style.
///
/// Answer text comes from a model or a remote server; with `neutralizeControls` (pass "stdout is a terminal")
/// control characters in it are shown as `^[`-style carets instead of reaching the terminal as commands.
///
/// ```swift
/// let renderer = ANSIRenderer(useColor: terminal.useColor, neutralizeControls: terminal.stdoutIsTerminal)
/// writer.write(renderer.render(outcome.text))
/// ```
struct ANSIRenderer: Sendable {
    /// Whether SGR codes are emitted.
    let useColor: Bool
    /// Whether control characters other than newline and tab are made visible.
    let neutralizeControls: Bool

    /// Creates a renderer.
    ///
    /// - Parameters:
    ///   - useColor: `TerminalCapabilities.useColor`.
    ///   - neutralizeControls: true when the output goes to a terminal.
    init(useColor: Bool, neutralizeControls: Bool = false) {
        self.useColor = useColor
        self.neutralizeControls = neutralizeControls
    }

    /// The terminal form of `text`.
    ///
    /// - Parameter text: styled runs.
    /// - Returns: the runs concatenated, each wrapped in its SGR codes when colour is on.
    func render(_ text: StyledText) -> String {
        var out = ""
        for run in text.runs {
            out += render(run.text, style: run.style)
        }
        return out
    }

    /// The terminal form of one piece of text in one style.
    ///
    /// - Parameters:
    ///   - text: the text.
    ///   - style: its role.
    /// - Returns: the text, wrapped in SGR codes when colour is on and the style has any.
    func render(_ text: String, style: TextStyle) -> String {
        let safe = neutralizeControls ? Self.neutralized(text) : text
        guard useColor, let code = Self.sgrCode(for: style) else { return safe }
        let open = "\u{1B}[\(code)m"
        let close = "\u{1B}[0m"
        return safe.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : open + $0 + close }
            .joined(separator: "\n")
    }

    /// The SGR parameter for a style, or nil for none.
    ///
    /// - Parameter style: a role.
    /// - Returns: `2` dim, `31` red, `32` green, `1` bold.
    static func sgrCode(for style: TextStyle) -> String? {
        switch style {
        case .plain: nil
        case .dim, .marker: "2"
        case .error: "31"
        case .success: "32"
        case .emphasis: "1"
        }
    }

    /// `text` with C0 controls (except newline and tab), DEL and C1 controls shown in caret notation.
    ///
    /// An ESC in a model's answer could otherwise move the cursor, retitle the window or write to the clipboard.
    /// A CRLF line end stays a newline.
    ///
    /// - Parameter text: untrusted text.
    /// - Returns: text that is safe to write to a terminal.
    static func neutralized(_ text: String) -> String {
        let needsWork = text.unicodeScalars.contains { isUnsafeControl($0) }
        guard needsWork else { return text }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            if scalar == "\r", pending == "\n" { continue }
            guard isUnsafeControl(scalar) else {
                out.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x7F:
                out.append(contentsOf: "^?".unicodeScalars)
            case 0x80...0x9F:
                out.append("\u{FFFD}")
            default:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(scalar.value + 0x40)))
            }
        }
        return String(out)
    }

    private static func isUnsafeControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}
