import ChatAPI
import Foundation
import Session
import Testing

@testable import Transcripts

@Suite struct TranscriptCheckTests {
    /// An answer citing the X200 spec page 1 and personal memory, with the X300 retrieved only.
    static let answer: TranscriptTurnOutput = {
        var memory = ScriptedTranscriptDriver.source(3, "", heading: "")
        memory.kind = .personalMemory
        memory.filename = nil
        return ScriptedTranscriptDriver.answer(
            "Arm weight:\u{00A0}24.5 kg [1].\nMy manager is Priya Natarajan [3].",
            sources: [
                ScriptedTranscriptDriver.source(1, "product-x200-spec.pdf", page: 1, heading: "At a glance"),
                ScriptedTranscriptDriver.source(2, "product-x300-spec.pdf", page: 2, heading: "Performance"),
                memory,
            ],
            cited: [1, 3]
        )
    }()

    static let abstention = ScriptedTranscriptDriver.answer(
        "I could not find this in the available documents.",
        sources: [],
        cited: [],
        finish: .noContext
    )

    static let command = TranscriptTurnOutput(
        lines: [.client("1 document"), .client("  doc_1  faq.md  \"FAQ\"  ready")]
    )

    static let failedCommand = TranscriptTurnOutput(
        lines: [.client("error: No document matches 'x'.")],
        failures: [.init(code: .documentNotFound, message: "No document matches 'x'.")]
    )

    private func check(_ line: String, _ output: TranscriptTurnOutput) throws -> TranscriptCheckResult {
        CheckEvaluator.evaluate(try TranscriptCheck.parse(line, line: 1), output: output)
    }

    @Test(
        arguments: [
            ("contains: 24.5 kg", true),
            ("contains: 24.5   kg", true),
            ("contains: 24,5 kg", false),
            ("icontains: ARM WEIGHT", true),
            ("contains: Arm weight: 24.5 kg [1].", true),
            ("contains-any: 38.0 kg | 24.5 kg", true),
            ("contains-all: 24.5 kg | 38.0 kg", false),
            ("icontains-all: arm | priya", true),
            ("regex: (?m)^My manager", true),
            ("regex: \\b38\\.0 kg\\b", false),
            ("not-contains: 38.0 kg", true),
            ("cites: product-x300-spec.pdf, product-x200-spec.pdf", true),
            ("cites: product-x200-spec.pdf#p1", true),
            ("cites: product-x200-spec.pdf#p2", false),
            ("cites-all: product-x200-spec.pdf, memory:personal", true),
            ("cites-all: product-x200-spec.pdf, memory:shared", false),
            ("cites-only: product-x200-spec.pdf, memory:personal", true),
            ("cites-only: product-x200-spec.pdf", false),
            ("not-cites: product-x300-spec.pdf", true),
            ("cites-none", false),
            ("retrieves: product-x300-spec.pdf, product-x200-spec.pdf", true),
            ("retrieves: travel-policy.pdf", false),
            ("finish: stop", true),
            ("finish: no_context", false),
            ("max-words(9)", true),
            ("max-words(8)", false),
            ("max-chars(100)", true),
            ("wer(0.5): Arm weight: 24.5 kg. My manager is Priya Natarajan.", true),
            ("wer(0.1): The arm weighs 38 kg.", false),
            ("error: document_not_found", false),
            ("not-error: document_not_found", true),
        ]
    )
    func checksAgainstAnAnswer(line: String, passes: Bool) throws {
        let result = try check(line, Self.answer)
        #expect(result.status == (passes ? .passed : .failed), "\(line): \(result.message ?? "")")
    }

    @Test func failureMessagesSayWhatIsWrong() throws {
        #expect(try check("contains: 38.0 kg", Self.answer).message == "\"38.0 kg\" is not in the answer")
        #expect(try check("not-contains: 24.5 kg", Self.answer).message == "\"24.5 kg\" is in the answer")
        #expect(
            try check("cites-only: product-x200-spec.pdf", Self.answer).message
                == "cites memory:personal, not listed"
        )
        #expect(try check("cites-none", Self.answer).message == "cites product-x200-spec.pdf, memory:personal")
        #expect(try check("finish: no_context", Self.answer).message == "finished stop, not no_context")
        #expect(
            try check("wer(0.1): The arm weighs 38 kg.", Self.answer).message?.hasPrefix("word error rate ") == true
        )
        #expect(try check("wer(0.5): Arm weight: 24.5 kg.", Self.answer).score != nil)
    }

    @Test func abstentionChecks() throws {
        #expect(try check("finish: no_context", Self.abstention).status == .passed)
        #expect(try check("cites-none", Self.abstention).status == .passed)
        #expect(try check("not-regex: \\b\\d+(\\.\\d+)? kg\\b", Self.abstention).status == .passed)
        #expect(
            try check("wer(0.4): I could not find this in the available documents.", Self.abstention).status == .passed
        )
    }

    @Test func commandTurnsReadTheirClientOutput() throws {
        #expect(try check("contains-all: 1 document | ready", Self.command).status == .passed)
        #expect(try check("error: document_not_found", Self.failedCommand).status == .passed)
        #expect(try check("contains: No document matches", Self.failedCommand).status == .passed)
    }

    @Test func answerChecksFailWithoutAnAnswerNegatedOrNot() throws {
        for line in [
            "cites: faq.md", "not-cites: faq.md", "finish: stop", "not-finish: stop", "max-words(5)", "cites-none",
        ] {
            let result = try check(line, Self.command)
            #expect(result.status == .failed)
            #expect(result.message == "the turn has no answer")
        }
    }

    @Test func judgedChecksAreSkippedNeverPassed() throws {
        let judged = try check("judge(0.8): Gives both values.", Self.answer)
        #expect(judged.status == .skipped)
        #expect(judged.message == "no judge configured")
        #expect(try check("not-faithful", Self.answer).status == .skipped)
        #expect(try check("faithful", Self.answer).check.parameter == 1)
    }

    @Test func unresolvedMarkersAreFound() {
        var turn = Turn(input: "q", answer: "a [1] b [4] c [4]")
        turn.sources = [ScriptedTranscriptDriver.source(1, "a.md", heading: "A")]
        #expect(CheckEvaluator.unresolvedMarkers(of: turn) == [4])
    }
}
