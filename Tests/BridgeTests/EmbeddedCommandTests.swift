import Bridge
import ChatClient
import ChatTestSupport
import Foundation
import Testing

/// Commands on the real engine whose results matter to hosts: `/compare` streamed like an answer with the
/// `DocumentComparison` in `done.result`, `/docs` with its list page, and a confined `/upload` with its Documents.
@Suite struct EmbeddedCommandTests {
    private static let store = Task {
        try await NorthwindStore.make(documents: ["product-x200-spec.pdf", "product-x300-spec.pdf"])
    }

    private func run(
        _ lines: [String],
        store: NorthwindStore,
        _ change: (inout BridgeConfiguration) -> Void = { _ in }
    ) async -> ProtocolGrammar.JSONLReport {
        var configuration = BridgeConfiguration(mode: .jsonl)
        change(&configuration)
        let backend = EmbeddedBackend(knowledgeBase: store.knowledgeBase)
        let run = await BridgeDriver.run(configuration, backend: backend, input: ScriptedInput(lines: lines))
        #expect(run.code == 0)
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(ProtocolGrammar.citationSpanProblems(report.events) == [])
        return report
    }

    @Test func compareStreamsLikeAnAnswerAndEndsWithTheComparison() async throws {
        let store = try await Self.store.value
        let report = await run(
            [
                BridgeDriver.json([
                    "op": "command", "id": "cmp", "line": "/compare product-x200-spec.pdf product-x300-spec.pdf",
                ])
            ],
            store: store
        )
        let done = try #require(report.events.terminal(of: "cmp"))
        #expect(done["type"] as? String == "done")
        let result = try #require(done["result"] as? [String: Any])
        #expect((result["document_ids"] as? [String])?.count == 2)
        #expect(result["report"] is String)
        #expect(report.tokens["cmp"] == done["answer"] as? String)
        let stages = report.events.of("cmp").compactMap { $0["stage"] as? String }
        #expect(stages.first == "running")
        #expect(stages.contains("comparing"))
    }

    @Test func docsEndsWithTheListPage() async throws {
        let store = try await Self.store.value
        let report = await run([BridgeDriver.json(["op": "command", "id": "docs", "line": "/docs"])], store: store)
        let result = try #require(report.events.terminal(of: "docs")?["result"] as? [String: Any])
        #expect(result["total"] as? Int == 2)
        #expect(
            (result["items"] as? [[String: Any]])?.compactMap { $0["filename"] as? String }.sorted()
                == ["product-x200-spec.pdf", "product-x300-spec.pdf"]
        )
    }

    @Test func uploadInsideTheRootIndexesAndReturnsDocuments() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let root = TemporaryDirectory(prefix: "bridge-upload-root")
        try FileManager.default.copyItem(
            at: TestCorpus.document("glossary.txt"),
            to: root.url.appendingPathComponent("glossary.txt")
        )
        let report = await run(
            [
                // Same conversation as the second upload, so the two run in order (FIFO per conversation).
                BridgeDriver.json(["op": "command", "id": "up", "line": "/upload glossary.txt", "conversation": "c"]),
                BridgeDriver.json(["op": "command", "id": "again", "line": "/upload glossary.txt", "conversation": "c"]
                ),
            ],
            store: store
        ) { $0.uploadRoot = root.url }
        let done = try #require(report.events.terminal(of: "up"))
        #expect(done["type"] as? String == "done")
        let documents = try #require(done["result"] as? [[String: Any]])
        #expect(documents.first?["filename"] as? String == "glossary.txt")
        #expect(documents.first?["status"] as? String == "completed")
        #expect((done["answer"] as? String)?.hasPrefix("Indexed glossary.txt as doc_") == true)
        let stages = report.events.of("up").compactMap { $0["stage"] as? String }
        #expect(stages.contains("uploading"))
        #expect(report.events.first?["capabilities"] as? [String] == ["upload"])
    }

    @Test func plainCompareIsStreamedWithSources() async throws {
        let store = try await Self.store.value
        var configuration = BridgeConfiguration(mode: .plain)
        configuration.sources = true
        let input = ["/compare product-x200-spec.pdf product-x300-spec.pdf -- payload"]
        let run = await BridgeDriver.run(
            configuration,
            backend: EmbeddedBackend(knowledgeBase: store.knowledgeBase),
            input: ScriptedInput(lines: input)
        )
        #expect(ProtocolGrammar.checkPlain(run.lines, replies: 1) == [])
        #expect(run.lines.contains { $0.hasPrefix(".source ") })
        #expect(run.lines.last == ".")
    }
}
