import ChatAPI
import Foundation
import Session

/// How one check came out.
public struct TranscriptCheckResult: Sendable, Equatable {
    /// Passed, failed or skipped (tier 2 without a judge).
    public enum Status: String, Sendable, Equatable {
        case passed
        case failed
        case skipped
    }

    public var check: TranscriptCheck
    public var status: Status
    /// Why it failed or was skipped.
    public var message: String?
    /// The measured value of `wer` (and of tier 2 checks, once judged).
    public var score: Double?

    public init(check: TranscriptCheck, status: Status, message: String? = nil, score: Double? = nil) {
        self.check = check
        self.status = status
        self.message = message
        self.score = score
    }
}

/// Decides the checks of section 5 against one turn's output.
enum CheckEvaluator {
    /// The reason tier 2 checks are skipped.
    static let noJudge = "no judge configured"

    /// A positive outcome with the words for both ways, so `not-` can reuse them.
    private struct Outcome {
        var passed: Bool
        /// Said when the check fails.
        var failure: String
        /// Said when a `not-` check fails because the positive one passed.
        var success: String
        var score: Double?

        /// A length check (`max-words`, `max-chars`): the answer's `count` of `unit` against the check's limit.
        static func atMost(_ count: Int, _ unit: String, _ check: TranscriptCheck) -> Outcome {
            let limit = Int(check.parameter ?? 0)
            return Outcome(
                passed: count <= limit,
                failure: "the answer has \(count) \(unit), more than \(limit)",
                success: "the answer has \(count) \(unit), at most \(limit)"
            )
        }
    }

    /// Evaluates one check.
    static func evaluate(_ check: TranscriptCheck, output: TranscriptTurnOutput) -> TranscriptCheckResult {
        if check.tier == 2 {
            return TranscriptCheckResult(check: check, status: .skipped, message: noJudge)
        }
        let answer = output.answer
        if check.kind.needsAnswer, answer == nil {
            return TranscriptCheckResult(check: check, status: .failed, message: "the turn has no answer")
        }
        let outcome = self.outcome(check, output: output)
        let passed = outcome.passed != check.negated
        return TranscriptCheckResult(
            check: check,
            status: passed ? .passed : .failed,
            message: passed ? nil : (check.negated ? outcome.success : outcome.failure),
            score: outcome.score
        )
    }

    /// The text checks read: the answer with its `[n]` markers, else the client output joined with LF.
    static func subject(of output: TranscriptTurnOutput) -> (text: String, noun: String) {
        if let answer = output.answer { return (answer.answer, "the answer") }
        return (output.clientLines.joined(separator: "\n"), "the output")
    }

    private static func outcome(_ check: TranscriptCheck, output: TranscriptTurnOutput) -> Outcome {
        let (text, noun) = subject(of: output)
        switch check.kind {
        case .contains, .icontains:
            let found = contains(text, check.value, fold: check.kind.caseInsensitive)
            return Outcome(
                passed: found,
                failure: "\(quoted(check.value)) is not in \(noun)",
                success: "\(quoted(check.value)) is in \(noun)"
            )
        case .containsAny, .icontainsAny:
            let items = check.textList
            let found = items.filter { contains(text, $0, fold: check.kind.caseInsensitive) }
            return Outcome(
                passed: !found.isEmpty,
                failure: "none of \(items.map(quoted).joined(separator: ", ")) is in \(noun)",
                success: "\(found.map(quoted).joined(separator: ", ")) \(found.count == 1 ? "is" : "are") in \(noun)"
            )
        case .containsAll, .icontainsAll:
            let items = check.textList
            let missing = items.filter { !contains(text, $0, fold: check.kind.caseInsensitive) }
            return Outcome(
                passed: missing.isEmpty,
                failure:
                    "\(missing.map(quoted).joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not in \(noun)",
                success: "all of \(items.map(quoted).joined(separator: ", ")) are in \(noun)"
            )
        case .regex:
            let found = regexMatches(check.value, in: text)
            return Outcome(
                passed: found,
                failure: "\(quoted(check.value)) does not match \(noun)",
                success: "\(quoted(check.value)) matches \(noun)"
            )
        case .cites, .citesAll, .citesOnly, .citesNone, .retrieves:
            return citationOutcome(check, answer: output.answer)
        case .finish:
            let reason = output.answer?.finishReason?.rawValue
            return Outcome(
                passed: reason == check.value,
                failure: reason.map { "finished \($0), not \(check.value)" } ?? "the answer has no finish reason",
                success: "finished \(check.value)"
            )
        case .error:
            let codes = output.failures.map(\.code.rawValue)
            let failure =
                codes.isEmpty
                ? "the turn ended without an error"
                : "the turn ended with \(codes.joined(separator: ", ")), not \(check.value)"
            return Outcome(
                passed: codes.contains(check.value),
                failure: failure,
                success: "the turn ended with \(check.value)"
            )
        case .maxWords:
            return .atMost(TranscriptText.scoringWords(output.answer?.answer ?? "").count, "words", check)
        case .maxChars:
            return .atMost(TranscriptText.collapse(output.answer?.answer ?? "").count, "characters", check)
        case .wer:
            let rate = TranscriptText.wordErrorRate(hypothesis: text, reference: check.value)
            let limit = check.parameter ?? 0
            return Outcome(
                passed: rate <= limit + 1e-9,
                failure: "word error rate \(format(rate)) is above \(format(limit))",
                success: "word error rate \(format(rate)) is at most \(format(limit))",
                score: rate
            )
        case .judge, .faithful:
            return Outcome(passed: false, failure: noJudge, success: noJudge)
        }
    }

    // MARK: - Citations

    private static func citationOutcome(_ check: TranscriptCheck, answer: Turn?) -> Outcome {
        guard let answer else { return Outcome(passed: false, failure: "the turn has no answer", success: "") }
        let cited = citedSources(of: answer)
        let citedNames = unique(cited.map(displayName))
        let listed = check.documentList
        let citedText = citedNames.isEmpty ? "nothing" : citedNames.joined(separator: ", ")
        func isCited(_ name: String) -> Bool { cited.contains { matches(name, $0) } }
        switch check.kind {
        case .cites:
            let found = listed.filter(isCited)
            return Outcome(
                passed: !found.isEmpty,
                failure: cited.isEmpty
                    ? "cites nothing" : "cites \(citedText), none of \(listed.joined(separator: ", "))",
                success: "cites \(found.joined(separator: ", "))"
            )
        case .citesAll:
            let missing = listed.filter { !isCited($0) }
            return Outcome(
                passed: missing.isEmpty,
                failure: "does not cite \(missing.joined(separator: ", ")) (cites \(citedText))",
                success: "cites all of \(listed.joined(separator: ", "))"
            )
        case .citesOnly:
            let outside = unique(cited.filter { source in !listed.contains { matches($0, source) } }.map(displayName))
            return Outcome(
                passed: !cited.isEmpty && outside.isEmpty,
                failure: cited.isEmpty ? "cites nothing" : "cites \(outside.joined(separator: ", ")), not listed",
                success: "cites only \(citedText)"
            )
        case .citesNone:
            return Outcome(passed: cited.isEmpty, failure: "cites \(citedText)", success: "cites nothing")
        default:
            let missing = listed.filter { name in !answer.sources.contains { matches(name, $0) } }
            let retrieved = unique(answer.sources.map(displayName))
            return Outcome(
                passed: missing.isEmpty,
                failure: "does not retrieve \(missing.joined(separator: ", "))"
                    + (retrieved.isEmpty ? " (retrieved nothing)" : ""),
                success: "retrieves \(listed.joined(separator: ", "))"
            )
        }
    }

    /// Sources an `[n]` marker of the answer refers to.
    static func citedSources(of answer: Turn) -> [Source] {
        let numbers = Set(CitationMarker.numbers(in: answer.answer))
        return answer.sources.filter { numbers.contains($0.n) }
    }

    /// Markers of the answer that name no listed source.
    static func unresolvedMarkers(of answer: Turn) -> [Int] {
        let known = Set(answer.sources.map(\.n))
        var seen: Set<Int> = []
        return CitationMarker.numbers(in: answer.answer).filter { !known.contains($0) && seen.insert($0).inserted }
    }

    /// How checks name a source: its file name, `memory:personal` or `memory:shared`.
    static func displayName(_ source: Source) -> String {
        switch source.kind {
        case .document: source.filename ?? source.title
        case .personalMemory: "memory:personal"
        case .sharedMemory: "memory:shared"
        }
    }

    /// Whether a document name of a check (`travel-policy.pdf`, `travel-policy.pdf#p2`, `memory:shared`) names
    /// the source.
    static func matches(_ name: String, _ source: Source) -> Bool {
        switch name {
        case "memory:personal": return source.kind == .personalMemory
        case "memory:shared": return source.kind == .sharedMemory
        default: break
        }
        guard source.kind == .document else { return false }
        var file = name
        var page: Int?
        if let hash = name.range(of: "#p", options: .backwards), let number = Int(name[hash.upperBound...]) {
            file = String(name[..<hash.lowerBound])
            page = number
        }
        guard (source.filename ?? source.title) == file else { return false }
        return page == nil || source.page == page
    }

    // MARK: - Text

    private static func contains(_ text: String, _ needle: String, fold: Bool) -> Bool {
        var haystack = TranscriptText.collapse(text)
        var needle = TranscriptText.collapse(needle)
        if fold {
            haystack = TranscriptText.fold(haystack)
            needle = TranscriptText.fold(needle)
        }
        return haystack.range(of: needle) != nil
    }

    /// Searches unanchored with line breaks kept and other whitespace collapsed.
    private static func regexMatches(_ pattern: String, in text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        let prepared = text.precomposedStringWithCanonicalMapping
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .joined(separator: "\n")
        return regex.firstMatch(in: prepared, range: NSRange(prepared.startIndex..., in: prepared)) != nil
    }

    private static func quoted(_ text: String) -> String { "\"\(text)\"" }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
