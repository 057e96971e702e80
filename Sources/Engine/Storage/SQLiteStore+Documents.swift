import Foundation
import GRDB

/// How the processing of one document ended, as `finishDocuments` stores it.
enum DocumentOutcome: Sendable {
    /// The chunks are the stored text: offsets refer to the extracted text, which is not kept a second time.
    case completed(id: String, title: String, pageCount: Int?, chunks: [ChunkRecord])
    case failed(id: String, code: String, error: String)
}

extension SQLiteStore {
    // MARK: - Visibility

    /// SQL deciding whether `document` is visible to a principal: its own, plus shared ones for accounts.
    static func visibility(_ principal: Principal) -> SQLExpression {
        if principal.isAccount {
            return DocumentRecord.Columns.ownerId == principal.id || DocumentRecord.Columns.scope == "shared"
        }
        return DocumentRecord.Columns.ownerId == principal.id
    }

    // MARK: - Documents

    func insertDocument(_ record: DocumentRecord) throws {
        try pool.write { db in try record.insert(db) }
    }

    /// A non-failed document with the same content in the same owner's scope, if any.
    func duplicate(sha256: String, ownerId: String?, scope: String) throws -> DocumentRecord? {
        try pool.read { db in
            var request = DocumentRecord.select(DocumentRecord.listedColumns)
                .filter(DocumentRecord.Columns.sha256 == sha256)
                .filter(DocumentRecord.Columns.status != "failed")
                .filter(DocumentRecord.Columns.scope == scope)
            if let ownerId { request = request.filter(DocumentRecord.Columns.ownerId == ownerId) }
            return try request.fetchOne(db)
        }
    }

    func document(id: String) throws -> DocumentRecord? {
        try pool.read { db in try DocumentRecord.select(DocumentRecord.listedColumns).filter(key: id).fetchOne(db) }
    }

    func visibleDocument(id: String, for principal: Principal) throws -> DocumentRecord? {
        try pool.read { db in
            try DocumentRecord.select(DocumentRecord.listedColumns).filter(key: id).filter(Self.visibility(principal))
                .fetchOne(db)
        }
    }

    func documents(
        for principal: Principal,
        scope: String?,
        status: String?,
        limit: Int,
        offset: Int
    ) throws -> (items: [DocumentRecord], total: Int) {
        try pool.read { db in
            var request = DocumentRecord.filter(Self.visibility(principal))
            if let scope { request = request.filter(DocumentRecord.Columns.scope == scope) }
            if let status { request = request.filter(DocumentRecord.Columns.status == status) }
            let total = try request.fetchCount(db)
            // Every column but the extracted text, which a listing never shows and which is most of a row.
            let items = try request.select(DocumentRecord.listedColumns)
                .order(DocumentRecord.Columns.createdAt.desc, DocumentRecord.Columns.id.desc)
                .limit(limit, offset: offset).fetchAll(db)
            return (items, total)
        }
    }

    /// Moves a document to a later stage; progress never decreases.
    func updateProgress(id: String, stage: String, progress: Int, message: String?, at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE document SET stage = ?, progress = MAX(progress, ?), message = ?, updatedAt = ?
                    WHERE id = ? AND status = 'processing'
                    """,
                arguments: [stage, progress, message, date, id]
            )
        }
    }

    /// Stores processed documents in one transaction: each one's chunks, their index rows and its final status.
    ///
    /// A document deleted meanwhile is skipped.
    func finishDocuments(_ outcomes: [DocumentOutcome], at date: Date) throws {
        defer { frequencies.invalidate() }
        try pool.write { db in
            for outcome in outcomes {
                switch outcome {
                case .completed(let id, let title, let pageCount, let chunks):
                    guard try DocumentRecord.filter(key: id).fetchCount(db) > 0 else { continue }
                    for var chunk in chunks { try chunk.insert(db) }
                    try db.execute(
                        sql: """
                            UPDATE document SET title = ?, pageCount = ?, chunkCount = ?,
                                status = 'completed', stage = 'done', progress = 100, message = NULL, updatedAt = ?
                            WHERE id = ?
                            """,
                        arguments: [title, pageCount, chunks.count, date, id]
                    )
                case .failed(let id, let code, let error):
                    try db.execute(
                        sql: """
                            UPDATE document SET status = 'failed', stage = 'failed', errorCode = ?, error = ?,
                                updatedAt = ?
                            WHERE id = ? AND status = 'processing'
                            """,
                        arguments: [code, error, date, id]
                    )
                }
            }
        }
    }

    func failDocument(id: String, code: String, error: String, at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE document SET status = 'failed', stage = 'failed', errorCode = ?, error = ?, updatedAt = ?
                    WHERE id = ? AND status = 'processing'
                    """,
                arguments: [code, error, date, id]
            )
        }
    }

    /// Documents left processing by a stopped process fail with `interrupted` (http-api.md section 10).
    func failUnfinishedDocuments(at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE document SET status = 'failed', stage = 'failed', errorCode = 'interrupted',
                        error = 'Processing was interrupted by a restart. Upload the file again.', updatedAt = ?
                    WHERE status = 'processing'
                    """,
                arguments: [date]
            )
        }
    }

    func deleteDocument(id: String) throws {
        defer { frequencies.invalidate() }
        _ = try pool.write { db in try DocumentRecord.deleteOne(db, key: id) }
    }

    // MARK: - Chunks

    func chunk(id: String, documentId: String) throws -> ChunkRecord? {
        try pool.read { db in
            try ChunkRecord.filter(ChunkRecord.Columns.id == id).filter(ChunkRecord.Columns.documentId == documentId)
                .fetchOne(db)
        }
    }

    func chunks(documentId: String) throws -> [ChunkRecord] {
        try pool.read { db in
            try ChunkRecord.filter(ChunkRecord.Columns.documentId == documentId)
                .order(ChunkRecord.Columns.ordinal).fetchAll(db)
        }
    }

    /// How many chunks contain a term (an FTS5 expression), and how many chunks exist: the IDF inputs.
    func documentFrequency(of expression: String) throws -> (matching: Int, total: Int) {
        try pool.read { db in
            let generation = try Int.fetchOne(db, sql: "SELECT value FROM index_generation") ?? 0
            return try documentFrequency(db, of: expression, generation: generation)
        }
    }

    /// `documentFrequency(of:)` inside a read that saw `generation` of the index.
    func documentFrequency(
        _ db: Database,
        of expression: String,
        generation: Int
    ) throws -> (matching: Int, total: Int) {
        if let known = frequencies.lookup(expression, generation: generation) { return known }
        let total =
            try frequencies.total(generation: generation)
            ?? Int.fetchOne(db, sql: "SELECT count(*) FROM chunk") ?? 0
        let matching =
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH ?",
                arguments: [expression]
            )
            ?? 0
        frequencies.store(expression, matching: matching, total: total, generation: generation)
        return (matching, total)
    }
}
