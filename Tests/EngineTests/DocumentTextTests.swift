import Testing

@testable import Engine

/// A document's text put back together from its chunks (`DocumentService.joinedText`).
@Suite struct DocumentTextTests {
    private func chunk(_ ordinal: Int, heading: String?, start: Int, end: Int, _ text: String) -> ChunkRecord {
        ChunkRecord(
            seq: nil,
            id: "chk_\(ordinal)",
            documentId: "doc_1",
            ordinal: ordinal,
            title: "T",
            headingPath: heading ?? "",
            heading: heading,
            pageStart: nil,
            pageEnd: nil,
            charStart: start,
            charEnd: end,
            text: text
        )
    }

    @Test func carriedSentencesAndRepeatedHeadingsAppearOnce() {
        // Given a section cut in two, the second chunk repeating the heading and the last sentence of the first,
        // then a new section that does not overlap.
        let chunks = [
            chunk(0, heading: "Hotels", start: 0, end: 60, "Hotels\nBook a standard room. The cap is $230. Ask first."),
            chunk(1, heading: "Hotels", start: 40, end: 90, "Hotels\nAsk first. Receipts are required."),
            chunk(2, heading: "Meals", start: 95, end: 120, "Meals\nThe per diem is $60."),
        ]
        // Then each sentence appears once, in order.
        #expect(
            DocumentService.joinedText(of: chunks)
                == "Hotels\nBook a standard room. The cap is $230. Ask first. Receipts are required.\n\nMeals\n"
                + "The per diem is $60."
        )
    }

    @Test func chunksWithoutOverlapAreSeparatedByABlankLine() {
        let chunks = [
            chunk(0, heading: nil, start: 0, end: 10, "First part."),
            chunk(1, heading: nil, start: 12, end: 24, "Second part."),
        ]
        #expect(DocumentService.joinedText(of: chunks) == "First part.\n\nSecond part.")
    }
}
