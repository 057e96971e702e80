import ChatAPI
import ChatClient
import Testing

@testable import Commands

@Suite struct ComparisonBriefTests {
    private func cite(_ n: Int) -> Citation {
        Citation(n: n, sourceId: "s\(n)", spans: [])
    }

    private func result(bestMatch: String?, differences: [String]) -> DocumentComparison {
        DocumentComparison(
            comparisonId: "cmp_1",
            documentIds: ["doc_A", "doc_B"],
            query: "Which arm carries more?",
            similarities: ["Number of axes: 6 [3][18].", "Mounting: Any orientation [3][18]."],
            differences: differences,
            crossDocumentInsights: ["Rated payload: B is 6 kg higher than A (14 kg [17] vs 8 kg [2]; ratio 1.75)."],
            report: "## Similarities\n...",
            bestMatch: bestMatch,
            sources: [],
            citations: [2, 3, 17, 18, 40].map(cite),
            usage: Usage(promptTokens: 1, completionTokens: 1),
            timingsMs: Timings(retrieval: 0, firstToken: nil, total: 0)
        )
    }

    private let differences = [
        "Overview: " + String(repeating: "a long prose passage ", count: 8) + "[1] vs another [15].",
        "Rated payload: 8 kg [2] vs 14 kg [17].",
        "Reach: 1,050 mm [2] vs 1,300 mm [17].",
        "Repeatability: ±0.03 mm [2] vs ±0.05 mm [17].",
        "Arm weight: 24.5 kg [2] vs 38.0 kg [17].",
        "Maximum TCP speed: 1.5 m/s [2] vs 2.0 m/s [17].",
        "Controller: NC-20 [2] vs NC-30 [17].",
    ]

    @Test func leadsWithTheBestMatchThenTheTopShortDifferences() {
        let text = ComparisonBrief.text(
            result(bestMatch: differences[1], differences: differences),
            fullReportCommand: "/compare A B --all -- Which arm carries more?"
        )
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Rated payload: 8 kg [2] vs 14 kg [17].")
        #expect(lines[2] == "## Top differences")
        // Five differences, short rows first, the best match not repeated, the prose row left to --all.
        #expect(lines[3...7].map { $0.prefix(7) } == ["- Reach", "- Repea", "- Arm w", "- Maxim", "- Contr"])
        #expect(!text.contains("Overview"))
        #expect(
            text.hasSuffix(
                "Full report (2 similarities, 7 differences, 1 insight): /compare A B --all -- Which arm carries more?"
                    + " · passages: /sources\n"
            )
        )
    }

    @Test func withoutAMatchItStartsWithTheDifferences() {
        let text = ComparisonBrief.text(result(bestMatch: nil, differences: differences), fullReportCommand: "x")
        #expect(text.hasPrefix("## Top differences\n- Rated payload"))
    }

    @Test func theStreamCarriesTheBriefAndOnlyTheCitationsItUses() async throws {
        let events: [StreamEvent] = [
            .status(stage: "comparing"), .sources([]), .token("## Similarities\n"),
            .citation(CitationEvent(n: 40, sourceId: "s40", span: Span(start: 0, end: 4))),
            .done(
                DoneEvent(
                    finishReason: .stop,
                    answer: "## Similarities\n...",
                    citations: [2, 17, 40].map(cite),
                    usage: Usage(promptTokens: 1, completionTokens: 1),
                    timingsMs: Timings(retrieval: 0, firstToken: nil, total: 0),
                    conversationId: nil,
                    messageId: nil,
                    comparison: result(bestMatch: differences[1], differences: differences)
                )
            ),
        ]
        let source = AnswerStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
        var received: [StreamEvent] = []
        for try await event in ComparisonBrief.summarizing(source, fullReportCommand: "/compare A B --all") {
            received.append(event)
        }
        let tokens = received.compactMap { if case .token(let text) = $0 { text } else { nil } }
        #expect(tokens.count == 1)
        #expect(tokens.first?.hasPrefix("Rated payload") == true)
        guard case .done(let done) = received.last else {
            Issue.record("no done event")
            return
        }
        #expect(done.answer == tokens.first)
        #expect(done.citations.map(\.n) == [2, 17])
        #expect(!received.contains { if case .citation = $0 { true } else { false } })
    }
}
