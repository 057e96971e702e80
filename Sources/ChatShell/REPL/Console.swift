import Commands

/// Writes render pieces and styled text to stdout and stderr, styled for the terminal or plain.
///
/// On a terminal (`columns` set) every line is word-wrapped to the width with hanging indents, and answers go
/// through a `TerminalLayout` that also renders markdown when styles are on; into a pipe the text is written as
/// it is, so pipes, sessions and transcripts see the raw text (repl.md "Streaming").
struct Console: Sendable {
    let writer: TerminalWriter
    let renderer: ANSIRenderer
    /// The terminal width now, or nil when stdout is not a terminal (no wrapping).
    let columns: (@Sendable () -> Int)?
    /// The same for stderr, where errors and notices go: a long error wraps at words too.
    let errorColumns: (@Sendable () -> Int)?

    init(
        writer: TerminalWriter = .standard,
        useColor: Bool,
        columns: (@Sendable () -> Int)? = nil,
        errorColumns: (@Sendable () -> Int)? = nil
    ) {
        self.writer = writer
        self.renderer = ANSIRenderer(useColor: useColor)
        self.columns = columns
        self.errorColumns = errorColumns
    }

    /// A console for this process's terminal: wrapping on whichever of stdout and stderr is one.
    ///
    /// - Parameters:
    ///   - terminal: the detected capabilities.
    ///   - useColor: whether styles are emitted.
    ///   - wrapOutput: false when stdout carries machine output (`--json`), which is never wrapped.
    init(terminal: TerminalCapabilities, useColor: Bool, wrapOutput: Bool = true) {
        let width: @Sendable () -> Int = { terminal.columns() }
        self.init(
            useColor: useColor,
            columns: terminal.stdoutIsTerminal && wrapOutput ? width : nil,
            errorColumns: terminal.stderrIsTerminal ? width : nil
        )
    }

    /// The layout for one streamed answer, or nil when the raw text goes out as it is.
    func answerLayout() -> TerminalLayout? {
        guard columns != nil || renderer.useColor else { return nil }
        return TerminalLayout(markdown: renderer.useColor, width: columns)
    }

    /// Writes pieces in order: answer text appended, lines on stdout, errors on stderr.
    func write(_ pieces: [RenderPiece]) {
        var layout = answerLayout()
        write(pieces, layout: &layout)
        if let rest = layout?.finish() { writer.write(renderer.render(rest)) }
    }

    /// Writes pieces of one answer in order; answer text passes `layout`, which holds what it cannot place yet
    /// and gives it back before any other piece is written.
    func write(_ pieces: [RenderPiece], layout: inout TerminalLayout?) {
        for piece in pieces {
            switch piece {
            case .answer(let text):
                writer.write(renderer.render(layout?.feed(text) ?? text))
            case .lines(let lines):
                if let rest = layout?.finish() { writer.write(renderer.render(rest)) }
                for line in lines { output(line) }
            case .error(let message):
                if let rest = layout?.finish() { writer.write(renderer.render(rest)) }
                error(message)
            case .status: break
            }
        }
    }

    /// Tells an answer's layout that the cursor is at the start of a fresh line (see `TerminalLayout.restartLine`).
    func restartLine(_ layout: inout TerminalLayout?) {
        if let indent = layout?.restartLine() { writer.write(renderer.render(indent)) }
    }

    /// Client output with a newline, wrapped on a terminal.
    func output(_ text: StyledText) {
        writer.writeLine(renderer.render(laidOut(text)))
    }

    /// Client output fitted to the terminal: lines wrapped at words, and answers shown again (`/history`,
    /// `/resume`, runs styled `.answer`) laid out as they were when they streamed, markdown rendered.
    private func laidOut(_ text: StyledText) -> StyledText {
        var result = StyledText()
        var lines = StyledText()
        func flushLines() {
            guard !lines.runs.isEmpty else { return }
            result.append(columns.map { TerminalLayout.wrap(lines, width: $0()) } ?? lines)
            lines = StyledText()
        }
        for run in text.runs {
            if run.style == .answer, var layout = answerLayout() {
                flushLines()
                result.append(layout.feed(run.text))
                result.append(layout.finish())
            } else {
                lines.append(run.text, style: run.style)
            }
        }
        flushLines()
        return result
    }

    /// `error: MESSAGE` on stderr, red on a terminal.
    func error(_ message: String) {
        diagnostic(StyledText("error: " + message, style: .error))
    }

    /// A line on stderr.
    func notice(_ message: String) {
        diagnostic(StyledText(message, style: .dim))
    }

    /// A line on stderr, wrapped at words when stderr is a terminal.
    private func diagnostic(_ text: StyledText) {
        let laidOut = errorColumns.map { TerminalLayout.wrap(text, width: $0()) } ?? text
        writer.writeLine(renderer.render(laidOut), to: .standardError)
    }
}
