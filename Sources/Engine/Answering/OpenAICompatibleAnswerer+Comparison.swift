import ChatAPI
import Foundation

/// `/compare` with a model (architecture.md section 7): the model gets the numbered passages of every compared
/// document and the deterministic comparer's aligned findings, and writes the report; the engine normalises its
/// markers as for answers. The structured lists of the result (similarities, differences, insights) stay the
/// comparer's, so a client that reads them gets the same values with or without a model.
extension OpenAICompatibleAnswerer: ComparisonWriter {
    /// The rules of a comparison, as the system message.
    static let comparisonInstructions = """
        You compare documents using only the numbered sources the user gives you.
        Rules:
        - Use only facts stated in the sources. Never add facts from elsewhere.
        - Write three short parts headed "## Similarities", "## Differences" and "## Insights", one fact per line \
        starting with "- ".
        - Cite every fact with the numbers of the sources it comes from, in square brackets, like [1][4].
        - A difference names the value in each document, like "Payload: 5 kg [1] vs 12 kg [2]". Never call equal \
        values a difference.
        - If the user asks about something specific, put it first.
        - Write in the language of the request.
        """

    /// The longest passage text a comparison prompt carries: comparisons cite many passages, so each is shorter
    /// than in an answer.
    static let maxComparisonSourceCharacters = 600

    /// How much passage text and how many findings a comparison prompt carries at most, so that the prompt fits a
    /// 4,096-token context (small local models) with room for the report: about 3,000 prompt tokens.
    static let comparisonPassageBudget = 3_000
    static let comparisonFindingsBudget = 3_000

    /// The messages for a comparison: the rules, then the documents, passages, findings and the request.
    ///
    /// Every source keeps its numbered header line, so each marker of the findings resolves; passage text goes in
    /// while the budget lasts, the passages the differences cite first. The findings go in differences first,
    /// then insights, then similarities, whole lines until their budget is spent.
    static func comparisonMessages(for context: ComparisonContext) -> [PromptMessage] {
        let documents = context.documentTitles.enumerated().map { "\($0.offset + 1). \($0.element)" }
        let findings = prioritisedFindings(context.findings, budget: comparisonFindingsBudget)
        let wanted = markedNumbers(in: findings.text)
        var budget = comparisonPassageBudget
        var withText: Set<Int> = []
        for source in context.sources.sorted(by: { wanted.contains($0.n) && !wanted.contains($1.n) }) {
            let length = min(source.text.count, maxComparisonSourceCharacters)
            guard length <= budget else { continue }
            budget -= length
            withText.insert(source.n)
        }
        let sources = context.sources.map { source in
            describe(source, limit: withText.contains(source.n) ? maxComparisonSourceCharacters : 0)
        }
        let body = """
            Documents compared:
            \(documents.joined(separator: "\n"))

            Sources:

            \(sources.joined(separator: "\n\n"))

            Aligned facts found by matching the documents' attributes (they cite the same sources; use them, \
            shorten them, and leave out what is not worth saying):
            \(findings.text)

            Request: \(context.query)
            """
        return [
            PromptMessage(role: "system", content: comparisonInstructions),
            PromptMessage(role: "user", content: body),
        ]
    }

    /// The numbers of the `[n]` markers in a text.
    static func markedNumbers(in text: String) -> Set<Int> {
        Set(CitationMarker.numbers(in: text, grouped: true))
    }

    /// The findings' sections reordered (differences, insights, similarities) and cut to whole lines within the
    /// budget; a line says how many facts were left out.
    static func prioritisedFindings(_ findings: String, budget: Int) -> (text: String, omitted: Int) {
        var sections: [(heading: String, lines: [String])] = []
        for line in findings.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("## ") || sections.isEmpty {
                sections.append((line.hasPrefix("## ") ? line : "", line.hasPrefix("## ") ? [] : [line]))
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
        func rank(_ heading: String) -> Int {
            let lowered = heading.lowercased()
            if lowered.contains("difference") { return 0 }
            if lowered.contains("insight") { return 1 }
            return 2
        }
        var output: [String] = []
        var remaining = budget
        var omitted = 0
        for section in sections.enumerated().sorted(by: {
            (rank($0.element.heading), $0.offset) < (rank($1.element.heading), $1.offset)
        }).map(\.element) {
            var kept: [String] = []
            for line in section.lines {
                if line.count + 1 <= remaining {
                    kept.append(line)
                    remaining -= line.count + 1
                } else {
                    omitted += 1
                }
            }
            guard !kept.isEmpty else { continue }
            if !section.heading.isEmpty { output.append(section.heading) }
            output += kept
        }
        if omitted > 0 { output.append("(\(omitted) more aligned facts left out for length.)") }
        return (output.joined(separator: "\n"), omitted)
    }

    public func writeComparison(
        _ context: ComparisonContext
    ) async throws -> AsyncThrowingStream<AnswerFragment, any Error> {
        let model = await resolvedModel()
        try Task.checkCancellation()
        let run = start(body: try requestBody(messages: Self.comparisonMessages(for: context), model: model))
        switch try await run.decision() {
        case .stream(let fragments):
            return fragments
        case .abstain:
            // A comparison never ends in no_context (http-api.md section 8): the model's sentence is its report.
            let (stream, continuation) = AsyncThrowingStream<AnswerFragment, any Error>.makeStream()
            continuation.yield(.text(KnowledgeBase.noContextAnswer))
            continuation.finish()
            return stream
        }
    }
}
