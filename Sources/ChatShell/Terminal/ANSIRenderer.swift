import Commands

/// Turns `StyledText` into the characters written to the terminal: ANSI SGR codes when colour is on, the plain
/// text when it is off (then the output equals what a `.chat` transcript records, repl.md section 3).
///
/// Styles: `.dim` and `.marker` dim, `.error` red, `.success` green, `.emphasis` bold, `.plain` untouched. Codes
/// open and close on each line of a run, so a line cut out of the output (a pager, `grep`) carries its own style.
///
/// This is the rendering edge of every console front end (REPL, `ask`, `ingest`, `replay`, `eval`): each run
/// passes `OutputSanitizer` before styling, so no file name, memory, passage, model answer or server message can
/// reach the terminal as a control sequence, whether stdout is a terminal or a file that is `cat` later. Our own
/// SGR codes are added after it.
///
/// ```swift
/// let renderer = ANSIRenderer(useColor: terminal.useColor)
/// writer.write(renderer.render(outcome.text))
/// ```
struct ANSIRenderer: Sendable {
    /// Whether SGR codes are emitted.
    let useColor: Bool

    /// Creates a renderer.
    ///
    /// - Parameter useColor: `TerminalCapabilities.useColor`.
    init(useColor: Bool) {
        self.useColor = useColor
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
    ///   - text: the text, possibly from outside the program.
    ///   - style: its role.
    /// - Returns: the sanitised text, wrapped in SGR codes when colour is on and the style has any.
    func render(_ text: String, style: TextStyle) -> String {
        let safe = OutputSanitizer.visible(text)
        guard useColor, let codes = Self.sgrCode(for: style) else { return safe }
        let open = "\u{1B}[\(codes)m"
        let close = "\u{1B}[0m"
        return safe.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : open + $0 + close }
            .joined(separator: "\n")
    }

    /// The SGR parameter for a style, or nil for none.
    ///
    /// - Parameter style: a role.
    /// - Returns: `2` dim, `31` red, `32` green, `1` bold, `3` italic, `36` cyan for code, `4` underlined links,
    ///   bold and underlined headings.
    static func sgrCode(for style: TextStyle) -> String? {
        switch style {
        case .plain, .answer: nil
        case .dim, .marker: "2"
        case .error: "31"
        case .success: "32"
        case .emphasis, .strong: "1"
        case .italic: "3"
        case .code: "36"
        case .link: "4"
        case .heading: "1;4"
        }
    }
}
