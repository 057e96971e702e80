import ChatAPI
import Testing

@testable import Engine

@Suite struct CitationNormalizerTests {
    private let sources = (1...3).map { n in
        Source(n: n, id: "chk_\(n)", kind: .document, title: "T", snippet: "s", text: "t", score: 1)
    }

    private func run(_ fragments: [String]) -> (tokens: [String], normalizer: CitationNormalizer, events: [StreamEvent])
    {
        var normalizer = CitationNormalizer(sources: sources)
        var events: [StreamEvent] = []
        for fragment in fragments { events += normalizer.feed(fragment) }
        events += normalizer.finish()
        let tokens = events.compactMap { if case .token(let chunk) = $0 { chunk } else { nil } }
        return (tokens, normalizer, events)
    }

    @Test func groupedMarkersBecomeAdjacentOnes() {
        let result = run(["Both arms [1, 3] agree."])
        #expect(result.normalizer.answer == "Both arms [1][3] agree.")
        #expect(result.normalizer.citations.map(\.n) == [1, 3])
    }

    @Test func markersMatchingNoSourceAreDropped() {
        let result = run(["True [7] and [2]."])
        #expect(result.normalizer.answer == "True  and [2].")
        #expect(result.normalizer.citations.map(\.n) == [2])
    }

    @Test func markerSplitAcrossFragmentsIsNeverSplitAcrossTokens() {
        let result = run(["Payload 8 kg [", "1", "]. Done"])
        #expect(result.tokens.joined() == "Payload 8 kg [1]. Done")
        #expect(result.tokens.contains { $0.contains("[1]") })
        #expect(!result.tokens.contains { $0.hasSuffix("[") })
    }

    @Test func spansCountUnicodeScalars() {
        let result = run(["Größe 🤖 [1]"])
        let span = try? #require(result.normalizer.citations.first?.spans.first)
        #expect(span == Span(start: 8, end: 11))
    }

    @Test func markersInCodeAreLeftAlone() {
        let result = run(["Use `array[1]` here [2]."])
        #expect(result.normalizer.answer == "Use `array[1]` here [2].")
        #expect(result.normalizer.citations.map(\.n) == [2])
    }

    @Test func citationEventFollowsTheTokenCarryingItsMarker() {
        let result = run(["A [1]", " B [2]"])
        var sawTokenWithMarker = false
        for event in result.events {
            if case .token(let chunk) = event, chunk.contains("[1]") { sawTokenWithMarker = true }
            if case .citation(let citation) = event, citation.n == 1 { #expect(sawTokenWithMarker) }
        }
    }

    @Test func bracketedTextThatIsNotAMarkerStays() {
        let result = run(["See [note] and [", "x]."])
        #expect(result.normalizer.answer == "See [note] and [x].")
        #expect(result.normalizer.citations.isEmpty)
    }
}
