public import Foundation

/// A parsed `.chat` file: its lines as written, file directives and turns (transcripts.md sections 2 and 3).
///
/// The lines are kept so that `.actual` files and accepted transcripts rewrite only the output sections and keep
/// `>`, `@`, `#` and `?` lines verbatim.
///
/// ```swift
/// let transcript = try Transcript.parse(text, path: "transcripts/northwind/x200-lookup.chat")
/// for turn in transcript.turns { print(turn.number, turn.message) }
/// ```
public struct Transcript: Sendable {
    /// The default `@ timeout` of a turn.
    public static let defaultTimeout: Duration = .seconds(60)

    /// The path shown in messages (`FILE:LINE: message`).
    public var path: String
    public var lines: [TranscriptLine]
    public var corpus: [TranscriptCorpusPath]
    public var options: TranscriptOptions
    public var role: TranscriptRole
    public var redactions: [TranscriptRedaction]
    public var timeout: Duration
    /// `@ skip: REASON`.
    public var skip: String?
    public var turns: [TranscriptTurn]

    /// One expected `~` or `|` line.
    public struct ExpectedLine: Sendable, Equatable {
        public var isAnswer: Bool
        public var text: String
        public var line: Int
    }

    /// Parses a transcript.
    ///
    /// - Parameters:
    ///   - text: the file's text.
    ///   - path: the path shown in error messages.
    ///   - allowAnnotations: true for `.actual` files, whose `#!` lines are skipped.
    /// - Returns: the transcript.
    /// - Throws: `TranscriptSyntaxError` naming the file and line.
    public static func parse(
        _ text: String,
        path: String,
        allowAnnotations: Bool = false
    ) throws(TranscriptSyntaxError)
        -> Transcript
    {
        var parser = TranscriptParser(path: path, allowAnnotations: allowAnnotations)
        return try parser.parse(text)
    }

    /// Reads and parses a file; bytes must be UTF-8 without BOM.
    ///
    /// - Throws: `TranscriptSyntaxError` for unreadable or invalid files.
    public static func load(
        _ url: URL,
        path: String,
        allowAnnotations: Bool = false
    ) throws(TranscriptSyntaxError)
        -> Transcript
    {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TranscriptSyntaxError(path: path, line: 0, message: "cannot read the file")
        }
        return try parse(try decode(data, path: path), path: path, allowAnnotations: allowAnnotations)
    }

    /// Decodes transcript bytes: UTF-8 without BOM.
    static func decode(_ data: Data, path: String) throws(TranscriptSyntaxError) -> String {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw TranscriptSyntaxError(path: path, line: 1, message: "the file starts with a byte order mark")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TranscriptSyntaxError(path: path, line: 1, message: "the file is not valid UTF-8")
        }
        return text
    }

    /// The line with a number, if any.
    func line(numbered number: Int) -> TranscriptLine? {
        lines.indices.contains(number - 1) ? lines[number - 1] : nil
    }
}

/// One turn: its input (a question or a slash command), turn directives, expected output and checks.
public struct TranscriptTurn: Sendable {
    /// 1-based.
    public var number: Int
    /// The `>` lines joined with LF: what the turn sends, as the REPL would.
    public var input: String
    /// The line number of the first `>` line.
    public var line: Int
    /// `@ options` of this turn only.
    public var options: TranscriptOptions
    /// `@ timeout` of this turn only.
    public var timeout: Duration?
    /// The expected `~` and `|` lines in order.
    public var expected: [Transcript.ExpectedLine]
    public var checks: [TranscriptCheck]
    /// Indexes into `Transcript.lines`: every line of the turn, from its first `>` to the next turn.
    public var range: Range<Int>
    /// Indexes of the output section (first to last `~`/`|` line), when there is one.
    public var outputRange: Range<Int>?
    /// Where output goes when the turn has none yet: after its `>` lines and turn directives.
    public var insertIndex: Int

    /// Whether the input is a slash command.
    public var isCommand: Bool { input.hasPrefix("/") && !input.hasPrefix("//") }

    /// The expected answer text (the `~` lines joined with LF).
    var expectedAnswer: String? {
        let lines = expected.filter(\.isAnswer)
        return lines.isEmpty ? nil : lines.map(\.text).joined(separator: "\n")
    }

    /// The first line of the input, for hunk headers and messages.
    var headline: String {
        let first = input.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return first.count > 70 ? String(first.prefix(69)) + "…" : first
    }
}

/// A transcript that cannot be used: `FILE:LINE: message`, exit 2.
public struct TranscriptSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based; 0 when the file as a whole is at fault.
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}

/// The line-by-line state machine behind `Transcript.parse`.
private struct TranscriptParser {
    private enum Phase { case input, directives, output, checks }

    let path: String
    let allowAnnotations: Bool

    private var transcript: Transcript
    private var turn: TranscriptTurn?
    private var phase = Phase.input
    private var lastInputIndex = -2
    private var commentInOutput: Int?
    private var lastOutputIndex: Int?
    private var firstOutputIndex: Int?
    private var seenFileDirectives: Set<String> = []

    init(path: String, allowAnnotations: Bool) {
        self.path = path
        self.allowAnnotations = allowAnnotations
        transcript = Transcript(
            path: path,
            lines: [],
            corpus: [],
            options: TranscriptOptions(),
            role: .user,
            redactions: [],
            timeout: Transcript.defaultTimeout,
            skip: nil,
            turns: []
        )
    }

    mutating func parse(_ text: String) throws(TranscriptSyntaxError) -> Transcript {
        if let carriageReturn = text.unicodeScalars.firstIndex(of: "\r") {
            let number = text.unicodeScalars[..<carriageReturn].filter { $0 == "\n" }.count + 1
            throw error(number, "carriage return in the file: transcripts use LF line ends")
        }
        if text.hasPrefix("\u{FEFF}") { throw error(1, "the file starts with a byte order mark") }
        var rawLines = text.components(separatedBy: "\n")
        if rawLines.last == "" { rawLines.removeLast() }
        for (index, raw) in rawLines.enumerated() {
            switch TranscriptLine.classify(raw, number: index + 1) {
            case .success(let line): transcript.lines.append(line)
            case .failure(let failure): throw error(index + 1, failure.message)
            }
        }
        for index in transcript.lines.indices {
            try take(index)
        }
        closeTurn(end: transcript.lines.count)
        return transcript
    }

    private mutating func take(_ index: Int) throws(TranscriptSyntaxError) {
        let line = transcript.lines[index]
        switch line.kind {
        case .annotation:
            if !allowAnnotations { throw error(line.number, "'#!' annotations belong in .actual files only") }
        case .blank:
            break
        case .comment:
            if phase == .output, commentInOutput == nil { commentInOutput = line.number }
        case .input:
            if turn != nil, phase == .input, lastInputIndex == index - 1 {
                turn?.input += "\n" + line.content
            } else {
                closeTurn(end: index)
                turn = TranscriptTurn(
                    number: transcript.turns.count + 1,
                    input: line.content,
                    line: line.number,
                    options: TranscriptOptions(),
                    timeout: nil,
                    expected: [],
                    checks: [],
                    range: index..<index + 1,
                    outputRange: nil,
                    insertIndex: index + 1
                )
                phase = .input
            }
            lastInputIndex = index
            turn?.insertIndex = index + 1
            if let input = turn?.input, input.hasPrefix("/"), !input.hasPrefix("//"), input.contains("\n") {
                throw error(line.number, "a slash command must be one line")
            }
        case .directive:
            try directive(line, index: index)
        case .answer, .output:
            guard turn != nil else {
                throw error(line.number, "output before the first '>' line")
            }
            if phase == .checks { throw error(line.number, "output after the turn's checks") }
            if phase == .output, let comment = commentInOutput {
                throw error(comment, "a comment inside the output section")
            }
            if line.kind == .output {
                do {
                    _ = try TranscriptPattern(TranscriptText.normalize(line.content), redactions: transcript.redactions)
                } catch let failure {
                    throw error(line.number, failure.message)
                }
            }
            phase = .output
            firstOutputIndex = firstOutputIndex ?? index
            lastOutputIndex = index
            turn?.expected.append(
                Transcript.ExpectedLine(
                    isAnswer: line.kind == .answer,
                    text: TranscriptText.normalize(line.content),
                    line: line.number
                )
            )
        case .check:
            guard turn != nil else { throw error(line.number, "a check before the first '>' line") }
            phase = .checks
            do {
                turn?.checks.append(try TranscriptCheck.parse(line.content, line: line.number))
            } catch let failure {
                throw error(line.number, failure.message)
            }
        }
    }

    private mutating func closeTurn(end: Int) {
        guard var finished = turn else { return }
        finished.range = finished.range.lowerBound..<end
        if let first = firstOutputIndex, let last = lastOutputIndex {
            finished.outputRange = first..<last + 1
        }
        transcript.turns.append(finished)
        turn = nil
        firstOutputIndex = nil
        lastOutputIndex = nil
        commentInOutput = nil
    }

    // MARK: - Directives

    private static let fileOnly: Set<String> = ["corpus", "user", "redact", "skip"]
    private static let known: Set<String> = ["corpus", "options", "user", "redact", "timeout", "skip"]

    private mutating func directive(_ line: TranscriptLine, index: Int) throws(TranscriptSyntaxError) {
        guard let colon = line.content.firstIndex(of: ":") else {
            throw error(line.number, "expected '@ key: value'")
        }
        let key = line.content[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line.content[line.content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard Self.known.contains(key) else {
            throw error(
                line.number,
                "unknown directive '@ \(key)' (known: corpus, options, user, redact, timeout, skip)"
            )
        }
        if turn != nil {
            if Self.fileOnly.contains(key) {
                throw error(line.number, "'@ \(key)' must come before the first '>' line")
            }
            guard phase == .input || phase == .directives else {
                throw error(line.number, "'@ \(key)' must follow the turn's '>' lines, before its output")
            }
            phase = .directives
            turn?.insertIndex = index + 1
            if key == "options" {
                do {
                    turn?.options = try TranscriptOptions.parse(value)
                } catch let failure {
                    throw error(line.number, failure.message)
                }
            } else {
                let timeout = try duration(value, line: line.number)
                turn?.timeout = timeout
            }
            return
        }
        if key != "corpus", !seenFileDirectives.insert(key).inserted {
            throw error(line.number, "'@ \(key)' appears twice")
        }
        switch key {
        case "corpus":
            try corpus(value, line: line.number)
        case "options":
            do {
                transcript.options = try TranscriptOptions.parse(value)
            } catch let failure {
                throw error(line.number, failure.message)
            }
        case "user":
            guard let role = TranscriptRole(rawValue: value) else {
                throw error(line.number, "@ user must be anonymous, user or admin, not '\(value)'")
            }
            transcript.role = role
        case "redact":
            try redaction(value, line: line.number)
        case "timeout":
            transcript.timeout = try duration(value, line: line.number)
        default:
            guard !value.isEmpty else { throw error(line.number, "@ skip needs a reason") }
            transcript.skip = value
        }
    }

    private mutating func corpus(_ value: String, line: Int) throws(TranscriptSyntaxError) {
        let paths = Self.arguments(value)
        guard !paths.isEmpty else { throw error(line, "@ corpus needs at least one path") }
        for path in paths {
            if path.hasPrefix("/") || path.hasPrefix("~") {
                throw error(line, "absolute corpus path '\(path)': use a path relative to the repository root")
            }
            transcript.corpus.append(TranscriptCorpusPath(path: path, line: line))
        }
    }

    private mutating func redaction(_ value: String, line: Int) throws(TranscriptSyntaxError) {
        guard value.hasPrefix("["), let close = value.firstIndex(of: "]") else {
            throw error(line, "expected '@ redact: [NAME] = REGEX'")
        }
        let name = String(value[value.index(after: value.startIndex)..<close])
        let rest = value[value.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("=") else { throw error(line, "expected '@ redact: [NAME] = REGEX'") }
        let pattern = rest.dropFirst().trimmingCharacters(in: .whitespaces)
        guard let first = name.first, first.isASCII, first.isUppercase,
            name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") })
        else {
            throw error(line, "placeholder names are upper case, as in [TICKET], not '[\(name)]'")
        }
        let builtIn = TranscriptPattern.placeholders.map(\.name)
        guard !builtIn.contains(name), !transcript.redactions.contains(where: { $0.name == name }) else {
            throw error(line, "placeholder [\(name)] is already defined")
        }
        guard !pattern.isEmpty, (try? NSRegularExpression(pattern: pattern)) != nil else {
            throw error(line, "invalid regex '\(pattern)'")
        }
        transcript.redactions.append(TranscriptRedaction(name: name, pattern: pattern))
    }

    private func duration(_ value: String, line: Int) throws(TranscriptSyntaxError) -> Duration {
        guard let duration = TranscriptDuration.parse(value) else {
            throw error(line, "@ timeout needs a duration such as 60s, 500ms or 2min, not '\(value)'")
        }
        return duration
    }

    /// Splits on spaces; `"..."` keeps a path with spaces together.
    static func arguments(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
            } else if character.isWhitespace, !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private func error(_ line: Int, _ message: String) -> TranscriptSyntaxError {
        TranscriptSyntaxError(path: path, line: line, message: message)
    }
}
