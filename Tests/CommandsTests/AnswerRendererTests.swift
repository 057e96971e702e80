import ChatAPI
import Testing

@testable import Commands

@Suite struct AnswerRendererTests {
    private func source(
        _ n: Int,
        file: String = "travel-policy.pdf",
        page: Int? = 1,
        heading: String? = "5. Hotels"
    )
        -> Source
    {
        Source(
            n: n,
            id: "chk_\(n)",
            kind: .document,
            documentId: "doc_1",
            chunkId: "chk_\(n)",
            filename: file,
            title: "Travel Policy",
            page: page,
            snippet: "s",
            text: "t",
            score: 1,
            heading: heading
        )
    }

    private func done(_ answer: String, cited: [Int], reason: FinishReason = .stop) -> DoneEvent {
        DoneEvent(
            finishReason: reason,
            answer: answer,
            citations: cited.map { Citation(n: $0, sourceId: "chk_\($0)", spans: []) },
            usage: Usage(promptTokens: 1, completionTokens: 1),
            timingsMs: Timings(retrieval: 1, firstToken: 1, total: 1),
            conversationId: "cnv_1",
            messageId: "msg_1"
        )
    }

    private func plain(_ pieces: [RenderPiece]) -> String {
        pieces.map { piece in
            switch piece {
            case .answer(let text): text.plain
            case .lines(let lines): lines.map { $0.plain + "\n" }.joined()
            case .error(let message): "error: \(message)\n"
            case .status: ""
            }
        }.joined()
    }

    @Test func partialMarkerIsHeldBackUntilItCloses() {
        var renderer = AnswerRenderer()
        _ = renderer.render(.sources([source(1)]))
        let first = renderer.render(.token("The cap is $320 ["))
        #expect(plain(first) == "The cap is $320 ")
        let second = renderer.render(.token("1]."))
        #expect(second == [.answer(StyledText(runs: [.init(.marker, "[1]"), .init(.plain, ".")]))])
    }

    @Test func sourcesListCitedThenCountsTheRest() {
        var renderer = AnswerRenderer()
        var pieces = renderer.render(.sources([source(1), source(2, file: "faq.md", page: nil, heading: nil)]))
        pieces += renderer.render(.token("Cap $320 [1]."))
        pieces += renderer.render(.done(done("Cap $320 [1].", cited: [1])))
        #expect(
            plain(pieces) == """
                Cap $320 [1].

                Sources:
                  [1] travel-policy.pdf p.1 "5. Hotels"
                  (+1 more retrieved: /sources)

                """
        )
    }

    @Test func abstentionPrintsNoSources() {
        var renderer = AnswerRenderer()
        var pieces = renderer.render(.sources([]))
        pieces += renderer.render(.token("I could not find this in the available documents."))
        pieces += renderer.render(
            .done(done("I could not find this in the available documents.", cited: [], reason: .noContext))
        )
        #expect(plain(pieces) == "I could not find this in the available documents.\n(no sources)\n")
    }

    @Test func interruptionKeepsThePartialText() {
        var renderer = AnswerRenderer()
        _ = renderer.render(.sources([source(1)]))
        var pieces = renderer.render(.token("Full-time employees receive "))
        pieces += renderer.interrupt()
        #expect(plain(pieces) == "Full-time employees receive \n[interrupted]\n")
    }

    @Test func longSectionNamesAreCutToFortyColumns() {
        let label = SourceFormatter.label(source(3, heading: String(repeating: "Überblick ", count: 8)))
        #expect(label.hasPrefix("[3] travel-policy.pdf p.1 \"Überblick"))
        #expect(label.hasSuffix("…\""))
        let quoted = label.split(separator: "\"")[1]
        #expect(DisplayWidth.of(String(quoted)) <= 40)
    }

    @Test func wideCharactersTakeTwoColumns() {
        #expect(DisplayWidth.of("漢字") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("🤖") == 2)
    }
}
