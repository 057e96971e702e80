import ChatAPI
import Foundation
import Testing

@testable import Transcripts

@Suite struct TranscriptParsingTests {
    static let example = """
        # NR-X200 lookup, a follow-up that needs it, and an unanswerable question.
        @ corpus: samples/northwind/docs/
        @ options: top_k=4 retrieval=lexical answerer=extractive

        > What is the repeatability of the NR-X200?
        ~ Repeatability: ±0.03 mm [1].
        |
        | Sources:
        |   [1] product-x200-spec.pdf p.[NUM] "[..]"
        | ...
        ? contains: 0.03 mm
        ? cites: product-x200-spec.pdf
        ? not-cites: product-x300-spec.pdf

        > And how much does the arm weigh?
        @ options: top_k=2
        @ timeout: 5s
        ~ Arm weight: 24.5 kg [1].
        ? wer(0.4): Arm weight: 24.5 kg.

        > \"\"\"
        > two lines
        """

    @Test func parsesDirectivesTurnsOutputAndChecks() throws {
        let transcript = try Transcript.parse(Self.example, path: "x.chat")

        #expect(transcript.corpus == [TranscriptCorpusPath(path: "samples/northwind/docs/", line: 2)])
        #expect(transcript.options == TranscriptOptions(topK: 4, retrieval: "lexical", answerer: "extractive"))
        #expect(transcript.role == .user)
        #expect(transcript.turns.count == 3)

        let first = transcript.turns[0]
        #expect(first.input == "What is the repeatability of the NR-X200?")
        #expect(first.line == 5)
        #expect(first.expected.map(\.isAnswer) == [true, false, false, false, false])
        #expect(first.expected[3].text == "  [1] product-x200-spec.pdf p.[NUM] \"[..]\"")
        #expect(first.checks.map(\.name) == ["contains", "cites", "not-cites"])
        #expect(first.checks[2].documentList == ["product-x300-spec.pdf"])

        let second = transcript.turns[1]
        #expect(second.options == TranscriptOptions(topK: 2))
        #expect(second.timeout == .seconds(5))
        #expect(second.checks.first?.kind == .wer)
        #expect(second.checks.first?.parameter == 0.4)

        #expect(transcript.turns[2].input == "\"\"\"\ntwo lines")
    }

    @Test(
        arguments: [
            ("> a\r\n", 1, "carriage return in the file: transcripts use LF line ends"),
            ("> a\n#! FAIL x\n", 2, "'#!' annotations belong in .actual files only"),
            ("hello\n", 1, "line starts with no known prefix (#, @, >, ~, |, ?): 'hello'"),
            (">a\n", 1, "expected a space after '>'"),
            ("@ color: red\n", 1, "unknown directive '@ color' (known: corpus, options, user, redact, timeout, skip)"),
            ("~ early\n", 1, "output before the first '>' line"),
            ("? contains: x\n", 1, "a check before the first '>' line"),
            (
                "> a\n? smells: fine\n", 2,
                "unknown check 'smells' (known: contains, icontains, contains-any, "
                    + "contains-all, icontains-any, icontains-all, regex, cites, cites-all, cites-only, cites-none, "
                    + "retrieves, finish, error, max-words, max-chars, wer, judge, faithful)"
            ),
            ("> a\n? regex: (unclosed\n", 2, "invalid regex '(unclosed'"),
            ("> a\n| x (re\n| [ (re)\n", 3, "invalid regex '['"),
            ("> a\n@ corpus: docs/\n", 2, "'@ corpus' must come before the first '>' line"),
            ("> a\n~ b\n@ timeout: 5s\n", 3, "'@ timeout' must follow the turn's '>' lines, before its output"),
            ("> a\n? contains: a\n~ b\n", 3, "output after the turn's checks"),
            ("> a\n~ b\n# note\n| c\n", 3, "a comment inside the output section"),
            ("> /docs\n> more\n", 2, "a slash command must be one line"),
            ("@ options: top_k=50\n", 1, "top_k must be a whole number from 1 to 20, not '50'"),
            (
                "@ options: temperature=1\n", 1,
                "unknown option 'temperature' (known: top_k, retrieval, answerer, memory)"
            ),
            (
                "@ corpus: /etc/passwd\n", 1,
                "absolute corpus path '/etc/passwd': use a path relative to the repository root"
            ),
            ("@ user: root\n", 1, "@ user must be anonymous, user or admin, not 'root'"),
            ("@ redact: [ticket] = T-\\d+\n", 1, "placeholder names are upper case, as in [TICKET], not '[ticket]'"),
            ("> a\n? finish: done\n", 2, "finish must be one of stop, length, cancelled, no_context, not 'done'"),
            ("> a\n? max-words: 5\n", 2, "max-words needs a whole number, as in max-words(50)"),
            ("> a\n? cites-none: x.pdf\n", 2, "cites-none takes no value"),
            ("> a\n? contains\n", 2, "contains needs a value after ': '"),
        ]
    )
    func rejectsInvalidTranscripts(text: String, line: Int, message: String) {
        #expect(throws: TranscriptSyntaxError(path: "bad.chat", line: line, message: message)) {
            try Transcript.parse(text, path: "bad.chat")
        }
    }

    @Test func syntaxErrorReadsAsFileLineMessage() {
        let error = TranscriptSyntaxError(path: "transcripts/a.chat", line: 7, message: "unknown check 'x'")
        #expect(error.description == "transcripts/a.chat:7: unknown check 'x'")
    }

    @Test func annotationsAreSkippedInActualFiles() throws {
        let transcript = try Transcript.parse("> a\n| b\n#! FAIL x\n", path: "a.chat.actual", allowAnnotations: true)
        #expect(transcript.turns.first?.expected.map(\.text) == ["b"])
    }

    @Test func customPlaceholdersAndSkip() throws {
        let transcript = try Transcript.parse(
            "@ redact: [TICKET] = SS-\\d{4}-\\d{4}\n@ skip: needs a model\n@ user: admin\n",
            path: "a.chat"
        )
        #expect(transcript.redactions == [TranscriptRedaction(name: "TICKET", pattern: "SS-\\d{4}-\\d{4}")])
        #expect(transcript.skip == "needs a model")
        #expect(transcript.role == .admin)
    }

    @Test func writerProducesAParsableTranscriptWithSuggestedChecks() throws {
        // Given a recorded abstention and a failed command
        let abstention = ScriptedTranscriptDriver.answer(
            "I could not find this in the available documents.",
            sources: [],
            cited: [],
            finish: .noContext
        )
        let failure = TranscriptTurnOutput(
            lines: [.client("error: Unknown command '/uplaod'. Did you mean '/upload'?")],
            failures: [.init(code: .init("unknown_command"), message: "Unknown command")]
        )
        let cited = ScriptedTranscriptDriver.answer(
            "Arm weight: 24.5 kg [1].",
            sources: [ScriptedTranscriptDriver.source(1, "product-x200-spec.pdf", page: 1, heading: "At a glance")],
            cited: [1]
        )
        let writer = TranscriptWriter(corpus: ["samples/northwind/docs/"], options: TranscriptOptions(topK: 4))

        // When it is written
        let text = writer.text([
            RecordedTurn(input: "What is the maximum payload of the NR-X400?", output: abstention),
            RecordedTurn(input: "/uplaod x", output: failure),
            RecordedTurn(input: "How much does the arm weigh?", output: cited),
        ])

        // Then
        #expect(
            text == """
                @ corpus: samples/northwind/docs/
                @ options: top_k=4

                > What is the maximum payload of the NR-X400?
                ~ I could not find this in the available documents.
                | (no sources)
                ? finish: no_context
                ? cites-none

                > /uplaod x
                | error: Unknown command '/uplaod'. Did you mean '/upload'?
                ? error: unknown_command

                > How much does the arm weigh?
                ~ Arm weight: 24.5 kg [1].
                |
                | Sources:
                |   [1] product-x200-spec.pdf p.1 "At a glance"
                ? cites: product-x200-spec.pdf

                """
        )
        #expect(try Transcript.parse(text, path: "w.chat").turns.count == 3)
    }

    @Test func actualStampNamesTheTranscriptAndItsSHA256() {
        #expect(
            ActualFileStamp.line(name: "w.chat", contents: Data("abc".utf8))
                == "#! from w.chat sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(
            ActualFileStamp.line(name: "e.chat", contents: Data())
                == "#! from e.chat sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }
}
