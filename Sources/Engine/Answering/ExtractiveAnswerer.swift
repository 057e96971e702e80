import ChatAPI
import Foundation

/// The offline, deterministic answerer: quotes the one to three source sentences that best answer the question,
/// each with its `[n]`, and abstains when the evidence is weak (architecture.md section 7).
public struct ExtractiveAnswerer: Answerer {
    public let model = "extractive"
    let tuning: RetrievalTuning
    /// A pause between words, so answers stream visibly in demos and interruption can be tried; none by default.
    let pace: Duration?

    public init(tuning: RetrievalTuning = RetrievalTuning(), pace: Duration? = nil) {
        self.tuning = tuning
        self.pace = pace
    }

    /// A sentence of a source, scored against the question.
    private struct Candidate {
        var sourceNumber: Int
        var position: Int
        var text: String
        var matched: Set<QueryTerm>
        /// Terms found in the sentence or in its document's title and heading.
        var covered: Set<QueryTerm>
        /// The source's title and heading.
        var context: String
        var coverage: Double
        var score: Double
    }

    public func answer(_ context: AnswerContext) async throws -> AnswerOutcome {
        guard let text = compose(context) else { return .abstain }
        return .stream(Self.words(of: text, pace: pace))
    }

    /// The answer text, or nil to abstain.
    func compose(_ context: AnswerContext) -> String? {
        let terms = QueryAnalyzer.terms(context.question)
        guard !terms.isEmpty, !context.sources.isEmpty else { return nil }

        // A distinctive identifier that no source mentions means the question is about something else.
        let sourceMatchers = context.sources.map { TermMatcher($0.title + "\n" + ($0.heading ?? "") + "\n" + $0.text) }
        for term in terms where term.isIdentifier {
            guard sourceMatchers.contains(where: { $0.contains(term) }) else { return nil }
        }

        var weights: [QueryTerm: Double] = [:]
        for term in terms {
            let factor = term.isIdentifier ? 2 : (QueryAnalyzer.isFrame(term) ? 0.25 : 1)
            weights[term] = context.inverseDocumentFrequency(term.text) * factor
        }
        let totalWeight = weights.values.reduce(0, +)
        guard totalWeight > 0 else { return nil }
        let own = Set(terms.map(\.text))
        let previousTerms = context.previousQuestion.map(QueryAnalyzer.terms)?.filter { !own.contains($0.text) } ?? []

        let topScore = max(context.sources.map(\.score).max() ?? 1, 0.001)
        var candidates: [Candidate] = []
        for source in context.sources {
            let contextMatcher = TermMatcher(source.title + "\n" + (source.heading ?? ""))
            let sentences = SentenceSplitter.split(source.text)
            for (position, sentence) in sentences.enumerated() {
                // A bare heading line states no fact.
                if let heading = source.heading, sentence == heading { continue }
                guard sentence.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                let matcher = TermMatcher(sentence)
                let matched = Set(terms.filter(matcher.contains))
                guard !matched.isEmpty else { continue }
                let fromContext = terms.filter { !matched.contains($0) && contextMatcher.contains($0) }
                let direct = terms.filter(matched.contains).reduce(0) { $0 + weights[$1, default: 0] }
                // An identifier in the title names the document's subject as surely as one in the sentence.
                let indirect = fromContext.reduce(0) { $0 + weights[$1, default: 0] * ($1.isIdentifier ? 1.25 : 1) }
                let previous = previousTerms.filter { matcher.contains($0) || contextMatcher.contains($0) }
                    .reduce(0) { $0 + context.inverseDocumentFrequency($1.text) }
                // The title and heading name the entity a table row or spec line is about ("Reach: 1,300 mm" in
                // the NR-X300 sheet), so they count nearly as much as the sentence itself.
                var score = direct + 0.8 * indirect + 0.3 * previous
                // Facts are mostly figures; among equals prefer the sentence that states one, then the better
                // ranked source.
                if sentence.contains(where: \.isNumber) { score += 0.05 * totalWeight }
                let earliness =
                    terms.filter(matched.contains).reduce(0) { $0 + matcher.earliness(of: $1) } / Double(matched.count)
                score += 0.03 * totalWeight * earliness
                score += 0.1 * totalWeight * max(0, source.score) / topScore
                candidates.append(
                    Candidate(
                        sourceNumber: source.n,
                        position: position,
                        text: sentence,
                        matched: matched,
                        covered: matched.union(fromContext),
                        context: source.title + "\n" + (source.heading ?? ""),
                        coverage: (direct + fromContext.reduce(0) { $0 + weights[$1, default: 0] }) / totalWeight,
                        score: score
                    )
                )
            }
        }

        let ranked = candidates.sorted {
            $0.score != $1.score ? $0.score > $1.score : ($0.sourceNumber, $0.position) < ($1.sourceNumber, $1.position)
        }
        guard let best = ranked.first else { return nil }

        // Further sentences must answer a part of the question the earlier picks leave open (multi-part and
        // multi-hop questions), not repeat the same terms: a new term in the sentence itself, or a new identifier
        // that its document's title supplies ("List price: USD 31,500" in the NR-X200 sheet).
        var picks = [best]
        var covered = best.covered
        for candidate in ranked.dropFirst() where picks.count < tuning.maxAnswerSentences {
            guard candidate.score >= 0.5 * best.score, !picks.contains(where: { $0.text == candidate.text }) else {
                continue
            }
            let added = candidate.covered.subtracting(covered)
            let gain = terms.filter(added.contains).reduce(0) { $0 + weights[$1, default: 0] }
            let addsSomething = added.contains { candidate.matched.contains($0) || $0.isIdentifier }
            guard gain >= 0.15 * totalWeight, addsSomething else { continue }
            picks.append(candidate)
            covered.formUnion(candidate.covered)
        }

        // Abstain unless the chosen sentences, with their titles and headings, cover enough of the question. A
        // follow-up ("How old does the arm have to be?") also gets credit for staying on the previous question's
        // topic, at half weight.
        // Summed in question order: Set order varies per process and floating-point sums would flip near-ties.
        let coveredWeight = terms.filter(covered.contains).reduce(0) { $0 + weights[$1, default: 0] }
        var coverage = coveredWeight / totalWeight
        if !previousTerms.isEmpty {
            let matchers = picks.map { TermMatcher($0.text + "\n" + $0.context) }
            var previousTotal = 0.0
            var previousCovered = 0.0
            for term in previousTerms {
                let weight =
                    0.5 * context.inverseDocumentFrequency(term.text) * (QueryAnalyzer.isFrame(term) ? 0.25 : 1)
                previousTotal += weight
                if matchers.contains(where: { $0.contains(term) }) { previousCovered += weight }
            }
            coverage = max(coverage, (coveredWeight + previousCovered) / (totalWeight + previousTotal))
        }
        guard coverage >= tuning.minimumCoverage else { return nil }
        picks.sort { ($0.sourceNumber, $0.position) < ($1.sourceNumber, $1.position) }
        return picks.map { Self.cite($0.text, n: $0.sourceNumber) }.joined(separator: " ")
    }

    /// Puts the marker before the sentence's final punctuation, or adds it with a full stop.
    static func cite(_ sentence: String, n: Int) -> String {
        var body = sentence
        var end = "."
        if let last = body.last, ".!?".contains(last) {
            end = String(last)
            body.removeLast()
        } else if let last = body.last, ";:,".contains(last) {
            body.removeLast()
        }
        return body + " [\(n)]" + end
    }

    /// Streams text word by word, each word with its following space, so a marker never splits.
    static func words(of text: String, pace: Duration? = nil) -> AsyncThrowingStream<AnswerFragment, any Error> {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == " " {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        let tokens = pieces
        let words = text.split(separator: " ").count
        guard let pace else {
            return AsyncThrowingStream { continuation in
                for token in tokens { continuation.yield(.text(token)) }
                continuation.yield(.usage(Usage(promptTokens: 0, completionTokens: words)))
                continuation.finish()
            }
        }
        return AsyncThrowingStream { continuation in
            let task = Task {
                for token in tokens {
                    continuation.yield(.text(token))
                    do { try await Task.sleep(for: pace) } catch { break }
                }
                continuation.yield(.usage(Usage(promptTokens: 0, completionTokens: words)))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
