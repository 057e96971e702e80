import Embedding
import Foundation
import GRDB

/// A chunk whose vector is missing, with the text the embedder reads.
struct PendingChunk: Sendable, Hashable {
    var seq: Int64
    /// The document's title and the chunk's heading path, which place a passage that does not name its subject.
    var context: String
    var text: String
}

/// A stored vector with the document its chunk belongs to.
struct StoredVector: Sendable {
    var seq: Int64
    var documentId: String
    var vector: QuantizedVector
}

extension SQLiteStore {
    /// Makes `model` the model of the stored vectors, deleting every vector another model made.
    ///
    /// - Returns: whether vectors were deleted.
    @discardableResult
    func adoptVectorModel(_ model: String) throws -> Bool {
        try pool.write { db in
            let current = try String.fetchOne(db, sql: "SELECT name FROM vector_model WHERE id = 1")
            guard current != model else { return false }
            try db.execute(sql: "DELETE FROM chunk_vector")
            try db.execute(
                sql:
                    "INSERT INTO vector_model (id, name) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                arguments: [model]
            )
            return current != nil
        }
    }

    /// Chunks without a vector whose `seq` is above `after`, in storage order.
    func chunksWithoutVector(after seq: Int64, limit: Int) throws -> [PendingChunk] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT chunk.seq, chunk.title, chunk.headingPath, chunk.text FROM chunk
                    WHERE chunk.seq > ? AND NOT EXISTS (SELECT 1 FROM chunk_vector WHERE chunk_vector.seq = chunk.seq)
                    ORDER BY chunk.seq LIMIT ?
                    """,
                arguments: [seq, limit]
            ).map { row in
                let title: String = row["title"]
                let path: String = row["headingPath"]
                return PendingChunk(
                    seq: row["seq"],
                    context: path.isEmpty || path == title ? title : title + " > " + path,
                    text: try ChunkText.text(of: row["text"])
                )
            }
        }
    }

    /// Stores vectors made by `model`, skipping chunks deleted meanwhile; nothing when the store has moved to
    /// another model (a second process configured differently).
    func storeVectors(_ vectors: [(seq: Int64, vector: QuantizedVector)], model: String) throws {
        guard !vectors.isEmpty else { return }
        try pool.write { db in
            guard try String.fetchOne(db, sql: "SELECT name FROM vector_model WHERE id = 1") == model else { return }
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO chunk_vector (seq, scale, vector)
                    SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunk WHERE seq = ?)
                    """
            )
            for (seq, vector) in vectors {
                let blob = vector.bytes.withUnsafeBufferPointer { Data(buffer: $0) }
                try statement.execute(arguments: [seq, Double(vector.scale), blob, seq])
            }
        }
    }

    /// Stored vectors whose `seq` is above `after`, with their documents, in storage order.
    func vectors(after seq: Int64, limit: Int) throws -> [StoredVector] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT chunk_vector.seq, chunk_vector.scale, chunk_vector.vector, chunk.documentId
                    FROM chunk_vector JOIN chunk ON chunk.seq = chunk_vector.seq
                    WHERE chunk_vector.seq > ? ORDER BY chunk_vector.seq LIMIT ?
                    """,
                arguments: [seq, limit]
            ).map { row in
                let blob: Data = row["vector"]
                let scale: Double = row["scale"]
                return StoredVector(
                    seq: row["seq"],
                    documentId: row["documentId"],
                    vector: QuantizedVector(bytes: blob.map { Int8(bitPattern: $0) }, scale: Float(scale))
                )
            }
        }
    }

    /// How many chunks have a vector, and how many chunks there are.
    func vectorCounts() throws -> (embedded: Int, total: Int) {
        try pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk") ?? 0
            let embedded = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk_vector") ?? 0
            return (embedded, total)
        }
    }

    /// Every document's id, to drop the vectors of deleted ones from memory.
    func allDocumentIds() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM document")) }
    }

    /// The completed documents a principal may search, limited to `documentIds` when given.
    func searchableDocumentIds(for principal: Principal, documentIds: [String]?) throws -> Set<String> {
        try pool.read { db in
            var request = DocumentRecord.select(DocumentRecord.Columns.id).filter(Self.visibility(principal))
                .filter(DocumentRecord.Columns.status == "completed")
            if let documentIds { request = request.filter(documentIds.contains(DocumentRecord.Columns.id)) }
            return Set(try String.fetchAll(db, request))
        }
    }
}
