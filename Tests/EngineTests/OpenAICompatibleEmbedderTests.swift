import ChatAPI
import ChatTestSupport
import Embedding
import Foundation
import Testing

@testable import Engine

/// The `/v1/embeddings` embedder against a fake OpenAI-compatible server on an ephemeral loopback port, over the
/// real libcurl transport.
@Suite struct OpenAICompatibleEmbedderTests {
    static func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test func sendsTheModelAndTextsAndReturnsUnitVectorsInInputOrder() async throws {
        // Given a server that lists its items last first, as the API allows.
        let server = try FakeOpenAIServer { FakeOpenAIServer.embeddings(for: $0, reversed: true) }
        let texts = ["parking for bicycles", "annual leave days", "bicycles parking spaces"]
        let vectors = try await server.embedder(apiKey: "sk-test-embeddings").embed(texts, as: .passage)
        #expect(vectors.count == 3)
        #expect(vectors.allSatisfy { $0.count == 32 && abs(Self.cosine($0, $0) - 1) < 1e-4 })
        // In input order: the two texts about bicycles are the close pair.
        #expect(Self.cosine(vectors[0], vectors[2]) > 0.6)
        #expect(Self.cosine(vectors[0], vectors[1]) < 0.3)
        let request = try #require(server.requests.last)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/embeddings")
        #expect(request.headers["authorization"] == "Bearer sk-test-embeddings")
        #expect(FakeOpenAIServer.embeddingInputs(request) == texts)
        #expect(request.bodyText.contains(#""model":"fake-embed""#))
    }

    @Test func anHTTPErrorNamesTheEndpointStatusAndTheServersMessage() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.error(
                status: 404,
                reason: "Not Found",
                message: "model \"nomic-embed\" not found, try pulling it first",
                type: "not_found_error"
            )
        }
        await #expect(
            throws: EngineError.serviceUnavailable(
                "The embedding endpoint \(server.baseURL)/embeddings answered HTTP 404: model \"nomic-embed\" not "
                    + "found, try pulling it first. Check embedding_url and embedding_model (an embedding model the "
                    + "server has)."
            )
        ) {
            _ = try await server.embedder(model: "nomic-embed").embed(["text"], as: .query)
        }
    }

    @Test func aWrongCountOrMixedWidthsAreRefused() async throws {
        let short = try FakeOpenAIServer { _ in
            [
                .send(
                    FakeOpenAIServer.response(
                        status: 200,
                        reason: "OK",
                        body: #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,0]}]}"#
                    )
                )
            ]
        }
        await #expect(
            throws: EngineError.serviceUnavailable(
                "The embedding endpoint \(short.baseURL)/embeddings returned 1 vectors for 2 texts."
            )
        ) {
            _ = try await short.embedder().embed(["one", "two"], as: .passage)
        }
        let mixed = try FakeOpenAIServer { _ in
            [
                .send(
                    FakeOpenAIServer.response(
                        status: 200,
                        reason: "OK",
                        body: #"{"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[1,0,0]}]}"#
                    )
                )
            ]
        }
        await #expect(
            throws: EngineError.serviceUnavailable(
                "The embedding endpoint \(mixed.baseURL)/embeddings returned vectors of differing or zero length."
            )
        ) {
            _ = try await mixed.embedder().embed(["one", "two"], as: .passage)
        }
    }

    @Test func anUnreachableEndpointSaysWhatToCheck() async throws {
        // A server that stopped listening: its port refuses connections.
        let server = try FakeOpenAIServer { FakeOpenAIServer.embeddings(for: $0) }
        let embedder = server.embedder()
        server.stop()
        do {
            _ = try await embedder.embed(["text"], as: .query)
            Issue.record("expected a failure")
        } catch let EngineError.serviceUnavailable(message) {
            #expect(message.hasPrefix("Cannot reach the embedding endpoint \(server.baseURL)/embeddings"))
            #expect(message.hasSuffix("Is the server running? Check embedding_url, or use --embeddings off."))
        }
    }

    @Test func aStoreIsEmbeddedInBatchesThroughTheEndpointAndRanksWithIt() async throws {
        let server = try FakeOpenAIServer { FakeOpenAIServer.embeddings(for: $0, dimension: 64) }
        let store = try await NorthwindStore.make(documents: ["employee-handbook.md", "faq.md"]) {
            $0.embedder = server.embedder()
        }
        await store.knowledgeBase.waitUntilEmbedded()
        let progress = try #require(await store.knowledgeBase.embeddingProgress())
        #expect(progress.model == "fake-embed")
        #expect(progress.total > EmbeddingWorker.batchSize)
        #expect(progress.embedded == progress.total)
        #expect(progress.problem == nil)
        let batches = server.requests.compactMap(FakeOpenAIServer.embeddingInputs)
        #expect(batches.allSatisfy { $0.count <= EmbeddingWorker.batchSize })
        #expect(batches.map(\.count).reduce(0, +) == progress.total)
        #expect(store.knowledgeBase.capabilities().embeddingModel == "fake-embed")
        // A question is embedded too, and hybrid ranking still finds the passage.
        let results = try await store.knowledgeBase.search(SearchRequest(query: "referral bonus"), as: .local)
        #expect(results.results.first?.filename == "employee-handbook.md")
        #expect(FakeOpenAIServer.embeddingInputs(try #require(server.requests.last)) == ["referral bonus"])
    }

    @Test func aFailingEndpointPausesEmbeddingAndWordsStillAnswer() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.error(status: 503, reason: "Service Unavailable", message: "loading model")
        }
        let store = try await NorthwindStore.make(documents: ["faq.md"]) { $0.embedder = server.embedder() }
        await store.knowledgeBase.waitUntilEmbedded()
        let progress = try #require(await store.knowledgeBase.embeddingProgress())
        #expect(progress.embedded == 0)
        #expect(progress.problem?.contains("answered HTTP 503: loading model") == true)
        let results = try await store.knowledgeBase.search(SearchRequest(query: "trade-in program"), as: .local)
        #expect(results.results.first?.filename == "faq.md")
        await store.knowledgeBase.stopEmbedding()
    }
}
