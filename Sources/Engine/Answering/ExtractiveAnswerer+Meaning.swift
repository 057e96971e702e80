import ChatAPI

extension ExtractiveAnswerer {
    /// A sentence of a passage close to the question, with the two signals answering by meaning weighs.
    struct MeaningCandidate {
        var sourceNumber: Int
        var position: Int
        var text: String
        /// The cosine of the sentence with the question.
        var similarity: Float = 0
        /// The inverse-document-frequency share of the question's content terms found in the sentence or in its
        /// passage's title and headings.
        var coverage: Double
        /// Whether one of those terms is among the question's more distinctive half.
        var coversDistinctive: Bool
    }

    /// An answer by meaning when words alone abstain, or nil to abstain after all.
    ///
    /// A question in another language than the passage that answers it ("How many vacation days do staff at the
    /// German office get?" for "30 Urlaubstage") shares almost no words with it, so the coverage gate has nothing to
    /// judge by. Here the sources in another language than the question are read sentence by sentence, closest
    /// passages first (by their stored chunk vectors), and the sentence closest to the question in meaning is
    /// quoted only when it is also the one that covers most of the question's terms (names, figures and
    /// translations still match), covers one of its rarer terms, and covers a floor share of them. Each signal alone
    /// is weak: multilingual-e5-small puts related and unrelated sentences within a few hundredths of cosine, and a
    /// question about something the documents lack still has nearest neighbours.
    ///
    /// Passages in the question's own language keep the words' verdict: there the coverage gate has evidence, and on
    /// the dev halves overruling it with meaning answered questions the documents do not answer (docs/embeddings.md,
    /// "Answering by meaning").
    func composeByMeaning(_ context: AnswerContext, _ meaning: SemanticEvidence) async -> [Piece]? {
        let terms = Self.distinct(QueryAnalyzer.terms(context.question).filter { !QueryAnalyzer.isFrame($0) })
        guard !terms.isEmpty else { return nil }
        let analysed = context.sources.map { analyses.analysis(of: $0, sectionPath: context.sectionPaths[$0.n]) }
        // A distinctive identifier that no source mentions means the question is about something else.
        guard !context.asksAboutSomethingElse(matchers: analysed.map(\.whole)) else { return nil }

        let questionLanguage = Stemmer.language(of: QueryAnalyzer.tokens(context.question))
        let passages = zip(context.sources, analysed).filter { source, analysis in
            analysis.language != questionLanguage
        }.compactMap { source, analysis in
            meaning.passageSimilarity[source.n].map { (source: source, analysis: analysis, similarity: $0) }
        }.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.source.n < $1.source.n }
        guard let closest = passages.first else { return nil }
        let weights = Dictionary(
            terms.map { ($0, context.inverseDocumentFrequency($0.text) * ($0.isIdentifier ? 2 : 1)) },
            uniquingKeysWith: { first, _ in first }
        )
        // Summed in question order: floating-point sums in another order can flip near-ties.
        let totalWeight = terms.reduce(0) { $0 + weights[$1, default: 0] }
        guard totalWeight > 0 else { return nil }

        // The terms at least as rare as the question's median term: a sentence that shares only the common ones
        // (the company's name, "office") is about the corpus's usual subject, not about what is asked.
        let rarity = terms.map { weights[$0, default: 0] }.sorted(by: >)
        let median = rarity[(rarity.count - 1) / 2]
        let distinctive = Set(terms.filter { weights[$0, default: 0] >= median })

        var candidates: [MeaningCandidate] = []
        let near = passages.filter { $0.similarity >= closest.similarity - tuning.meaningPassageMargin }
        for passage in near.prefix(tuning.meaningPassages) {
            for (position, sentence) in passage.analysis.sentences.enumerated() {
                // Headings and questions in the text state nothing, as in the answer by words.
                if let heading = passage.source.heading, sentence.text == heading { continue }
                guard sentence.text.contains(where: { $0.isLetter || $0.isNumber }), !sentence.text.hasSuffix("?")
                else { continue }
                let covered = terms.filter {
                    sentence.matcher.contains($0) || passage.analysis.context.contains($0)
                }
                candidates.append(
                    MeaningCandidate(
                        sourceNumber: passage.source.n,
                        position: position,
                        text: sentence.text,
                        coverage: covered.reduce(0) { $0 + weights[$1, default: 0] } / totalWeight,
                        coversDistinctive: covered.contains(where: distinctive.contains)
                    )
                )
            }
        }
        guard !candidates.isEmpty, let vectors = await meaning.embedPassages(candidates.map(\.text)),
            vectors.count == candidates.count
        else { return nil }
        for index in candidates.indices {
            candidates[index].similarity = SemanticEvidence.cosine(meaning.question, vectors[index])
        }
        func earlier(_ lhs: MeaningCandidate, _ rhs: MeaningCandidate) -> Bool {
            (lhs.sourceNumber, lhs.position) < (rhs.sourceNumber, rhs.position)
        }
        let byMeaning = candidates.sorted {
            $0.similarity != $1.similarity ? $0.similarity > $1.similarity : earlier($0, $1)
        }
        let byWords = candidates.sorted {
            if $0.coverage != $1.coverage { return $0.coverage > $1.coverage }
            return $0.similarity != $1.similarity ? $0.similarity > $1.similarity : earlier($0, $1)
        }
        guard let best = byMeaning.first, let wordsBest = byWords.first, best.coversDistinctive,
            best.coverage >= tuning.meaningMinimumCoverage,
            (best.sourceNumber, best.position) == (wordsBest.sourceNumber, wordsBest.position)
        else { return nil }
        return Self.cite(best.text, n: best.sourceNumber)
    }
}
