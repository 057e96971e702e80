import ChatAPI
import Foundation

/// The offline, deterministic answerer: quotes the one to three source sentences that best answer the question,
/// each with its `[n]`, and abstains when the evidence is weak (architecture.md section 7).
public struct ExtractiveAnswerer: Answerer {
    public let model = "extractive"
    let tuning: RetrievalTuning
    /// A pause between words, so answers stream visibly in demos and interruption can be tried; none by default.
    let pace: Duration?

    /// Sentences and matchers of the passages seen so far, shared by every answer of this answerer.
    let analyses = PassageAnalysis.Cache()

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
        /// Covered terms found only through a translation, which count for less.
        var translated: Set<QueryTerm>
        /// The source's title and heading.
        var context: String
        /// An enclosing section that names question terms the sentence lacks ("Studio 5.2.0 - released …" for
        /// "Which release introduced …"): quoted with the sentence.
        var section: String?
        var coverage: Double
        var score: Double
        /// The sentence before, quoted first because this one refers back to it ("It costs $1,450 per seat.").
        var leadIn: String?
    }

    public func answer(_ context: AnswerContext) async throws -> AnswerOutcome {
        if let pieces = compose(context) { return .stream(Self.fragments(of: pieces, pace: pace)) }
        if let meaning = context.meaning, let pieces = await composeByMeaning(context, meaning) {
            return .stream(Self.fragments(of: pieces, pace: pace))
        }
        return .abstain
    }

    /// A part of an answer: text quoted from a source, or text the engine writes (markers, joining words).
    enum Piece: Sendable, Hashable {
        case quote(String)
        case engine(String)
    }

    /// The answer's pieces, or nil to abstain.
    func compose(_ context: AnswerContext) -> [Piece]? {
        let terms = QueryAnalyzer.terms(context.question)
        guard !terms.isEmpty, !context.sources.isEmpty else { return nil }
        // Each frequency is a query on the index, and the same terms are weighed for every sentence: ask once.
        var frequencies: [String: Double] = [:]
        func idf(_ text: String) -> Double {
            if let known = frequencies[text] { return known }
            let value = context.inverseDocumentFrequency(text)
            frequencies[text] = value
            return value
        }

        // A distinctive identifier that no source mentions means the question is about something else.
        let analysed = context.sources.map { analyses.analysis(of: $0, sectionPath: context.sectionPaths[$0.n]) }
        guard !context.asksAboutSomethingElse(matchers: analysed.map(\.whole)) else { return nil }

        var weights: [QueryTerm: Double] = [:]
        for term in terms {
            let factor = term.isIdentifier ? 2 : (QueryAnalyzer.isFrame(term) ? 0.25 : 1)
            weights[term] = idf(term.text) * factor
        }
        // Summed in question order, as every weight sum here: Dictionary order varies per process, and
        // floating-point sums in another order can flip near-ties.
        let totalWeight = terms.reduce(0) { $0 + weights[$1, default: 0] }
        guard totalWeight > 0 else { return nil }
        let own = Set(terms.map(\.text))
        let previousTerms = context.previousQuestion.map(QueryAnalyzer.terms)?.filter { !own.contains($0.text) } ?? []

        // What the user told us about themselves qualifies a question about them ("my site" after "I work at the
        // Leipzig site"): sentences that also match the memories' terms, or whose title does, rank higher.
        let aboutUser = QueryAnalyzer.isFirstPerson(context.question)
        let personalMemories = context.sources.filter { $0.kind == .personalMemory }
        let memoryTerms =
            aboutUser
            ? Self.distinct(personalMemories.flatMap { QueryAnalyzer.terms($0.text) }).filter {
                !own.contains($0.text) && !QueryAnalyzer.isFrame($0)
            } : []

        // An amount in the question ("a claim of $900") picks the rule whose stated range holds it.
        let asked = QuantityRange.quantities(in: context.question).first?.quantity
        let askedTerm = asked.flatMap { asked in
            terms.first { Double($0.text.replacingOccurrences(of: ",", with: "")) == asked.value }
        }

        let shape = AnswerShape.of(context.question)
        let asksForDefinition = Self.asksForDefinition(context.question, shape: shape)
        let listHead = AnswerShape.listHead(of: context.question).flatMap { head in terms.first { $0.text == head } }
        let topScore = max(context.sources.map(\.score).max() ?? 1, 0.001)
        var candidates: [Candidate] = []
        for (source, analysis) in zip(context.sources, analysed) {
            let contextMatcher = analysis.context
            // The page about what is asked ("STRICT Tables" for a question about STRICT tables) states it where
            // others mention it in passing: the question's terms its title names count once more, lightly.
            let titleMatcher = TermMatcher(source.title)
            let subject = terms.filter { !QueryAnalyzer.isFrame($0) && titleMatcher.contains($0) }
                .reduce(0) { $0 + weights[$1, default: 0] }
            for (position, analysedSentence) in analysis.sentences.enumerated() {
                let sentence = analysedSentence.text
                // A bare heading line states no fact.
                if let heading = source.heading, sentence == heading { continue }
                guard sentence.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                let matcher = analysedSentence.matcher
                let own = Set(terms.filter(matcher.contains))
                // A sentence that opens by referring back ("It costs …", "Instead, …") is about what the sentence
                // before it names: it answers with that sentence's terms too, and is quoted after it.
                let previousSentence = position > 0 ? analysis.sentences[position - 1] : nil
                let inherited: Set<QueryTerm> =
                    if let previousSentence, Self.refersBack(analysedSentence.words) {
                        Set(terms.filter { !own.contains($0) && previousSentence.matcher.contains($0) })
                    } else {
                        []
                    }
                let matched = own.union(inherited)
                guard !own.isEmpty else { continue }
                let fromContext = terms.filter { !matched.contains($0) && contextMatcher.contains($0) }
                // The sentences beside it in its paragraph say what it is about ("When a new database is created,
                // …. For many years, the default page size … increased to 4096."): their terms count for it at
                // `neighbourFactor`, so the sentence stating the fact is not outranked by the one repeating the
                // question's words. They never count towards coverage: they are not quoted.
                let neighbours = [position - 1, position + 1].filter {
                    analysis.sentences.indices.contains($0) && analysis.sentences[$0].line == analysedSentence.line
                }.map { analysis.sentences[$0].matcher }
                let besideIt = terms.filter { term in
                    !matched.contains(term) && !fromContext.contains(term) && neighbours.contains { $0.contains(term) }
                }
                let translated = Set(
                    terms.filter {
                        (matched.contains($0) || fromContext.contains($0)) && !matcher.containsNatively($0)
                            && !contextMatcher.containsNatively($0)
                    }
                )
                // A glossary translation is a weaker match than the word itself ("guest" / "Gäste").
                func weight(_ term: QueryTerm) -> Double {
                    weights[term, default: 0] * (translated.contains(term) ? Self.translationFactor : 1)
                }
                let direct =
                    terms.filter(own.contains).reduce(0) { $0 + weight($1) }
                    + terms.filter(inherited.contains).reduce(0) { $0 + Self.inheritedFactor * weight($1) }
                // An identifier in the title names the document's subject as surely as one in the sentence.
                let indirect = fromContext.reduce(0) { $0 + weight($1) * ($1.isIdentifier ? 1.25 : 1) }
                let previous = previousTerms.filter { matcher.contains($0) || contextMatcher.contains($0) }
                    .reduce(0) { $0 + idf($1.text) }
                // The title and heading name the entity a table row or spec line is about ("Reach: 1,300 mm" in
                // the NR-X300 sheet), so they count nearly as much as the sentence itself.
                let remembered =
                    source.kind == .document
                    ? memoryTerms.filter { matcher.contains($0) || contextMatcher.contains($0) }
                        .reduce(0) { $0 + idf($1.text) } : 0
                let nearby = besideIt.reduce(0) { $0 + weight($1) }
                var score = direct + 0.8 * indirect + Self.neighbourFactor * nearby + 0.3 * previous + 0.3 * remembered
                // Only the user can have said who *their* manager is: a personal memory that matches a question
                // about the user outranks a document that speaks of managers in general.
                if aboutUser && source.kind == .personalMemory { score += 0.2 * totalWeight }
                // Facts are mostly figures; among equals prefer the sentence that states one, then the better
                // ranked source.
                // A question after a value (a default, a limit, a size, a date) wants the sentence that states one,
                // not the one that only repeats its words.
                if sentence.contains(where: \.isNumber) { score += 0.05 * totalWeight }
                if shape == .value, Self.statesFigure(analysedSentence.words) {
                    score += Self.valueStatementBonus * totalWeight
                }
                // A question after several things wants the sentence that announces them ("has one of the
                // following storage classes:"), which is quoted with the lines that list them.
                // A question after a way to do something wants the line that introduces the steps or the command
                // ("Use this command line:"), quoted with what follows it.
                // A list is announced with the noun it lists ("one of the following storage classes:"); "This
                // specification proposes:" announces something else than the desktops asked for.
                if shape == .procedure || shape == .list && listHead.map({ matcher.contains($0) }) != false,
                    Self.announces(sentence)
                {
                    score += Self.listAnnouncementBonus * totalWeight
                }
                // "What does BZ_CONFIG_ERROR mean?" wants the entry of a definition or option list: the term on a
                // line of its own, quoted with the description on the line after it.
                if asksForDefinition, position + 1 < analysis.sentences.count,
                    analysis.sentences[position + 1].line == analysedSentence.line + 1,
                    position == 0 || analysis.sentences[position - 1].line != analysedSentence.line,
                    Self.namesAskedTerm(sentence, question: terms)
                {
                    score += Self.definitionBonus * totalWeight
                }
                // A question in the text (an FAQ entry, a heading) repeats what is asked and states nothing.
                if sentence.hasSuffix("?") { score -= Self.questionSentencePenalty * totalWeight }
                // The start of a sentence or table row names what it is about ("City category: High-cost cities;
                // …"), so an early mention is a better match than one in passing ("… not listed as high-cost").
                let ownTerms = terms.filter(own.contains)
                let positions = ownTerms.map(matcher.positions)
                let words = Double(max(1, matcher.wordCount))
                let earliness =
                    positions.reduce(0) { $0 + (1 - Double($1.first ?? matcher.wordCount) / words) } / Double(own.count)
                score += 0.03 * totalWeight * earliness
                score += Self.adjacencyFactor * Self.adjacentWeight(ownTerms, positions: positions, weight: weight)
                score += 0.1 * totalWeight * max(0, source.score) / topScore
                if source.kind == .document { score += Self.subjectFactor * subject }
                var covered = matched.union(fromContext)
                if let asked, let range = QuantityRange.stated(in: sentence, unit: asked.unit) {
                    let holds = range.contains(asked.value)
                    score += (holds ? 0.3 : -0.15) * totalWeight
                    // A range that holds the amount answers for it, though the figure itself is not written there.
                    if holds, let amount = askedTerm { covered.insert(amount) }
                }
                candidates.append(
                    Candidate(
                        sourceNumber: source.n,
                        position: position,
                        text: sentence,
                        matched: matched,
                        covered: covered,
                        translated: translated,
                        context: source.title + "\n" + (source.heading ?? ""),
                        section: analysis.sections.last { section in
                            Self.namesSomething(section.text)
                                && fromContext.contains { !$0.isIdentifier && section.matcher.contains($0) }
                        }?.text,
                        coverage: (direct + fromContext.reduce(0) { $0 + weights[$1, default: 0] }) / totalWeight,
                        score: score,
                        leadIn: inherited.isEmpty ? nil : previousSentence?.text
                    )
                )
            }
        }

        let ranked = candidates.sorted {
            $0.score != $1.score ? $0.score > $1.score : ($0.sourceNumber, $0.position) < ($1.sourceNumber, $1.position)
        }
        guard let best = ranked.first else { return nil }
        // Sharing only words that frame a question ("what", "default", "manual") is no answer.
        guard best.covered.contains(where: { !QueryAnalyzer.isFrame($0) }) else { return nil }

        // Further sentences must answer a part of the question the earlier picks leave open (multi-part and
        // multi-hop questions), not repeat the same terms: a new term in the sentence itself, or a new identifier
        // that its document's title supplies ("List price: USD 31,500" in the NR-X200 sheet).
        var picks = [best]
        var covered = best.covered
        let linkingTerms = Set(terms.filter { !QueryAnalyzer.isFrame($0) && idf($0.text) >= Self.linkingTermWeight })
        for candidate in ranked.dropFirst() where picks.count < tuning.maxAnswerSentences {
            guard candidate.score >= 0.5 * best.score, !picks.contains(where: { $0.text == candidate.text }) else {
                continue
            }
            let added = candidate.covered.subtracting(covered)
            let gain = terms.filter(added.contains).reduce(0) { $0 + weights[$1, default: 0] }
            let addsSomething = added.contains { candidate.matched.contains($0) || $0.isIdentifier }
            guard gain >= 0.15 * totalWeight, addsSomething,
                Self.connects(candidate, to: picks, linkingTerms: linkingTerms)
            else { continue }
            picks.append(candidate)
            covered.formUnion(candidate.covered)
        }

        // Abstain unless the chosen sentences, with their titles and headings, cover enough of the question. A
        // follow-up ("How old does the arm have to be?") also gets credit for staying on the previous question's
        // topic, at half weight.
        // Summed in question order: Set order varies per process and floating-point sums would flip near-ties.
        let nativelyCovered = picks.reduce(into: Set<QueryTerm>()) {
            $0.formUnion($1.covered.subtracting($1.translated))
        }
        let coveredWeight = terms.filter(covered.contains).reduce(0) {
            $0 + weights[$1, default: 0] * (nativelyCovered.contains($1) ? 1 : Self.translationFactor)
        }
        var coverage = coveredWeight / totalWeight
        if !previousTerms.isEmpty {
            let matchers = picks.map { TermMatcher($0.text + "\n" + $0.context) }
            var previousTotal = 0.0
            var previousCovered = 0.0
            for term in previousTerms {
                let weight =
                    0.5 * idf(term.text) * (QueryAnalyzer.isFrame(term) ? 0.25 : 1)
                previousTotal += weight
                if matchers.contains(where: { $0.contains(term) }) { previousCovered += weight }
            }
            coverage = max(coverage, (coveredWeight + previousCovered) / (totalWeight + previousTotal))
        }
        guard coverage >= tuning.minimumCoverage else { return nil }
        picks.sort { ($0.sourceNumber, $0.position) < ($1.sourceNumber, $1.position) }
        var quoted: Set<String> = []
        var answer: [Piece] = []
        // A pick quoted as the continuation of the one before it is not quoted again on its own.
        var continued: Set<String> = []
        // The best pick with what is quoted around it: it must give what the question's type asks for.
        var bestQuote = ""
        for pick in picks where !continued.contains(pick.text) {
            if !answer.isEmpty { answer.append(.engine(" ")) }
            // Each section is named once, before the first sentence quoted from it.
            if let section = pick.section, quoted.insert(section).inserted {
                answer += [.quote(section), .engine(": ")]
            }
            let echo = Self.isEcho(pick.text, question: terms)
            // "Which function releases all memory …?" answered by "Releases all memory associated with a compression
            // stream.": the name asked for is the heading the sentence stands under.
            if echo, pick.section == nil, Self.asksForName(context.question),
                let heading = context.sources.first(where: { $0.n == pick.sourceNumber })?.heading,
                QueryAnalyzer.terms(Self.unnumbered(heading)).contains(where: { !own.contains($0.text) }),
                quoted.insert(heading).inserted
            {
                answer += [.quote(Self.unnumbered(heading)), .engine(": ")]
            }
            var quote = Self.completed(pick, in: analysed, sources: context.sources)
            if let leadIn = pick.leadIn, !picks.contains(where: { $0.text == leadIn }) { quote = leadIn + " " + quote }
            if let next = Self.continuation(
                of: pick,
                shape: shape,
                echo: echo,
                in: analysed,
                sources: context.sources
            ) {
                quote += next.separator + next.text
                continued.insert(next.text)
            }
            if pick.text == best.text { bestQuote = quote }
            answer += Self.cite(quote, n: pick.sourceNumber)
        }
        // "How many threads …" or "What is the maximum length …" is answered by a figure: text that states none
        // shares the question's words without answering it.
        if AnswerShape.asksForQuantity(context.question), !Self.statesAmount(bestQuote) { return nil }
        if aboutUser, let memory = Self.relatedMemory(personalMemories, to: picks.map(\.text), excluding: own) {
            // The answer names a role or fact the user told us about ("Your manager" and "my manager is Priya
            // Natarajan"): say it, so the answer is about them.
            // Without the instruction it was given with ("Note for later: my manager is …"), as capture strips it.
            let fact = MemoryService.captured(in: memory.text) ?? memory.text
            answer += [.engine(" You told me: ")] + Self.cite(fact, n: memory.n)
        }
        return answer
    }

    /// How much a question term counts for a sentence when only a sentence beside it in the same paragraph has
    /// it, against the term in the sentence itself: a paragraph is about one thing, and the sentence that states
    /// the fact often leaves the question's words to the sentence before or after it.
    static let neighbourFactor = 0.4
    /// How much a question term that the source's document title names counts for each of its sentences, against
    /// the term's weight.
    static let subjectFactor = 0.2
    /// How much a term found only through a glossary translation counts, against the term itself.
    static let translationFactor = 0.6
    /// How much a figure counts when the question asks for a value, against the total question weight.
    static let valueStatementBonus = 0.35
    /// At most this many characters of a list or code block are quoted after a sentence that announces it.
    static let announcedBlockLength = 600
    /// The longest sentence quoted after a pick because it goes on about what the pick names: longer ones are
    /// a new topic as often as a completion, and would bury the answer.
    static let continuationLength = 300
    /// A pick shorter than this many characters is quoted with the next sentence of its paragraph: a sentence of a
    /// few words ("The proposal was rejected.") rarely says what it is about.
    static let shortSentenceLength = 60
    /// How much a term counts that a sentence referring back ("It costs …") takes from the sentence before it.
    static let inheritedFactor = 0.7
    /// How much announcing a list (or steps, or a command) counts when the question asks for several things (or a
    /// way to do something), against the question weight.
    static let listAnnouncementBonus = 0.3
    /// How much a sentence that is itself a question loses, against the question weight.
    static let questionSentencePenalty = 0.3

    /// How much a pair of question terms counts again when the sentence writes them next to each other, in the
    /// question's order ("the default page size" for "default page size"), against the lighter term's weight:
    /// the sentence then speaks of what the question names, not of its words scattered.
    static let adjacencyFactor = 0.2
    /// At most this many words between two terms that count as written next to each other ("size of pages"); more
    /// ("hours of the plan") is a phrase about something else as often as about the pair.
    static let adjacencyGap = 1

    /// The summed weights of the question's consecutive term pairs that occur close together, in order.
    private static func adjacentWeight(
        _ terms: [QueryTerm],
        positions: [[Int]],
        weight: (QueryTerm) -> Double
    ) -> Double {
        guard terms.count >= 2 else { return 0 }
        var total = 0.0
        for index in 1..<terms.count {
            let close = positions[index - 1].contains { first in
                positions[index].contains { $0 > first && $0 - first <= adjacencyGap + 1 }
            }
            if close { total += min(weight(terms[index - 1]), weight(terms[index])) }
        }
        return total
    }

    /// Words that open a sentence continuing the one before: pronouns and demonstratives that refer back, and
    /// connectives that complete it ("Instead, Boolean values are stored as integers").
    static let referringOpeners: Set<String> = [
        "it", "its", "this", "these", "they", "their", "that", "those", "such", "instead", "however", "otherwise",
        "es", "er", "sie", "dies", "diese", "dieser", "dieses", "stattdessen",
    ]

    /// Connectives that open a sentence completing the one before it.
    ///
    /// "SQLite does not have a separate Boolean storage class. Instead, Boolean values are stored as integers."
    /// says in its second sentence what the first only denies.
    static let completingOpeners: Set<String> = ["instead", "rather", "however", "stattdessen", "jedoch"]

    /// The sentence after a pick, when it opens with a connective that completes the pick or goes on about it.
    private static func continuation(
        of pick: Candidate,
        shape: AnswerShape,
        echo: Bool,
        in analysed: [PassageAnalysis],
        sources: [Source]
    ) -> (text: String, separator: String)? {
        guard let index = sources.firstIndex(where: { $0.n == pick.sourceNumber }) else { return nil }
        let sentences = analysed[index].sentences
        guard pick.position + 1 < sentences.count else { return nil }
        let next = sentences[pick.position + 1]
        if next.words.first.map(completingOpeners.contains) == true { return (next.text, " ") }
        let own = sentences[pick.position]
        // A pick that only restates the question ("There are several reasons for checking the glob patterns before
        // the magic.") is answered by what follows it in its paragraph, or by the next line.
        if echo, next.text.count <= continuationLength, next.line == own.line || next.line == own.line + 1 {
            return (next.text, next.line == own.line ? " " : "\n")
        }
        // A short line of its own that states nothing ("-k --keep", "PRAGMA threads; PRAGMA threads = N;", a
        // definition's term in a PDF) names what the line after it describes: quote both. A spec line or table
        // row ("Repeatability: ±0.03 mm") states its value itself.
        let standsAlone = pick.position == 0 || sentences[pick.position - 1].line != own.line
        if standsAlone, next.line == own.line + 1, own.text.count < shortSentenceLength,
            !own.text.hasSuffix("."), !own.text.hasSuffix("?"), !own.text.hasSuffix("!"), !announces(own.text),
            !own.text.contains(": "), !statesFigure(own.words),
            next.text.count <= continuationLength
        {
            return (next.text, "\n")
        }
        guard next.line == own.line, next.text.count <= continuationLength else { return nil }
        // "Query or change the value of the … limit. This limit sets an upper bound on …": a sentence of the same
        // paragraph that goes on about what the pick names completes it too.
        if refersBack(next.words) { return (next.text, " ") }
        // A question after a value answered by a sentence without a figure: the next sentence of the paragraph
        // that states one gives it.
        if shape == .value, !statesFigure(own.words), statesFigure(next.words) { return (next.text, " ") }
        // A short sentence ("The proposal was rejected.") says little alone; its paragraph goes on with what it
        // means (quoted with the sentence it refers back to, it is no longer alone).
        return pick.text.count < shortSentenceLength && pick.leadIn == nil ? (next.text, " ") : nil
    }

    /// Whether a further pick belongs to the answer the earlier picks started.
    ///
    /// It must come from the same section (the same document title and heading), share a distinctive question
    /// term with one of them (`linkingTerms`), or name in its text or title an identifier one of them quotes (the
    /// NR-X300 sheet's warranty after "twelve NR-X300 arms" in a case study). Sentences that each match a
    /// different word of the question ("thread-safe", "start with a dash", "defaults to 0" for "How many threads
    /// does it start by default?") do not add up to an answer, nor do sections of one long manual that share only
    /// the manual's name.
    private static func connects(_ candidate: Candidate, to picks: [Candidate], linkingTerms: Set<QueryTerm>) -> Bool {
        let matcher = TermMatcher(candidate.text + "\n" + candidate.context)
        return picks.contains { pick in
            if pick.context == candidate.context { return true }
            if pick.covered.contains(where: { linkingTerms.contains($0) && candidate.covered.contains($0) }) {
                return true
            }
            return QueryAnalyzer.terms(pick.text).contains { $0.isIdentifier && matcher.contains($0) }
        }
    }

    /// The inverse document frequency from which a question term shared by two picks links them.
    ///
    /// BM25's IDF is about `-ln(share)` of the passages holding the term, so 1.0 means in fewer than about a third
    /// of them. A word most passages share (the product's or the company's name, "file") says nothing about
    /// whether two sentences speak of the same thing.
    static let linkingTermWeight = 1.0

    /// Whether a sentence opens by referring to the one before it.
    static func refersBack(_ words: [String]) -> Bool {
        words.first.map(referringOpeners.contains) ?? false
    }

    /// Whether a sentence announces what follows it ("as follows:", "one of the following storage classes:").
    static func announces(_ sentence: String) -> Bool {
        let lowered = sentence.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return lowered.hasSuffix(":") || lowered.hasSuffix("as follows.") || lowered.hasSuffix("following.")
    }

    /// A sentence that announces what follows ("SQLite supports six date and time functions as follows:", "has
    /// one of the following storage classes:") says nothing alone: the lines after it in the passage are quoted
    /// with it, whole, up to `announcedBlockLength`.
    private static func completed(_ pick: Candidate, in analysed: [PassageAnalysis], sources: [Source]) -> String {
        guard announces(pick.text) else { return pick.text }
        guard let index = sources.firstIndex(where: { $0.n == pick.sourceNumber }) else { return pick.text }
        let sentences = analysed[index].sentences
        var text = pick.text
        var position = pick.position + 1
        while position < sentences.count, text.count < announcedBlockLength {
            // Sentences of one paragraph stay on one line; each line of the passage (an item, a row, a line of
            // code) keeps its own.
            text += (sentences[position].line == sentences[position - 1].line ? " " : "\n") + sentences[position].text
            position += 1
        }
        return text
    }

    /// Whether a sentence states a figure of its own: a word that is a number (`4096`, `-2000`, `3.37.0`), not
    /// digits inside a name (`sqlite3_open`, `NR-X200`).
    static func statesFigure(_ words: [String]) -> Bool {
        words.contains { $0.first?.isNumber == true }
    }

    /// Whether a section heading states a figure beyond its own number.
    ///
    /// "Studio 5.2.0 - released 2026-03-17" does, "5. Remote and hybrid work" does not: only headings that state
    /// something are worth quoting with a sentence.
    static func namesSomething(_ heading: String) -> Bool {
        let unnumbered = heading.replacing(/^\s*\d+(\.\d+)*\.?\s+/, with: "")
        return unnumbered.contains(where: \.isNumber)
    }

    /// The first personal memory (not quoted already) sharing a topic word with the picked sentences.
    static func relatedMemory(_ memories: [Source], to picked: [String], excluding own: Set<String>) -> Source? {
        let matchers = picked.map { TermMatcher($0) }
        return memories.first { memory in
            !picked.contains(memory.text)
                && QueryAnalyzer.terms(memory.text).contains { term in
                    !own.contains(term.text) && !QueryAnalyzer.isFrame(term) && !term.text.allSatisfy(\.isNumber)
                        && matchers.contains { $0.contains(term) }
                }
        }
    }

    /// Terms without repeats, first occurrence kept.
    static func distinct(_ terms: [QueryTerm]) -> [QueryTerm] {
        var seen: Set<String> = []
        return terms.filter { seen.insert($0.text).inserted }
    }

    /// Puts the marker before the sentence's final punctuation, or adds it with a full stop.
    static func cite(_ sentence: String, n: Int) -> [Piece] {
        var body = sentence
        var end = "."
        if let last = body.last, ".!?".contains(last) {
            end = String(last)
            body.removeLast()
        } else if let last = body.last, ";:,".contains(last) {
            body.removeLast()
        }
        return [.quote(body), .engine(" [\(n)]" + end)]
    }

    /// The pieces as one string, as the stream spells them.
    static func text(of pieces: [Piece]) -> String {
        pieces.map { piece in
            switch piece {
            case .quote(let text), .engine(let text): text
            }
        }.joined()
    }

    /// Streams the pieces word by word, each word with its following space, so a marker never splits; quoted
    /// words go out as `.quote`, which the engine never reads for markers.
    static func fragments(of pieces: [Piece], pace: Duration? = nil) -> AsyncThrowingStream<AnswerFragment, any Error> {
        var tokens: [AnswerFragment] = []
        for piece in pieces {
            let (text, make): (String, (String) -> AnswerFragment) =
                switch piece {
                case .quote(let text): (text, AnswerFragment.quote)
                case .engine(let text): (text, AnswerFragment.text)
                }
            var current = ""
            for character in text {
                current.append(character)
                if character == " " {
                    tokens.append(make(current))
                    current = ""
                }
            }
            if !current.isEmpty { tokens.append(make(current)) }
        }
        let words = text(of: pieces).split(separator: " ").count
        let all = tokens
        guard let pace else {
            return AsyncThrowingStream { continuation in
                for token in all { continuation.yield(token) }
                continuation.yield(.usage(Usage(promptTokens: 0, completionTokens: words)))
                continuation.finish()
            }
        }
        return AsyncThrowingStream { continuation in
            let task = Task {
                for token in all {
                    continuation.yield(token)
                    do { try await Task.sleep(for: pace) } catch { break }
                }
                continuation.yield(.usage(Usage(promptTokens: 0, completionTokens: words)))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
