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
    static let maxComparisonSourceCharacters = 700

    /// The messages for a comparison: the rules, then the documents, passages, findings and the request.
    static func comparisonMessages(for context: ComparisonContext) -> [PromptMessage] {
        let documents = context.documentTitles.enumerated().map { "\($0.offset + 1). \($0.element)" }
        let sources = context.sources.map { describe($0, limit: maxComparisonSourceCharacters) }
        let body = """
            Documents compared:
            \(documents.joined(separator: "\n"))

            Sources:

            \(sources.joined(separator: "\n\n"))

            Aligned facts found by matching the documents' attributes (they cite the same sources; use them, \
            shorten them, and leave out what is not worth saying):
            \(context.findings)

            Request: \(context.query)
            """
        return [
            PromptMessage(role: "system", content: comparisonInstructions),
            PromptMessage(role: "user", content: body),
        ]
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
