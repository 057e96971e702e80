import ChatAPI
import ChatTestSupport
import Foundation
import GRDB
import Testing

@testable import Engine

/// The rare-phrases-first plan returns exactly what FTS5's full ranking returns, or declines.
@Suite struct PrunedRankingTests {
    /// One document of 400 sections (one chunk each): "northwind" in all, "pump" in a third, "zebrafish" in 16.
    private func makeStore() async throws -> (KnowledgeBase, TemporaryDirectory) {
        let directory = TemporaryDirectory()
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
        let sections = (0..<400).map { index in
            var text = "## Section \(index)\n\nThe northwind team met on day \(index)."
            if index % 3 == 0 { text += " The pump needs oil and the pump needs care." }
            if index % 25 == 0 { text += String(repeating: " Zebrafish tanks.", count: 1 + index % 4) }
            return text
        }
        let id = try await knowledgeBase.upload(
            filename: "sections.md",
            data: Data(sections.joined(separator: "\n\n").utf8),
            title: nil,
            shared: false,
            as: .local
        ).response.documentId
        #expect(try await knowledgeBase.waitUntilProcessed(id: id, as: .local).status == "completed")
        return (knowledgeBase, directory)
    }

    private func fullRanking(_ store: SQLiteStore, _ expression: String, limit: Int) throws -> [(Int64, Double)] {
        try store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid, -bm25(chunk_fts, 4, 2, 1) AS score FROM chunk_fts WHERE chunk_fts MATCH ?
                    ORDER BY score DESC, rowid ASC LIMIT ?
                    """,
                arguments: [expression, limit]
            ).map { ($0["rowid"], $0["score"]) }
        }
    }

    @Test func rarePhrasesFirstGiveTheFullRankingExactly() async throws {
        let (knowledgeBase, directory) = try await makeStore()
        _ = directory
        let store = knowledgeBase.store
        let phrases = ["\"northwind\"*", "\"zebrafish\"*", "\"pump\""]
        let pruned = try await store.pool.read { db in
            try store.prunedRanking(db, phrases: phrases, principal: .local, weights: (4, 2, 1), limit: 10)
        }
        let found = try #require(pruned, "the plan applies: zebrafish is rare, the proof holds")
        let full = try fullRanking(store, phrases.joined(separator: " OR "), limit: 10)
        #expect(found.map(\.seq) == full.map(\.0))
        for (chunk, exact) in zip(found, full) { #expect(abs(chunk.score - exact.1) < 1e-9) }
        // And through the public path, which now takes the plan.
        let ranked = try store.rankChunks(
            matching: [phrases.joined(separator: QueryAnalyzer.phraseSeparator)],
            for: .local,
            documentIds: nil,
            weights: (4, 2, 1),
            limit: 10
        )
        #expect(ranked.first?.map(\.seq) == full.map(\.0))
    }

    @Test func withoutARarePhraseOrAProofTheFullRankingRuns() async throws {
        let (knowledgeBase, directory) = try await makeStore()
        _ = directory
        let store = knowledgeBase.store
        // Only common phrases: nothing to start from.
        let common = ["\"northwind\"*", "\"pump\""]
        #expect(
            try await store.pool.read { db in
                try store.prunedRanking(db, phrases: common, principal: .local, weights: (4, 2, 1), limit: 10)
            } == nil
        )
        // A rare phrase with fewer rows than asked for: the common rows may fill the list, so no proof.
        let few = ["\"zebrafish\"*", "\"pump\""]
        #expect(
            try await store.pool.read { db in
                try store.prunedRanking(db, phrases: few, principal: .local, weights: (4, 2, 1), limit: 40)
            } == nil
        )
        for phrases in [common, few] {
            let ranked = try store.rankChunks(
                matching: [phrases.joined(separator: QueryAnalyzer.phraseSeparator)],
                for: .local,
                documentIds: nil,
                weights: (4, 2, 1),
                limit: 40
            )
            #expect(
                ranked.first?.map(\.seq)
                    == (try fullRanking(store, phrases.joined(separator: " OR "), limit: 40)).map(\.0)
            )
        }
    }
}
