import ChatAPI
import ChatTestSupport
import Embedding
import Foundation
import Synchronization
import Testing

@testable import Engine

/// Vectors in the store and hybrid ranking, with the real multilingual-e5-small encoder
/// (scripts/install-model.sh; CI installs it).
@Suite struct SemanticRetrievalTests {
    static let encoder = Result {
        let environment = ProcessInfo.processInfo.environment
        let path =
            environment["CHATSHELL_EMBEDDING_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ModelLocation.defaultPath(environment: environment)
        return try SentenceEncoder(path: path)
    }

    /// The real encoder, counting the passages it embeds and answering under a chosen fingerprint.
    final class CountingEmbedder: Embedder {
        let base: InProcessEmbedder
        let fingerprint: String
        private let passages = Mutex(0)

        init(fingerprint: String = "test-model") throws {
            base = InProcessEmbedder(encoder: try SemanticRetrievalTests.encoder.get())
            self.fingerprint = fingerprint
        }

        var model: String { base.model }
        var embeddedPassages: Int { passages.withLock { $0 } }

        func embed(_ texts: [String], as role: EmbeddingRole) async throws -> [[Float]] {
            if role == .passage { passages.withLock { $0 += texts.count } }
            return try await base.embed(texts, as: role)
        }
    }

    static let documents = ["standort-leipzig-de.md", "employee-handbook.md", "travel-policy.pdf", "faq.md"]

    static func sourceFiles(_ events: [StreamEvent]) -> [String] {
        events.sources.filter { $0.kind == .document }.compactMap(\.filename)
    }

    static func searchFiles(_ store: NorthwindStore, _ question: String) async throws -> [String] {
        try await store.knowledgeBase.search(SearchRequest(query: question, topK: 5), as: .local).results
            .compactMap(\.filename)
    }

    @Test func vectorsFollowTheLexicalCommitAndEveryChunkGetsOne() async throws {
        let embedder = try CountingEmbedder()
        let store = try await NorthwindStore.make(documents: Self.documents) { $0.embedder = embedder }
        // Searchable by words as soon as processed, whether or not vectors exist yet.
        #expect(try await Self.searchFiles(store, "Straßenbahn Haltestelle").first == "standort-leipzig-de.md")
        await store.knowledgeBase.waitUntilEmbedded()
        let progress = try #require(await store.knowledgeBase.embeddingProgress())
        #expect(progress.total > 0)
        #expect(progress.embedded == progress.total)
        #expect(progress.model == "e5-small-q4")
        #expect(embedder.embeddedPassages == progress.total)
        #expect(store.knowledgeBase.capabilities().embeddingModel == "e5-small-q4")
    }

    @Test func aRestartKeepsTheVectorsAndEmbedsOnlyWhatIsMissing() async throws {
        // Given a store filled with embeddings off: every chunk lacks its vector.
        let lexical = try await NorthwindStore.make(documents: Self.documents)
        let directory = lexical.directory
        // When it is opened with embeddings on, the missing vectors are made.
        let first = try CountingEmbedder()
        let second = try KnowledgeBase(
            configuration: EngineConfiguration(dataDirectory: directory.url, embedder: first)
        )
        await second.waitUntilEmbedded()
        let total = try #require(await second.embeddingProgress()).total
        #expect(first.embeddedPassages == total)
        #expect(try #require(await second.embeddingProgress()).embedded == total)
        await second.stopEmbedding()
        // And opened again with the same model, nothing is embedded twice; another model re-embeds everything.
        let same = try CountingEmbedder()
        let third = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url, embedder: same))
        await third.waitUntilEmbedded()
        #expect(same.embeddedPassages == 0)
        #expect(third.retriever.vectors.count == total)
        await third.stopEmbedding()
        let other = try CountingEmbedder(fingerprint: "another-model")
        let fourth = try KnowledgeBase(
            configuration: EngineConfiguration(dataDirectory: directory.url, embedder: other)
        )
        await fourth.waitUntilEmbedded()
        #expect(other.embeddedPassages == total)
        #expect(fourth.retriever.vectors.count == total)
    }

    @Test func deletedDocumentsLeaveNeitherVectorsNorResults() async throws {
        let store = try await NorthwindStore.make(documents: Self.documents) { $0.embedder = try? CountingEmbedder() }
        await store.knowledgeBase.waitUntilEmbedded()
        let leipzig = try #require(store.ids["standort-leipzig-de.md"])
        let before = try #require(await store.knowledgeBase.embeddingProgress())
        _ = try store.knowledgeBase.deleteDocument(id: leipzig, viaAdmin: false, as: .local)
        let after = try #require(await store.knowledgeBase.embeddingProgress())
        #expect(after.embedded < before.embedded)
        #expect(after.embedded == after.total)
        let found = try await Self.searchFiles(store, "Where can employees leave their bicycles?")
        #expect(!found.contains("standort-leipzig-de.md"))
    }

    @Test func aDocumentFilterHoldsForTheSemanticSideToo() async throws {
        let store = try await NorthwindStore.make(documents: Self.documents) { $0.embedder = try? CountingEmbedder() }
        await store.knowledgeBase.waitUntilEmbedded()
        let handbook = try #require(store.ids["employee-handbook.md"])
        let results = try await store.knowledgeBase.search(
            SearchRequest(query: "Where can employees leave their bicycles?", documentIds: [handbook], topK: 5),
            as: .local
        ).results
        #expect(!results.isEmpty)
        #expect(results.allSatisfy { $0.documentId == handbook })
    }

    @Test func reciprocalRankFusionRewardsAgreementAndKeepsEitherListsWinners() {
        let tuning = RetrievalTuning()
        let fused = Retriever.fuse(lexical: [1, 2, 3], semantic: [3, 4], tuning: tuning)
        let order = fused.keys.sorted { fused[$0, default: 0] > fused[$1, default: 0] }
        // 3 is in both lists and wins; 1 (first by words) beats 4 (second by meaning).
        #expect(order.first == 3)
        #expect(Set(order) == [1, 2, 3, 4])
        #expect(fused[1, default: 0] == 1.0 / 61.0)
    }
}
