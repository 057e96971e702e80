import ChatAPI

extension ExtractiveAnswerer {
    /// The answer when the question's words are not in the passages: the one sentence closest to the question by
    /// the embedding model, if it is close enough, or nil to abstain.
    ///
    /// Only the best-ranked passages are read: hybrid ranking put the ones that mean the same at the top, and each
    /// sentence costs an embedding.
    func composeByMeaning(_ context: AnswerContext) async -> [Piece]? {
        guard let similarity = context.similarity else { return nil }
        let sources = context.sources.filter { $0.kind == .document }.prefix(tuning.meaningPassages)
        guard !sources.isEmpty else { return nil }
        let analysed = sources.map { analyses.analysis(of: $0, sectionPath: context.sectionPaths[$0.n]) }
        guard !context.asksAboutSomethingElse(matchers: analysed.map(\.whole)) else { return nil }
        var sentences: [(source: Source, text: String)] = []
        for (source, analysis) in zip(sources, analysed) {
            for sentence in analysis.sentences {
                // A bare heading states no fact; neither does a fragment of a few words.
                guard sentence.text != source.heading, sentence.words.count >= tuning.meaningMinimumWords else {
                    continue
                }
                sentences.append((source, sentence.text))
            }
        }
        guard !sentences.isEmpty else { return nil }
        // The heading goes with the sentence: "11:30 bis 13:45 Uhr geöffnet" is about lunch only under "Kantine".
        let texts = sentences.map { ($0.source.heading.map { $0 + ": " } ?? "") + $0.text }
        guard let scores = await similarity(context.question, texts), scores.count == texts.count else { return nil }
        var best = 0
        for index in scores.indices where scores[index] > scores[best] { best = index }
        guard Double(scores[best]) >= tuning.meaningMinimumSimilarity else { return nil }
        return Self.cite(sentences[best].text, n: sentences[best].source.n)
    }
}
