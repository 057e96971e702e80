import ChatAPI
import ChatTestSupport
import Foundation
import GRDB
import Testing

@testable import Engine

@Suite struct IngestionPipelineTests {
    @Test func ownersTakeTurnsAndKeepTheirOwnOrder() {
        var turns = OwnerTurns<String>()
        for index in 1...4 { turns.append("a\(index)", owner: "a") }
        turns.append("b1", owner: "b")
        turns.append("c1", owner: "c")
        turns.append("b2", owner: "b")
        var order: [String] = []
        while let job = turns.next() { order.append(job) }
        #expect(order == ["a1", "b1", "c1", "a2", "b2", "a3", "a4"])
        #expect(turns.isEmpty)
    }

    @Test func manyUploadsAreStoredInUploadOrderWithTheirChunks() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let files = TestCorpus.allDocuments()
        var ids: [String] = []
        for file in files {
            ids.append(
                try await store.knowledgeBase.upload(file: file, title: nil, shared: false, as: .local).response
                    .documentId
            )
        }
        for id in ids {
            let status = try await store.knowledgeBase.waitUntilProcessed(id: id, as: .local)
            #expect(status.status == "completed", "\(id): \(status.error ?? "")")
        }
        // Chunks are stored in upload order, whichever worker finished first.
        let firstChunks = try await store.knowledgeBase.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT documentId FROM chunk GROUP BY documentId ORDER BY min(seq)")
        }
        #expect(firstChunks == ids)
        let copies = try await store.knowledgeBase.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM document WHERE extractedText IS NOT NULL")
        }
        #expect(copies == 0, "the chunks are the only stored copy of the text")
    }

    @Test func ownDocumentsAreFoundBehindManyBetterRowsOfOthers() async throws {
        let directory = TemporaryDirectory()
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
        let other = Principal(id: "usr_other", role: .user)
        let caller = Principal(id: "usr_caller", role: .user)
        // Far more strongly matching chunks than the ranking prefetches, none of them visible to the caller.
        let paragraph = "Zebrafish zebrafish zebrafish tanks need care. "
        let crowded = (0..<(SQLiteStore.rankingPrefetch(limit: 50) + 40)).map { index in
            "## Section \(index)\n\n" + String(repeating: paragraph, count: 18)
        }.joined(separator: "\n\n")
        let theirs = try await knowledgeBase.upload(
            filename: "theirs.md",
            data: Data(crowded.utf8),
            title: nil,
            shared: false,
            as: other
        )
        let mine = try await knowledgeBase.upload(
            filename: "mine.txt",
            data: Data(
                ("The aquarium log mentions one zebrafish among many other animals, plants, filters, pumps and "
                    + "lamps that were checked during the weekly inspection of the laboratory.").utf8
            ),
            title: nil,
            shared: false,
            as: caller
        )
        _ = try await knowledgeBase.waitUntilProcessed(id: theirs.response.documentId, as: other)
        _ = try await knowledgeBase.waitUntilProcessed(id: mine.response.documentId, as: caller)
        let hits = try knowledgeBase.retriever.retrieve(
            RetrievalRequest(
                question: "zebrafish",
                previousQuestion: nil,
                citedDocumentIds: [],
                memoryTexts: [],
                documentIds: nil,
                topK: 5
            ),
            for: caller
        )
        #expect(hits.map(\.documentId) == [mine.response.documentId])
        let theirsHits = try knowledgeBase.retriever.retrieve(
            RetrievalRequest(
                question: "zebrafish",
                previousQuestion: nil,
                citedDocumentIds: [],
                memoryTexts: [],
                documentIds: nil,
                topK: 5
            ),
            for: other
        )
        #expect(theirsHits.count == 3, "at most three chunks of one document")
        #expect(theirsHits.allSatisfy { $0.documentId == theirs.response.documentId && !$0.text.isEmpty })
    }

    @Test func answersKeepReferencesAndTheConversationShowsTheText() async throws {
        let store = try await NorthwindStore.make(documents: ["faq.md"])
        let events = try await store.events("How much does a seat on the Northwind Academy Cobot Operator course cost?")
        let done = try #require(events.done)
        let sources = events.sources
        #expect(!sources.isEmpty)
        let stored = try await store.knowledgeBase.store.pool.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT sourcesJson FROM message WHERE id = ?",
                arguments: [done.messageId]
            )
        }
        let storedSources = try APIJSON.decode([Source].self, from: Data((stored ?? "").utf8))
        #expect(storedSources.allSatisfy { $0.text.isEmpty }, "document sources are stored as chunk references")
        let detail = try store.knowledgeBase.conversation(id: try #require(done.conversationId), as: .local)
        let shown = try #require(detail.messages.last)
        #expect(shown.sources.map { $0.text } == sources.map { $0.text })
    }
}
