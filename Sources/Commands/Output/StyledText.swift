/// A semantic role of a piece of output; ChatShell maps roles to ANSI or to nothing (repl.md section 3).
public enum TextStyle: Sendable, Hashable {
    case plain
    /// Secondary text: the Sources list, hints, counts.
    case dim
    /// A `[n]` citation marker.
    case marker
    /// An error message (red on a terminal).
    case error
    /// A notice that something worked.
    case success
    /// A heading or a label.
    case emphasis
    /// Markdown `**strong**` text in an answer.
    case strong
    /// Markdown `*emphasis*` in an answer.
    case italic
    /// Inline code and code blocks in an answer.
    case code
    /// The text of a markdown link.
    case link
    /// A markdown heading in an answer.
    case heading
    /// An answer shown again (`/history`, `/resume`): the model's text as it came, markdown included; a terminal
    /// lays it out like a streamed answer, anything else shows it as it is.
    case answer
}

/// Output as runs of styled text; no ANSI codes ever appear in it.
public struct StyledText: Sendable, Hashable, ExpressibleByStringLiteral {
    /// One run of text with one style.
    public struct Run: Sendable, Hashable {
        public var style: TextStyle
        public var text: String
        public init(_ style: TextStyle, _ text: String) {
            self.style = style
            self.text = text
        }
    }

    public var runs: [Run]

    public init(runs: [Run] = []) { self.runs = runs }
    public init(_ text: String, style: TextStyle = .plain) { self.runs = [Run(style, text)] }
    public init(stringLiteral value: String) { self.init(value) }

    /// The text without styles, as pipes and transcripts see it.
    public var plain: String { runs.map(\.text).joined() }

    /// Appends a run, merged into the last one when the style is the same, so the same output is the same value
    /// however it was pieced together (tokens arrive in arbitrary pieces) and carries one pair of SGR codes.
    public mutating func append(_ text: String, style: TextStyle = .plain) {
        guard !text.isEmpty else { return }
        if let last = runs.last, last.style == style {
            runs[runs.count - 1].text += text
        } else {
            runs.append(Run(style, text))
        }
    }

    /// Appends another styled text, merging runs as `append(_:style:)` does.
    public mutating func append(_ other: StyledText) {
        for run in other.runs { append(run.text, style: run.style) }
    }
}
