import ChatAPI
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@testable import Engine

/// `/compare` with a language model: the model writes the report from the compared documents' passages and the
/// comparer's findings, through the same marker normalisation and failure handling as answers, over real HTTP to
/// a fake OpenAI-compatible server.
@Suite struct ModelComparisonTests {
    static let sheets = ["product-x200-spec.pdf", "product-x300-spec.pdf"]

    /// The two spec sheets in a store whose answerer talks to `server`.
    static func store(
        _ server: FakeOpenAIServer,
        firstToken: Duration = .seconds(120),
        clock: CompletionClock = .continuous
    ) async throws -> NorthwindStore {
        let answerer = server.answerer(firstToken: firstToken, clock: clock)
        return try await NorthwindStore.make(documents: sheets) { $0.answerer = answerer }
    }

    static func compare(_ store: NorthwindStore, query: String? = nil) async throws -> [StreamEvent] {
        let ids = try sheets.map { try #require(store.ids[$0]) }
        var events: [StreamEvent] = []
        for try await event in try store.knowledgeBase.compare(
            CompareRequest(documentIds: ids, query: query),
            as: .local
        ) {
            events.append(event)
        }
        return events
    }

    @Test func theModelWritesTheReportWithNormalisedMarkers() async throws {
        // Given a model that writes a report with a split marker, a grouped one and a number beyond the sources
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.stream(
                ["## Differences\n- Payload: 8 kg [", "2] vs 14 kg [17].\n", "- Both are 6-axis arms [1, 15]. [99]"],
                usage: (prompt: 3_000, completion: 40)
            )
        }
        let store = try await Self.store(server)

        // When the sheets are compared
        let events = try await Self.compare(store)

        // Then meta names the model, the report is the model's text with adjacent markers, and no token splits one
        guard case .meta(let meta) = events.first else { Issue.record("no meta first"); return }
        #expect(meta.model == "fake-model")
        let done = try #require(events.done)
        let comparison = try #require(done.comparison)
        #expect(done.answer == "## Differences\n- Payload: 8 kg [2] vs 14 kg [17].\n- Both are 6-axis arms [1][15]. ")
        #expect(comparison.report == done.answer)
        #expect(done.finishReason == .stop)
        #expect(done.usage == Usage(promptTokens: 3_000, completionTokens: 40))
        #expect(Set(done.citations.map(\.n)) == [1, 2, 15, 17])
        for case .token(let chunk) in events { #expect(!chunk.hasSuffix("[") && !chunk.hasPrefix("2]")) }
        let tokens = events.compactMap { if case .token(let text) = $0 { text } else { nil } }
        #expect(tokens.joined() == done.answer)
        // The structured lists stay the deterministic comparer's: both values of each difference
        #expect(
            comparison.differences.contains { $0.hasPrefix("Rated payload: 8 kg [") && $0.contains("] vs 14 kg [") }
        )
        #expect(comparison.sources.count >= 17)
    }

    @Test func thePromptCarriesBothDocumentsPassagesFindingsAndTheQuery() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["- Payload differs [2][17]."]) }
        let store = try await Self.store(server)
        let events = try await Self.compare(store, query: "How do payload and reach differ?")

        let request = try #require(server.requests.last { $0.path.hasSuffix("/chat/completions") })
        let messages = request.messageContents
        try #require(messages.count == 2)
        #expect(messages[0].contains("Never call equal values a difference."))
        let prompt = messages[1]
        #expect(prompt.contains("1. NR-X200 Kestrel Product Specification"))
        #expect(prompt.contains("2. NR-X300 Osprey Product Specification"))
        #expect(prompt.contains("File: product-x200-spec.pdf") && prompt.contains("File: product-x300-spec.pdf"))
        #expect(prompt.contains("Rated payload: 8 kg ["))
        #expect(prompt.hasSuffix("Request: How do payload and reach differ?"))
        // Sized for a 4,096-token context: every source stays citable by its header, differences come first
        #expect(prompt.count < 12_000)
        try #require(events.sources.count > 2)
        for n in 1...events.sources.count { #expect(prompt.contains("\n[\(n)] Title: "), "source \(n)") }
        let differences = try #require(prompt.range(of: "## Differences"))
        if let similarities = prompt.range(of: "## Similarities") {
            #expect(differences.lowerBound < similarities.lowerBound)
        }
    }

    @Test func anUnreachableModelEndsTheComparisonWithLLMUnavailable() async throws {
        // Given a model server that fails every completion
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.error(status: 503, reason: "Service Unavailable", message: "loading model")
        }
        let store = try await Self.store(server)

        // When the sheets are compared
        let events = try await Self.compare(store)

        // Then the stream ends with the error after the sources, and no report is made up
        guard case .error(let error) = events.last else { Issue.record("no error event"); return }
        #expect(error.code == .llmUnavailable)
        #expect(error.message.contains(server.baseURL.absoluteString))
        #expect(events.done == nil)
        #expect(!events.sources.isEmpty)
    }

    @Test func aSilentModelTimesOut() async throws {
        let server = try FakeOpenAIServer { _ in [.hang] }
        // The limit runs out once the server holds the request: on real time a loaded machine could spend the
        // 0.3 s before connecting, and then there would be no connection to close.
        let expiry = Gate()
        let store = try await Self.store(server, firstToken: .milliseconds(300), clock: .expiring(at: expiry))
        async let comparison = Self.compare(store)
        #expect(await server.waitForRequests(1))
        expiry.open()
        let events = try await comparison
        guard case .error(let error) = events.last else { Issue.record("no error event"); return }
        #expect(error.code == .timeout)
        #expect(await server.waitForDisconnect())
    }

    @Test func theSynchronousResultIsTheModelsReport() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["- Reach: 1,050 mm [2] vs 1,300 mm [17]."]) }
        let store = try await Self.store(server)
        let ids = try Self.sheets.map { try #require(store.ids[$0]) }
        let result = try await store.knowledgeBase.compareResult(CompareRequest(documentIds: ids), as: .local)
        #expect(result.report == "- Reach: 1,050 mm [2] vs 1,300 mm [17].")
        #expect(result.citations.map(\.n) == [2, 17])
    }
}
