import Commands

/// Writes render pieces and styled text to stdout and stderr, styled for the terminal or plain.
struct Console: Sendable {
    let writer: TerminalWriter
    let renderer: ANSIRenderer

    init(writer: TerminalWriter = .standard, useColor: Bool) {
        self.writer = writer
        self.renderer = ANSIRenderer(useColor: useColor)
    }

    /// Writes pieces in order: answer text appended, lines on stdout, errors on stderr.
    func write(_ pieces: [RenderPiece]) {
        for piece in pieces {
            switch piece {
            case .answer(let text): writer.write(renderer.render(text))
            case .lines(let lines):
                for line in lines { writer.writeLine(renderer.render(line)) }
            case .error(let message): error(message)
            case .status: break
            }
        }
    }

    /// Client output with a newline.
    func output(_ text: StyledText) {
        writer.writeLine(renderer.render(text))
    }

    /// `error: MESSAGE` on stderr, red on a terminal.
    func error(_ message: String) {
        writer.writeLine(renderer.render(StyledText("error: " + message, style: .error)), to: .standardError)
    }

    /// A line on stderr.
    func notice(_ message: String) {
        writer.writeLine(renderer.render(StyledText(message, style: .dim)), to: .standardError)
    }
}
