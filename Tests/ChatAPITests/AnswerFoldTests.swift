import ChatAPI
import Testing

@Suite struct AnswerFoldTests {
    private static let source = Source(
        n: 1,
        id: "chk_1",
        kind: .document,
        title: "T",
        snippet: "s",
        text: "s",
        score: 1
    )

    private static func done(_ reason: FinishReason, answer: String) -> DoneEvent {
        DoneEvent(
            finishReason: reason,
            answer: answer,
            citations: [Citation(n: 1, sourceId: "chk_1", spans: [Span(start: 4, end: 7)])],
            usage: Usage(promptTokens: 1, completionTokens: 2),
            timingsMs: Timings(retrieval: 1, firstToken: 2, total: 3),
            conversationId: "cnv_2",
            messageId: "msg_1"
        )
    }

    @Test func citationsOfOneSourceMergeTheirSpansInOrder() {
        var fold = AnswerFold()
        fold.observe(.meta(MetaEvent(requestId: "req_1", conversationId: "cnv_1", messageId: nil, model: "m")))
        fold.observe(.sources([Self.source]))
        fold.observe(.token("Cap [1] and [1]"))
        fold.observe(.citation(CitationEvent(n: 1, sourceId: "chk_1", span: Span(start: 4, end: 7))))
        fold.observe(.citation(CitationEvent(n: 1, sourceId: "chk_1", span: Span(start: 12, end: 15))))
        #expect(
            fold.citations == [
                Citation(n: 1, sourceId: "chk_1", spans: [.init(start: 4, end: 7), .init(start: 12, end: 15)])
            ]
        )
        #expect(fold.answer == "Cap [1] and [1]")
        #expect(fold.tokenCount == 1)
        #expect(fold.receivedSources)
        #expect(!fold.isFinished)
        #expect(fold.finishReason == nil)
        #expect(fold.response == nil)
    }

    @Test func doneIsTheAuthoritativeAnswer() {
        var fold = AnswerFold()
        fold.observe(.meta(MetaEvent(requestId: "req_1", conversationId: "cnv_1", messageId: nil, model: "m")))
        fold.observe(.sources([Self.source]))
        fold.observe(.token("Cap"))
        fold.observe(.done(Self.done(.stop, answer: "Cap [1]")))
        #expect(fold.answer == "Cap [1]")
        #expect(fold.conversationId == "cnv_2")
        #expect(fold.finishReason == .stop)
        #expect(!fold.interrupted)
        #expect(fold.response?.requestId == "req_1")
        #expect(fold.response?.sources == [Self.source])
    }

    @Test func aBackendCancelledDoneCountsAsInterrupted() {
        var fold = AnswerFold()
        fold.observe(.done(Self.done(.cancelled, answer: "Cap")))
        #expect(fold.interrupted)
        #expect(fold.finishReason == .cancelled)
    }

    @Test func interruptionKeepsThePartialTextAndAnErrorKeepsNoReason() {
        var stopped = AnswerFold()
        stopped.observe(.token("Full-time "))
        stopped.interrupt()
        #expect(stopped.answer == "Full-time ")
        #expect(stopped.finishReason == .cancelled)
        #expect(stopped.isFinished)

        var failed = AnswerFold()
        failed.observe(.error(StreamErrorEvent(code: .llmUnavailable, message: "down")))
        failed.interrupt()
        #expect(failed.finishReason == nil)
        #expect(failed.error?.code.httpStatus == 503)
    }

    @Test func theShutdownDoneRepeatsWhatWasSent() {
        var fold = AnswerFold()
        fold.observe(.meta(MetaEvent(requestId: nil, conversationId: "cnv_1", messageId: "msg_1", model: "m")))
        fold.observe(.token("two words"))
        let done = fold.cancelledDone(elapsedMs: 9)
        #expect(done.answer == "two words")
        #expect(done.usage.completionTokens == 2)
        #expect(done.messageId == "msg_1")
        #expect(done.finishReason == .cancelled)
    }

    @Test func streamErrorCodesCarryTheirHTTPStatus() {
        #expect(ErrorCode.timeout.httpStatus == 504)
        #expect(ErrorCode.serviceUnavailable.httpStatus == 503)
        #expect(ErrorCode.internalError.httpStatus == 500)
        #expect(ErrorCode.documentNotFound.httpStatus == 404)
        #expect(ErrorCode.unknownCommand.httpStatus == 400)
        #expect(ErrorCode("some_future_code").httpStatus == 500)
        #expect(StreamErrorEvent.endedEarly().message == "The answer stream ended before its done event. Ask again.")
    }
}
