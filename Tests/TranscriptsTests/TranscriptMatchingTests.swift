import Foundation
import Testing

@testable import Transcripts

@Suite struct TranscriptMatchingTests {
    private func matches(_ expected: String, _ actual: String, redactions: [TranscriptRedaction] = []) throws -> Bool {
        try TranscriptPattern(expected, redactions: redactions).matches(actual)
    }

    @Test(
        arguments: [
            ("Indexed faq.md as [ID]: [NUM] chunks", "Indexed faq.md as doc_12: 14 chunks", true),
            ("Indexed faq.md as [ID]: [NUM] chunks", "Indexed faq.md as file_1: 14 chunks", false),
            ("[NUM] documents", "1,300 documents", true),
            ("[NUM] documents", "-3.5 documents", true),
            ("[NUM] documents", "many documents", false),
            ("id [UUID]", "id 3F2504E0-4F89-11D3-9A0C-0305E82C3301", true),
            ("on [DATE] at [TIME]", "on 2026-03-14 at 09:30:05.120Z", true),
            ("on [DATE] at [TIME]", "on 2026-03-14 at 09:30+01:00", true),
            ("took [DURATION]", "took 41 ms", true),
            ("took [DURATION]", "took 1m 05s", true),
            ("took [DURATION]", "took 2.5s", true),
            ("took [DURATION]", "took 5 m", false),
            ("  [1] travel-policy.pdf p.[NUM] \"[..]\"", "  [1] travel-policy.pdf p.1 \"5. Hotels\"", true),
            ("  [1] travel-policy.pdf p.[NUM] \"[..]\"", "  [2] travel-policy.pdf p.1 \"5. Hotels\"", false),
            ("Sources:", "Sources:", true),
            ("Sources:", "Sources: ", false),
            ("[1-9] documents? (re)", "3 documents", true),
            ("[1-9] documents? (re)", "a 3 documents", false),
            ("* document? (glob)", "15 documents", true),
            ("\\* literal (glob)", "* literal", true),
            ("\\* literal (glob)", "x literal", false),
            ("ticket [TICKET] open", "ticket SS-2026-0117 open", true),
        ]
    )
    func linePatterns(expected: String, actual: String, result: Bool) throws {
        let redactions = [TranscriptRedaction(name: "TICKET", pattern: "SS-\\d{4}-\\d{4}")]
        #expect(try matches(expected, actual, redactions: redactions) == result)
    }

    @Test func placeholdersActOnlyWhereTheExpectedLineUsesThem() throws {
        #expect(try !matches("Indexed faq.md as doc_1: 14 chunks", "Indexed faq.md as doc_2: 14 chunks"))
    }

    @Test func redactorWritesIdsUuidsDurationsAndTimestampsButNotNumbersOrLoneDates() {
        let redactor = TranscriptRedactor(redactions: [TranscriptRedaction(name: "TICKET", pattern: "SS-\\d{4}-\\d{4}")]
        )
        #expect(redactor.redact("Indexed faq.md as doc_12: 14 chunks") == "Indexed faq.md as [ID]: 14 chunks")
        #expect(redactor.redact("Remembered mem_3: I work in Leipzig.") == "Remembered [ID]: I work in Leipzig.")
        #expect(
            redactor.redact("run 3f2504e0-4f89-11d3-9a0c-0305e82c3301 took 41 ms at 2026-03-14T09:30:05.120Z")
                == "run [UUID] took [DURATION] at [DATE]T[TIME]"
        )
        #expect(
            redactor.redact("valid until 2026-03-14, 24 months, 1,300 mm")
                == "valid until 2026-03-14, 24 months, 1,300 mm"
        )
        #expect(redactor.redact("see SS-2026-0117") == "see [TICKET]")
        #expect(
            redactor.redact("  [1] support-sla.docx \"4 h response\"")
                == "  [1] support-sla.docx \"[DURATION] response\""
        )
    }

    @Test func normalisationStripsAnsiTrailingSpaceAndComposes() {
        #expect(TranscriptText.normalize("\u{1B}[2mSources:\u{1B}[0m  \r\nx") == "Sources:\nx")
        #expect(TranscriptText.normalize("Gro\u{0308}ße") == "Größe")
        #expect(TranscriptText.collapse(" a\n\u{00A0}b\t c ") == "a b c")
    }

    // MARK: - Alignment

    private func align(_ expected: [String], _ actual: [String]) -> OutputAlignment {
        OutputAlignment.align(
            expected: expected.map { $0 == "..." ? nil : try? TranscriptPattern($0, redactions: []) },
            actual: actual
        )
    }

    @Test func ellipsisMatchesZeroOrMoreLinesAsFewAsPossible() {
        #expect(align(["", "Sources:", "..."], ["", "Sources:"]).isMatch)
        #expect(align(["", "Sources:", "..."], ["", "Sources:", "  [1] a", "  (+4 more)"]).isMatch)
        #expect(align(["...", "b"], ["a", "b", "b"]).isMatch)
        #expect(
            align(["...", "b", "..."], ["a", "b", "b"]).steps
                == [
                    .absorb(expected: 0, actual: 0), .ellipsisEnd(expected: 0), .match(expected: 1, actual: 1),
                    .absorb(expected: 2, actual: 2), .ellipsisEnd(expected: 2),
                ]
        )
        #expect(!align(["a", "..."], ["b"]).isMatch)
    }

    @Test func misalignedOutputNamesChangedAndExtraLines() {
        let alignment = align(["", "Sources:", "  [1] x200.pdf"], ["", "Sources:", "  [1] x300.pdf"])
        #expect(!alignment.isMatch)
        #expect(alignment.firstMissing == 2)
        #expect(alignment.steps.last == .substitute(expected: 2, actual: 2))

        let longer = align(["", "Sources:"], ["", "Sources:", "  [1] x300.pdf"])
        #expect(longer.firstMissing == nil)
        #expect(longer.firstExtra == 2)
    }

    // MARK: - Words

    @Test func wordsKeepJoinersBetweenLettersAndDigits() {
        #expect(
            TranscriptText.scoringWords("Reach: 1,300 mm [2] for the NR-X200 (it's 24.5 kg/arm).")
                == ["reach", "1,300", "mm", "for", "the", "nr-x200", "it's", "24.5", "kg/arm"]
        )
        #expect(TranscriptText.scoringWords("Straße") == ["strasse"])
    }

    @Test func wordErrorRateIsEditDistanceOverReferenceWords() {
        #expect(TranscriptText.wordErrorRate(hypothesis: "a b c", reference: "a b c") == 0)
        #expect(TranscriptText.wordErrorRate(hypothesis: "a x c", reference: "a b c") == 1.0 / 3)
        #expect(TranscriptText.wordErrorRate(hypothesis: "a b c d", reference: "a b") == 1)
        #expect(TranscriptText.wordErrorRate(hypothesis: "", reference: "") == 0)
    }
}
