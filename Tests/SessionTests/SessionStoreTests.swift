import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Session

@Suite struct SessionStoreTests {
    private func done(_ answer: String) -> DoneEvent {
        DoneEvent(
            finishReason: .stop,
            answer: answer,
            citations: [Citation(n: 1, sourceId: "chk_1", spans: [Span(start: 4, end: 7)])],
            usage: Usage(promptTokens: 1, completionTokens: 2),
            timingsMs: Timings(retrieval: 1, firstToken: 2, total: 3),
            conversationId: "cnv_1",
            messageId: "msg_2"
        )
    }

    @Test func recorderFoldsAStreamIntoATurn() {
        var recorder = TurnRecorder(input: "Cap?")
        recorder.observe(
            .meta(MetaEvent(requestId: nil, conversationId: "cnv_1", messageId: "msg_2", model: "extractive"))
        )
        recorder.observe(
            .sources([Source(n: 1, id: "chk_1", kind: .document, title: "T", snippet: "s", text: "t", score: 1)])
        )
        recorder.observe(.token("Cap "))
        recorder.observe(.token("[1]"))
        recorder.observe(.done(done("Cap [1]")))
        #expect(recorder.turn.answer == "Cap [1]")
        #expect(recorder.turn.finishReason == .stop)
        #expect(recorder.turn.conversationId == "cnv_1")
        #expect(recorder.turn.citedSources.map(\.id) == ["chk_1"])
    }

    @Test func interruptedTurnKeepsItsPartialText() {
        var recorder = TurnRecorder(input: "Leave?")
        recorder.observe(.token("Full-time employees "))
        recorder.interrupt()
        #expect(recorder.turn.interrupted)
        #expect(recorder.turn.answer == "Full-time employees ")
        #expect(recorder.turn.finishReason == .cancelled)
    }

    @Test func fileStoreSavesOwnerOnlyAndSurvivesReload() throws {
        let directory = TemporaryDirectory()
        let store = FileSessionStore(directory: directory.url.appendingPathComponent("sessions"))
        let turn = Turn(input: "Cap?", answer: "Cap [1]", finishReason: .stop, conversationId: "cnv_1")
        let session = SavedSession(
            name: "2026-11-26-cap",
            createdAt: Date(),
            updatedAt: Date(),
            backendConversationId: "cnv_1",
            turns: [turn]
        )
        try store.save(session)
        try store.save(session)
        let path = directory.url.appendingPathComponent("sessions/2026-11-26-cap.json").path
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let reopened = FileSessionStore(directory: directory.url.appendingPathComponent("sessions"))
        let loaded = try #require(try reopened.load(name: "2026-11-26-cap"))
        #expect(loaded.turns.map(\.answer) == ["Cap [1]"])
        #expect(loaded.turns.first?.finishReason == .stop)
        #expect(loaded.backendConversationId == "cnv_1")
        #expect(try reopened.list().map(\.name) == ["2026-11-26-cap"])
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: directory.url.appendingPathComponent("sessions").path
        )
        #expect(leftovers == ["2026-11-26-cap.json"])
    }

    @Test func sessionsAreNamedByDateAndFirstWords() {
        let name = SessionNaming.name(for: "What is the nightly hotel cap in high-cost cities?", date: Date())
        #expect(name.hasSuffix("-nightly-hotel-cap"))
        #expect(name.count == "YYYY-MM-DD-nightly-hotel-cap".count)
    }

    @Test func conversationKeepsTheBackendIdAndResets() async {
        let conversation = ActiveSession()
        await conversation.record(Turn(input: "Cap?", conversationId: "cnv_9"))
        #expect(await conversation.backendConversationId == "cnv_9")
        #expect(await conversation.snapshot() != nil)
        await conversation.reset()
        #expect(await conversation.backendConversationId == nil)
        #expect(await conversation.turns.isEmpty)
    }
}
