/// One line of a `.chat` file and its kind (transcripts.md section 2).
public struct TranscriptLine: Sendable, Equatable {
    /// What a line is, by its prefix.
    public enum Kind: Sendable, Equatable {
        case blank
        /// `#`
        case comment
        /// `#!`, only in `.actual` files.
        case annotation
        /// `@`
        case directive
        /// `>`
        case input
        /// `~`
        case answer
        /// `|`
        case output
        /// `?`
        case check

        /// The prefix that starts a line of this kind.
        public var prefix: String {
            switch self {
            case .blank: ""
            case .comment: "#"
            case .annotation: "#!"
            case .directive: "@"
            case .input: ">"
            case .answer: "~"
            case .output: "|"
            case .check: "?"
            }
        }
    }

    /// 1-based.
    public var number: Int
    public var kind: Kind
    /// The text after the prefix and its space.
    public var content: String
    /// The line as written.
    public var raw: String

    public init(number: Int, kind: Kind, content: String, raw: String) {
        self.number = number
        self.kind = kind
        self.content = content
        self.raw = raw
    }

    /// Builds the text of a line from its kind and content: the prefix, then one space and the content, or the
    /// prefix alone for empty content.
    public static func text(_ kind: Kind, _ content: String) -> String {
        content.isEmpty ? kind.prefix : kind.prefix + " " + content
    }

    /// Classifies one line.
    ///
    /// - Returns: the line, or a message saying why it is not a transcript line.
    static func classify(_ raw: String, number: Int) -> Result<TranscriptLine, TranscriptOptionError> {
        if raw.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return .success(TranscriptLine(number: number, kind: .blank, content: "", raw: raw))
        }
        let kinds: [Kind] = [.annotation, .comment, .directive, .input, .answer, .output, .check]
        for kind in kinds where raw.hasPrefix(kind.prefix) {
            let rest = raw.dropFirst(kind.prefix.count)
            if rest.isEmpty {
                return .success(TranscriptLine(number: number, kind: kind, content: "", raw: raw))
            }
            if rest.first == " " {
                return .success(TranscriptLine(number: number, kind: kind, content: String(rest.dropFirst()), raw: raw))
            }
            if kind == .annotation { continue }
            return .failure(TranscriptOptionError("expected a space after '\(kind.prefix)'"))
        }
        let shown = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
        return .failure(
            TranscriptOptionError(
                "line starts with no known prefix (#, @, >, ~, |, ?): '\(shown)'"
            )
        )
    }
}
