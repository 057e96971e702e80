import ChatAPI
public import ChatClient
public import Foundation
import Session

/// Runs a question file in the format of `samples/northwind/questions.jsonl` and measures retrieval, key
/// phrases, citations, abstention and latency per kind of question.
public struct EvalRunner: Sendable {
    /// One line of the question file.
    public struct Question: Codable, Sendable {
        public var id: String
        public var question: String
        public var expectedDoc: String?
        public var keyPhrases: [String]
        public var kind: String
        public var follows: String?
        public var setup: [String]?
        /// `dev` (looked at while tuning) or `test` (only run); decided per question before any tuning.
        public var split: String?
    }

    /// The measurements of one question.
    public struct Outcome: Codable, Sendable {
        public var id: String
        public var kind: String
        public var split: String?
        public var answer: String
        public var finishReason: String?
        public var retrievedDocs: [String]
        public var citedDocs: [String]
        public var hitAt1: Bool?
        public var hitAt5: Bool?
        public var keyPhraseHit: Bool?
        /// Every key phrase in the answer text itself (not only in a cited passage).
        public var answerPhraseHit: Bool?
        public var expectedCited: Bool?
        /// Right: an answerable question with every key phrase in the answer text and the expected document
        /// cited (or, without an expected document, phrases alone); an unanswerable one abstained.
        public var right: Bool?
        public var abstained: Bool
        public var latencyMs: Double
        public var skipped: Bool
        public var error: String?
    }

    /// Aggregates per kind (and `all`).
    public struct Summary: Codable, Sendable {
        /// `dev`, `test` or `all`.
        public var split: String
        public var kind: String
        public var questions: Int
        public var hitAt1: Double?
        public var hitAt5: Double?
        public var keyPhraseHit: Double?
        public var answerPhraseHit: Double?
        public var expectedCited: Double?
        public var right: Double?
        public var abstained: Double?
        public var latencyP50Ms: Double
        public var latencyP95Ms: Double
    }

    let backend: any Backend

    public init(backend: any Backend) {
        self.backend = backend
    }

    /// Reads a question file.
    public static func load(_ url: URL) throws -> [Question] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { try APIJSON.decode(Question.self, from: Data($0.utf8)) }
    }

    /// Asks every question in file order; a follow-up continues the conversation of the question it follows,
    /// memory questions first send their `setup` messages as `/remember`.
    public func run(_ questions: [Question]) async -> [Outcome] {
        var conversations: [String: String] = [:]
        var outcomes: [Outcome] = []
        for question in questions {
            for message in question.setup ?? [] {
                _ = try? await backend.remember(message)
            }
            let conversationId = question.follows.flatMap { conversations[$0] }
            let started = ContinuousClock.now
            do {
                let stream = try await backend.ask(
                    QueryRequest(query: question.question, conversationId: conversationId)
                )
                let collected = await AnswerCollector().collect(stream, input: question.question)
                let elapsed = ContinuousClock.now - started
                conversations[question.id] = collected.turn.conversationId
                outcomes.append(Self.measure(question, turn: collected.turn, latency: elapsed))
            } catch {
                outcomes.append(
                    Outcome(
                        id: question.id,
                        kind: question.kind,
                        split: question.split,
                        answer: "",
                        finishReason: nil,
                        retrievedDocs: [],
                        citedDocs: [],
                        abstained: false,
                        latencyMs: 0,
                        skipped: false,
                        error: "\(error.localizedDescription)"
                    )
                )
            }
        }
        return outcomes
    }

    static func measure(_ question: Question, turn: Turn, latency: Duration) -> Outcome {
        let retrieved = turn.sources.compactMap { $0.kind == .document ? $0.filename : nil }
        let citedSources = turn.citedSources
        let cited = citedSources.compactMap { $0.kind == .document ? $0.filename : nil }
        let abstained = turn.finishReason == .noContext
        let haystack = normalize(([turn.answer] + citedSources.map(\.text)).joined(separator: "\n"))
        let phrasesHit =
            question.keyPhrases.isEmpty ? nil : question.keyPhrases.allSatisfy { haystack.contains(normalize($0)) }
        let answerText = normalize(turn.answer)
        let answerHit =
            question.keyPhrases.isEmpty ? nil : question.keyPhrases.allSatisfy { answerText.contains(normalize($0)) }
        let expected = question.expectedDoc
        let right: Bool? =
            if question.kind == "unanswerable" {
                abstained
            } else if let answerHit {
                answerHit && (expected.map { cited.contains($0) } ?? true)
            } else {
                nil
            }
        let milliseconds = Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15
        return Outcome(
            id: question.id,
            kind: question.kind,
            split: question.split,
            answer: turn.answer,
            finishReason: turn.finishReason?.rawValue,
            retrievedDocs: retrieved,
            citedDocs: Array(Set(cited)).sorted(),
            hitAt1: expected.map { retrieved.first == $0 },
            hitAt5: expected.map { retrieved.prefix(5).contains($0) },
            keyPhraseHit: phrasesHit,
            answerPhraseHit: answerHit,
            expectedCited: expected.map { cited.contains($0) },
            right: right,
            abstained: abstained,
            latencyMs: milliseconds,
            skipped: false,
            error: turn.errorMessage
        )
    }

    /// The corpus README's matching rule: NFC, lower case, whitespace runs collapsed to one space.
    static func normalize(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Per-kind aggregates, in a fixed kind order, then `all`: for the dev half, the test half (when the file
    /// splits its questions) and all questions.
    public static func summarize(_ outcomes: [Outcome]) -> [Summary] {
        var summaries: [Summary] = []
        for split in ["dev", "test"] {
            let half = outcomes.filter { $0.split == split }
            if !half.isEmpty { summaries += summarize(half, split: split) }
        }
        return summaries + summarize(outcomes, split: "all")
    }

    static func summarize(_ outcomes: [Outcome], split: String) -> [Summary] {
        let order = ["lookup", "paraphrase", "multi-hop", "follow-up", "unanswerable", "memory"]
        let kinds =
            order.filter { kind in outcomes.contains { $0.kind == kind } }
            + Set(outcomes.map(\.kind)).subtracting(order).sorted()
        return (kinds + ["all"]).map { kind in
            let group = outcomes.filter { (kind == "all" || $0.kind == kind) && !$0.skipped }
            func rate(_ values: [Bool?]) -> Double? {
                let known = values.compactMap { $0 }
                return known.isEmpty ? nil : Double(known.filter { $0 }.count) / Double(known.count)
            }
            let unanswerable = group.filter { $0.kind == "unanswerable" }
            let latencies = group.map(\.latencyMs).sorted()
            return Summary(
                split: split,
                kind: kind,
                questions: group.count,
                hitAt1: rate(group.map(\.hitAt1)),
                hitAt5: rate(group.map(\.hitAt5)),
                keyPhraseHit: rate(group.map(\.keyPhraseHit)),
                answerPhraseHit: rate(group.map(\.answerPhraseHit)),
                expectedCited: rate(group.map(\.expectedCited)),
                right: rate(group.map(\.right)),
                abstained: unanswerable.isEmpty ? nil : rate(unanswerable.map { $0.abstained }),
                latencyP50Ms: percentile(latencies, 0.5),
                latencyP95Ms: percentile(latencies, 0.95)
            )
        }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
        return sorted[index]
    }

    /// The human-readable tables, one per split.
    ///
    /// `phrases` counts key phrases in the answer or its cited passages
    /// (the corpus README's rule), `in ans` in the answer text alone; `right` is `in ans` with the expected
    /// document cited for answerable questions and abstention for unanswerable ones.
    public static func table(_ summaries: [Summary]) -> String {
        func pct(_ value: Double?) -> String {
            value.map { String(format: "%5.1f%%", $0 * 100) } ?? "     -"
        }
        var lines: [String] = []
        var split: String?
        for summary in summaries {
            if summary.split != split {
                if split != nil { lines.append("") }
                split = summary.split
                lines.append(summary.split == "all" ? "all questions" : "\(summary.split) half")
                lines.append(
                    "kind          n   hit@1   hit@5  phrases   in ans   cited   right  abstain   p50 ms   p95 ms"
                )
            }
            lines.append(
                summary.kind.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "%3d", summary.questions)
                    + "  " + pct(summary.hitAt1) + "  " + pct(summary.hitAt5) + "   " + pct(summary.keyPhraseHit)
                    + "   " + pct(summary.answerPhraseHit) + "  " + pct(summary.expectedCited) + "  "
                    + pct(summary.right) + "   " + pct(summary.abstained)
                    + String(format: " %8.1f %8.1f", summary.latencyP50Ms, summary.latencyP95Ms)
            )
        }
        return lines.joined(separator: "\n")
    }
}
