import ChatAPI
import ChatTestSupport
import Foundation
import GRDB
import Testing

@testable import Engine

/// Chunk text is stored deflated; what reads it, and the index fed from it, see the plain text.
@Suite struct ChunkTextTests {
    @Test func textRoundTripsAndShortTextStaysPlain() throws {
        let long = String(repeating: "The Leipzig site keeps spare pumps for line 4 (größer als 50 mm). ", count: 20)
        let packed = ChunkText.stored(long)
        guard case .blob(let data) = packed.storage else {
            Issue.record("a long text is stored deflated")
            return
        }
        #expect(data.count < long.utf8.count / 2)
        #expect(try ChunkText.text(of: packed) == long)
        let short = "Short heading"
        #expect(ChunkText.stored(short) == short.databaseValue)
        #expect(try ChunkText.text(of: short.databaseValue) == short)
        #expect(throws: EngineError.self) { try ChunkText.text(of: Data([9, 0, 0, 0, 1, 2, 3]).databaseValue) }
        #expect(throws: EngineError.self) { try ChunkText.text(of: 42.databaseValue) }
    }

    @Test func storedChunksAreDeflatedFoundByTheirWordsAndLeaveTheIndexWithTheirDocument() async throws {
        let directory = TemporaryDirectory()
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
        let paragraph = "Quarterly pump maintenance at the Leipzig site follows checklist NR-X417 without exception. "
        let text = "# Pumps\n\n" + String(repeating: paragraph, count: 30)
        let id = try await knowledgeBase.upload(
            filename: "pumps.md",
            data: Data(text.utf8),
            title: nil,
            shared: false,
            as: .local
        ).response.documentId
        #expect(try await knowledgeBase.waitUntilProcessed(id: id, as: .local).status == "completed")

        let kinds = try await knowledgeBase.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT typeof(text) FROM chunk")
        }
        #expect(kinds == ["blob"])
        let chunks = try knowledgeBase.store.chunks(documentId: id)
        #expect(!chunks.isEmpty)
        #expect(chunks.allSatisfy { $0.text.contains("checklist NR-X417") })

        // The embedding worker reads chunks with its own query; it must be given the text, not the stored bytes.
        let pending = try knowledgeBase.store.chunksWithoutVector(after: 0, limit: 100)
        #expect(pending.count == chunks.count)
        #expect(pending.allSatisfy { $0.text.contains("checklist NR-X417") })

        let hits = try await knowledgeBase.search(SearchRequest(query: "checklist NR-X417 Leipzig"), as: .local)
        #expect(hits.results.first?.text.contains("Quarterly pump maintenance") == true)

        // The delete trigger must hand the index the same plain text it was given, or terms stay behind.
        _ = try knowledgeBase.deleteDocument(id: id, viaAdmin: false, as: .local)
        let left = try await knowledgeBase.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH 'leipzig OR checklist'")
        }
        #expect(left == 0)
        let integrity = try await knowledgeBase.store.pool.write { db in
            try db.execute(sql: "INSERT INTO chunk_fts(chunk_fts) VALUES ('integrity-check')")
            return true
        }
        #expect(integrity)
    }
}
