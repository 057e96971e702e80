import Foundation

/// One `? [not-]TYPE[(PARAM)][: VALUE]` line (transcripts.md section 5).
public struct TranscriptCheck: Sendable, Equatable {
    /// The check types.
    public enum Kind: String, Sendable, CaseIterable {
        case contains
        case icontains
        case containsAny = "contains-any"
        case containsAll = "contains-all"
        case icontainsAny = "icontains-any"
        case icontainsAll = "icontains-all"
        case regex
        case cites
        case citesAll = "cites-all"
        case citesOnly = "cites-only"
        case citesNone = "cites-none"
        case retrieves
        case finish
        case error
        case maxWords = "max-words"
        case maxChars = "max-chars"
        case wer
        case judge
        case faithful

        /// 0: decided here; 1: measured (`wer`); 2: needs a judge model.
        public var tier: Int {
            switch self {
            case .wer: 1
            case .judge, .faithful: 2
            default: 0
            }
        }

        /// Text checks read the answer, or the client output of a turn without one.
        var isText: Bool {
            switch self {
            case .contains, .icontains, .containsAny, .containsAll, .icontainsAny, .icontainsAll, .regex, .wer: true
            default: false
            }
        }

        /// Checks that fail on a turn without an answer, negated or not.
        var needsAnswer: Bool {
            switch self {
            case .cites, .citesAll, .citesOnly, .citesNone, .retrieves, .finish, .maxWords, .maxChars, .judge,
                .faithful:
                true
            default: false
            }
        }

        var caseInsensitive: Bool {
            self == .icontains || self == .icontainsAny || self == .icontainsAll
        }
    }

    /// The finish reasons a `finish` check may name.
    public static let finishReasons = ["stop", "length", "cancelled", "no_context"]

    public var kind: Kind
    public var negated: Bool
    /// `N` of `max-words(N)`, `T` of `wer(T)`, `judge(T)` and `faithful(T)`.
    public var parameter: Double?
    /// The text after `: `, or empty.
    public var value: String
    /// The line number in the transcript.
    public var line: Int
    /// The check as written, without `? `.
    public var text: String

    public init(
        kind: Kind,
        negated: Bool = false,
        parameter: Double? = nil,
        value: String = "",
        line: Int,
        text: String
    ) {
        self.kind = kind
        self.negated = negated
        self.parameter = parameter
        self.value = value
        self.line = line
        self.text = text
    }

    /// The tier of this check.
    public var tier: Int { kind.tier }

    /// `not-cites` and so on: the name as written.
    public var name: String { (negated ? "not-" : "") + kind.rawValue }

    /// Text lists, separated by ` | `.
    var textList: [String] { value.components(separatedBy: " | ").filter { !$0.isEmpty } }

    /// Document lists, separated by `, `.
    var documentList: [String] {
        value.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Parses the content of a `?` line.
    ///
    /// - Throws: a message naming what is wrong.
    public static func parse(_ content: String, line: Int) throws(TranscriptOptionError) -> TranscriptCheck {
        var head = Substring(content)
        var value = ""
        if let colon = content.firstIndex(of: ":") {
            head = content[..<colon]
            value = String(content[content.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
        }
        head = Substring(head.trimmingCharacters(in: .whitespaces))
        var negated = false
        if head.hasPrefix("not-") {
            negated = true
            head = head.dropFirst(4)
        }
        var parameterText: String?
        if let open = head.firstIndex(of: "(") {
            guard head.hasSuffix(")") else { throw TranscriptOptionError("check '\(content)' has an unclosed '('") }
            parameterText = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
            head = head[..<open]
        }
        guard let kind = Kind(rawValue: String(head)) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw TranscriptOptionError("unknown check '\(head)' (known: \(known))")
        }
        var check = TranscriptCheck(kind: kind, negated: negated, value: value, line: line, text: content)
        try check.validate(parameterText: parameterText)
        return check
    }

    private mutating func validate(parameterText: String?) throws(TranscriptOptionError) {
        let name = kind.rawValue
        switch kind {
        case .maxWords, .maxChars:
            guard let parameterText, let number = Int(parameterText), number >= 0 else {
                throw TranscriptOptionError("\(name) needs a whole number, as in \(name)(50)")
            }
            parameter = Double(number)
        case .wer, .judge:
            guard let parameterText, let number = Double(parameterText), number >= 0 else {
                throw TranscriptOptionError("\(name) needs a threshold, as in \(name)(0.4)")
            }
            parameter = number
        case .faithful:
            if let parameterText {
                guard let number = Double(parameterText), (0...1).contains(number) else {
                    throw TranscriptOptionError("faithful takes a threshold from 0 to 1, as in faithful(0.8)")
                }
                parameter = number
            } else {
                parameter = 1
            }
        default:
            if parameterText != nil { throw TranscriptOptionError("\(name) takes no parameter") }
        }
        let hasValue = !value.trimmingCharacters(in: .whitespaces).isEmpty
        switch kind {
        case .citesNone, .maxWords, .maxChars, .faithful:
            if hasValue { throw TranscriptOptionError("\(name) takes no value") }
        default:
            if !hasValue { throw TranscriptOptionError("\(name) needs a value after ': '") }
        }
        switch kind {
        case .regex:
            do {
                _ = try NSRegularExpression(pattern: value)
            } catch {
                throw TranscriptOptionError("invalid regex '\(value)'")
            }
        case .finish:
            guard Self.finishReasons.contains(value) else {
                throw TranscriptOptionError(
                    "finish must be one of \(Self.finishReasons.joined(separator: ", ")), not '\(value)'"
                )
            }
        case .error:
            guard value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
                throw TranscriptOptionError("error needs an error code such as document_not_found, not '\(value)'")
            }
        default:
            break
        }
    }
}
