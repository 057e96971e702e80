import ChatAPI
public import Foundation
import Session

/// One turn as recorded by `replay record` or `/save`: its input and what the REPL showed.
public struct RecordedTurn: Sendable, Equatable {
    public var input: String
    public var output: TranscriptTurnOutput

    public init(input: String, output: TranscriptTurnOutput) {
        self.input = input
        self.output = output
    }
}

/// Writes new transcripts (transcripts.md section 6, "record" and "/save"): directives, every turn with its
/// output (placeholders written in), and suggested checks.
///
/// ```swift
/// let writer = TranscriptWriter(corpus: ["samples/northwind/docs/"], role: .user)
/// try writer.write(turns, to: url, force: false)
/// ```
public struct TranscriptWriter: Sendable {
    public var comment: String?
    public var skip: String?
    public var corpus: [String]
    public var options: TranscriptOptions
    public var role: TranscriptRole
    /// Written as `@ user` even when it is the default.
    public var alwaysWriteRole: Bool

    public init(
        comment: String? = nil,
        skip: String? = nil,
        corpus: [String] = [],
        options: TranscriptOptions = TranscriptOptions(),
        role: TranscriptRole = .user,
        alwaysWriteRole: Bool = false
    ) {
        self.comment = comment
        self.skip = skip
        self.corpus = corpus
        self.options = options
        self.role = role
        self.alwaysWriteRole = alwaysWriteRole
    }

    /// The transcript text.
    public func text(_ turns: [RecordedTurn]) -> String {
        var lines: [String] = []
        if let comment {
            lines += comment.split(separator: "\n", omittingEmptySubsequences: false).map {
                TranscriptLine.text(.comment, String($0))
            }
        }
        if let skip { lines.append("@ skip: \(skip)") }
        for path in corpus { lines.append("@ corpus: \(path.contains(" ") ? "\"\(path)\"" : path)") }
        if !options.isEmpty { lines.append("@ options: \(options.words.joined(separator: " "))") }
        if role != .user || alwaysWriteRole { lines.append("@ user: \(role.rawValue)") }
        let redactor = TranscriptRedactor(redactions: [])
        for turn in turns {
            if !lines.isEmpty { lines.append("") }
            for line in turn.input.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(TranscriptLine.text(.input, String(line)))
            }
            for line in turn.output.lines {
                switch line {
                case .answer(let text):
                    lines.append(TranscriptLine.text(.answer, TranscriptText.normalize(text)))
                case .client(let text):
                    lines.append(TranscriptLine.text(.output, redactor.redact(TranscriptText.normalize(text))))
                }
            }
            lines += Self.suggestedChecks(for: turn.output)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `? cites: D` per cited document, `? finish: no_context` and `? cites-none` on abstention, `? error: CODE` on
    /// failure.
    public static func suggestedChecks(for output: TranscriptTurnOutput) -> [String] {
        var checks: [String] = []
        if let answer = output.answer {
            if answer.finishReason == .noContext {
                checks += ["? finish: no_context", "? cites-none"]
            } else {
                var seen: Set<String> = []
                for source in CheckEvaluator.citedSources(of: answer) {
                    let name = CheckEvaluator.displayName(source)
                    if seen.insert(name).inserted { checks.append("? cites: \(name)") }
                }
            }
        }
        var codes: Set<String> = []
        for failure in output.failures where codes.insert(failure.code.rawValue).inserted {
            checks.append("? error: \(failure.code.rawValue)")
        }
        return checks
    }

    /// Documents an answer cites, by file name, in order of first citation.
    public static func citedDocuments(_ turns: [RecordedTurn]) -> [String] {
        var names: [String] = []
        for turn in turns {
            guard let answer = turn.output.answer else { continue }
            for source in CheckEvaluator.citedSources(of: answer) where source.kind == .document {
                let name = CheckEvaluator.displayName(source)
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// Writes the transcript atomically.
    ///
    /// - Throws: `TranscriptFileError.exists` for an existing file unless `force`; `.cannotWrite` otherwise.
    public func write(_ turns: [RecordedTurn], to url: URL, force: Bool) throws(TranscriptFileError) {
        if !force, FileManager.default.fileExists(atPath: url.path) {
            throw .exists(url.lastPathComponent)
        }
        do {
            try Data(text(turns).utf8).write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(url.path)
        }
    }
}

/// A transcript file that cannot be written.
public enum TranscriptFileError: LocalizedError, Equatable, Sendable {
    /// The file exists and `--force` was not given.
    case exists(String)
    /// The file could not be written.
    case cannotWrite(String)
    /// A transcript name that is not a plain file name.
    case invalidName(String)

    public var errorDescription: String? {
        switch self {
        case .exists(let name): "\(name) exists. Use --force to overwrite it."
        case .cannotWrite(let path): "Cannot write \(path). Check that its folder is writable."
        case .invalidName(let name):
            "'\(name)' is not a transcript name: use letters, digits, '-' and '_', as in /save x200-lookup."
        }
    }
}
