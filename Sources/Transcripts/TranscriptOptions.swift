import Foundation

/// The `@ options: k=v ...` of a transcript or a turn (transcripts.md section 3).
public struct TranscriptOptions: Sendable, Equatable {
    /// `top_k`, 1 to 20.
    public var topK: Int?
    /// `retrieval`; only `lexical` exists.
    public var retrieval: String?
    /// `answerer`: `extractive` (the default) or `model`.
    public var answerer: String?
    /// `memory`, sent as `include_memory`.
    public var memory: Bool?

    public init(topK: Int? = nil, retrieval: String? = nil, answerer: String? = nil, memory: Bool? = nil) {
        self.topK = topK
        self.retrieval = retrieval
        self.answerer = answerer
        self.memory = memory
    }

    /// Whether no option is set.
    public var isEmpty: Bool { self == TranscriptOptions() }

    /// These options with `other`'s set values taking precedence.
    public func merged(with other: TranscriptOptions) -> TranscriptOptions {
        TranscriptOptions(
            topK: other.topK ?? topK,
            retrieval: other.retrieval ?? retrieval,
            answerer: other.answerer ?? answerer,
            memory: other.memory ?? memory
        )
    }

    /// The `k=v` words, in the directive's canonical order.
    public var words: [String] {
        var words: [String] = []
        if let topK { words.append("top_k=\(topK)") }
        if let retrieval { words.append("retrieval=\(retrieval)") }
        if let answerer { words.append("answerer=\(answerer)") }
        if let memory { words.append("memory=\(memory ? "on" : "off")") }
        return words
    }

    /// Parses `k=v` words.
    ///
    /// - Throws: a message for an unknown key or a value out of range.
    public static func parse(_ text: String) throws(TranscriptOptionError) -> TranscriptOptions {
        var options = TranscriptOptions()
        let words = text.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { throw TranscriptOptionError("@ options needs k=v pairs") }
        for word in words {
            guard let equals = word.firstIndex(of: "=") else {
                throw TranscriptOptionError("option '\(word)' is not k=v")
            }
            try options.set(String(word[..<equals]), String(word[word.index(after: equals)...]))
        }
        return options
    }

    /// Sets one option from its key and value.
    ///
    /// - Throws: a message for an unknown key or a value out of range.
    public mutating func set(_ key: String, _ value: String) throws(TranscriptOptionError) {
        switch key {
        case "top_k":
            guard let number = Int(value), (1...20).contains(number) else {
                throw TranscriptOptionError("top_k must be a whole number from 1 to 20, not '\(value)'")
            }
            topK = number
        case "retrieval":
            guard !value.isEmpty else { throw TranscriptOptionError("retrieval needs a value (lexical)") }
            retrieval = value
        case "answerer":
            guard ["extractive", "model"].contains(value) else {
                throw TranscriptOptionError("answerer must be extractive or model, not '\(value)'")
            }
            answerer = value
        case "memory":
            guard ["on", "off"].contains(value) else {
                throw TranscriptOptionError("memory must be on or off, not '\(value)'")
            }
            memory = value == "on"
        default:
            throw TranscriptOptionError(
                "unknown option '\(key)' (known: top_k, retrieval, answerer, memory)"
            )
        }
    }
}

/// Why an option word was refused.
public struct TranscriptOptionError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The `@ user` of a transcript (transcripts.md section 7).
public enum TranscriptRole: String, Sendable, Equatable, CaseIterable {
    case anonymous
    case user
    case admin
}

/// A custom placeholder, `@ redact: [NAME] = REGEX`.
public struct TranscriptRedaction: Sendable, Equatable {
    /// The upper-case name, without brackets.
    public var name: String
    /// The ICU regular expression it stands for.
    public var pattern: String

    public init(name: String, pattern: String) {
        self.name = name
        self.pattern = pattern
    }
}

/// One path of an `@ corpus` directive, with the line it came from.
public struct TranscriptCorpusPath: Sendable, Equatable {
    public var path: String
    public var line: Int

    public init(path: String, line: Int) {
        self.path = path
        self.line = line
    }
}

/// `@ timeout` values: a number plus `ms`, `s`, `m`/`min` or `h`.
enum TranscriptDuration {
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let value = Double(digits), value > 0 else { return nil }
        let seconds: Double
        switch unit {
        case "ms": seconds = value / 1000
        case "s", "": seconds = value
        case "m", "min": seconds = value * 60
        case "h": seconds = value * 3600
        default: return nil
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
