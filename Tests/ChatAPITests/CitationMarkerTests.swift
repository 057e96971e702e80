import ChatAPI
import Testing

@Suite struct CitationMarkerTests {
    @Test func answerMarkersAreOneToThreeASCIIDigits() {
        #expect(CitationMarker.numbers(in: "a [1] b [12][3] [x] [1234] [١] [1, 2]") == [1, 12, 3])
        #expect(CitationMarker.removing(from: "a [1] b[2].") == "a  b.")
    }

    @Test func groupedMarkersAreReadOnlyWhenAsked() {
        #expect(CitationMarker.numbers(in: "x [1, 3] y [2,4]", grouped: true) == [1, 3, 2, 4])
        #expect(CitationMarker.numbers(inBody: "1, 3", grouped: true) == [1, 3])
        #expect(CitationMarker.numbers(inBody: "1, 3") == nil)
        #expect(CitationMarker.numbers(inBody: "1,,3", grouped: true) == nil)
    }

    @Test func anOpenBracketIsHeldOnlyWhileItMayStillCloseAsAMarker() {
        #expect(CitationMarker.mayBecomeMarker("["))
        #expect(CitationMarker.mayBecomeMarker("[12"))
        #expect(!CitationMarker.mayBecomeMarker("[1234"))
        #expect(!CitationMarker.mayBecomeMarker("[a"))
        #expect(!CitationMarker.mayBecomeMarker("[1, 2"))
        #expect(CitationMarker.mayBecomeMarker("[1, 2", grouped: true))
        #expect(!CitationMarker.mayBecomeMarker("[1, 2, 3, 4, 5, 6, 7, 8, 9", grouped: true))
    }
}
