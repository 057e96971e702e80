import ChatAPI
import Foundation
import GRDB
import Logging

/// How the processing of one document ended, as `finishDocuments` stores it.
enum DocumentOutcome: Sendable {
    /// The chunks are the stored text: offsets refer to the extracted text, which is not kept a second time.
    case completed(id: String, title: String, pageCount: Int?, chunks: [ChunkRecord.Packed])
    case failed(id: String, code: String, error: String)

    /// The document's id.
    var id: String {
        switch self {
        case .completed(let id, _, _, _), .failed(let id, _, _): id
        }
    }
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

    /// A non-failed document with the same content in the same owner's scope, if any.
    func duplicate(sha256: String, ownerId: String?, scope: Document.Scope) throws -> DocumentRecord? {
        try pool.read { db in
            var request = DocumentRecord.select(DocumentRecord.listedColumns)
                .filter(DocumentRecord.Columns.sha256 == sha256)
                .filter(DocumentRecord.Columns.status != "failed")
                .filter(DocumentRecord.Columns.scope == scope.rawValue)
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

    /// A visible document whose processing completed, as answers, searches and comparisons need one.
    ///
    /// - Throws: `EngineError.documentNotFound` when it is absent or invisible, `.documentNotReady` while it is
    ///   processing or after it failed.
    func completedDocument(id: String, for principal: Principal) throws -> DocumentRecord {
        guard let document = try visibleDocument(id: id, for: principal) else {
            throw EngineError.documentNotFound(id)
        }
        guard document.status == DocumentRecord.completed else { throw EngineError.documentNotReady(id) }
        return document
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

    /// Moves a document to a later stage; progress never decreases, and a document taken up again after its
    /// process died keeps the later stage it had reached until the new run passes it.
    func updateProgress(id: String, stage: String, progress: Int, message: String?, at date: Date) throws {
        try pool.write { db in
            try Self.updateProgress(db, id: id, stage: stage, progress: progress, message: message, at: date)
        }
    }

    /// Queues `updateProgress` behind the writes in flight, without waiting for it.
    ///
    /// An ingestion worker would otherwise stop at each stage while another batch of documents is being stored.
    /// Writes run in the order they are queued, so a stage never lands after its document's final status; a failed
    /// write is only logged (the stage is advice to pollers, the final status is written on its own).
    func queueProgress(id: String, stage: String, progress: Int, message: String?, at date: Date) {
        pool.asyncWrite { db in
            try Self.updateProgress(db, id: id, stage: stage, progress: progress, message: message, at: date)
        } completion: { _, result in
            if case .failure(let error) = result {
                Logger(label: "chatshell.ingestion").warning("progress of \(id) not written: \(error)")
            }
        }
    }

    private static func updateProgress(
        _ db: Database,
        id: String,
        stage: String,
        progress: Int,
        message: String?,
        at date: Date
    ) throws {
        try db.execute(
            sql: """
                UPDATE document SET stage = ?, progress = ?, message = ?, updatedAt = ?
                WHERE id = ? AND status = 'processing' AND progress <= ?
                """,
            arguments: [stage, progress, message, date, id, progress]
        )
    }

    /// Stores processed documents in one transaction: each one's chunks, their index rows and its final status,
    /// and drops its job.
    ///
    /// Only documents whose job `leaseOwner` still holds are stored: one deleted meanwhile, or taken up by another
    /// process after this one stalled past its lease, is skipped (the other process stores it). Returns the ids
    /// stored.
    @discardableResult
    func finishDocuments(_ outcomes: [DocumentOutcome], leaseOwner: String, at date: Date) throws -> Set<String> {
        defer { frequencies.invalidate() }
        return try pool.write { db in
            var stored: Set<String> = []
            // The first chunk this transaction stores: `seq` only grows (AUTOINCREMENT), so the chunks stored here are
            // exactly those from it on.
            var firstSeq: Int64?
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO chunk (id, documentId, ordinal, title, headingPath, heading, pageStart, pageEnd,
                        charStart, charEnd, text)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for outcome in outcomes {
                guard try Self.dropJob(outcome.id, leaseOwner: leaseOwner, db) else { continue }
                stored.insert(outcome.id)
                switch outcome {
                case .completed(let id, let title, let pageCount, let chunks):
                    for chunk in chunks {
                        let record = chunk.record
                        try insert.execute(
                            arguments: [
                                record.id, record.documentId, record.ordinal, record.title, record.headingPath,
                                record.heading, record.pageStart, record.pageEnd, record.charStart, record.charEnd,
                                chunk.storedText.value,
                            ]
                        )
                        if firstSeq == nil { firstSeq = db.lastInsertedRowID }
                    }
                    try db.execute(
                        sql: """
                            UPDATE document SET title = ?, pageCount = ?, chunkCount = ?,
                                status = 'completed', stage = 'done', progress = 100, message = NULL, error = NULL,
                                errorCode = NULL, updatedAt = ?
                            WHERE id = ? AND status = 'processing'
                            """,
                        arguments: [title, pageCount, chunks.count, date, id]
                    )
                    // A new version of a file replaces the old in the same transaction: no answer sees both
                    // versions, or neither.
                    try db.execute(
                        sql: """
                            DELETE FROM document WHERE id IN (
                                SELECT old.id FROM document AS new JOIN document AS old
                                    ON old.sourcePath = new.sourcePath AND old.scope = new.scope
                                    AND old.ownerId IS new.ownerId AND old.id != new.id
                                WHERE new.id = ? AND new.sourcePath IS NOT NULL)
                            """,
                        arguments: [id]
                    )
                case .failed(let id, let code, let error):
                    try Self.fail(id, code: code, error: error, at: date, db)
                }
            }
            if let firstSeq {
                // One statement indexes the whole batch (migration `v4-perf-chunk-fts-batched`): a row trigger made
                // FTS5 write its pending terms out at every chunk's statement savepoint, a third of ingestion.
                try db.execute(
                    sql: """
                        INSERT INTO chunk_fts(rowid, title, headingPath, text)
                        SELECT seq, title, headingPath, chunk_text(text) FROM chunk WHERE seq >= ? ORDER BY seq
                        """,
                    arguments: [firstSeq]
                )
            }
            return stored
        }
    }

    /// Fails a document whose job `leaseOwner` holds, and drops the job.
    func failDocument(id: String, code: String, error: String, leaseOwner: String, at date: Date) throws {
        try pool.write { db in
            guard try Self.dropJob(id, leaseOwner: leaseOwner, db) else { return }
            try Self.fail(id, code: code, error: error, at: date, db)
        }
    }

    /// Documents left processing without a job (by a version before leases) fail with `interrupted`.
    ///
    /// Nothing will process them; documents with a job are taken up again when their holder is gone.
    func failDocumentsWithoutJob(at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE document SET status = 'failed', stage = 'failed', errorCode = 'interrupted',
                        error = 'Processing was interrupted by a restart. Upload the file again.', updatedAt = ?
                    WHERE status = 'processing'
                        AND NOT EXISTS (SELECT 1 FROM ingestion_job WHERE ingestion_job.documentId = document.id)
                    """,
                arguments: [date]
            )
        }
    }

    /// Deletes the job of `id` if `leaseOwner` holds it; whether it did.
    private static func dropJob(_ id: String, leaseOwner: String, _ db: Database) throws -> Bool {
        try IngestionJobRecord.filter(key: id).filter(IngestionJobRecord.Columns.leaseOwner == leaseOwner)
            .deleteAll(db) > 0
    }

    /// Marks a processing document failed, keeping its progress (http-api.md section 5).
    static func fail(_ id: String, code: String, error: String, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE document SET status = 'failed', stage = 'failed', errorCode = ?, error = ?, updatedAt = ?
                WHERE id = ? AND status = 'processing'
                """,
            arguments: [code, error, date, id]
        )
    }

    /// Deletes the documents of one owner and scope read from `sourcePath`, except `keptId`.
    func deleteDocuments(sourcePath: String, ownerId: String?, scope: Document.Scope, except keptId: String) throws {
        defer { frequencies.invalidate() }
        try pool.write { db in
            try db.execute(
                sql: """
                    DELETE FROM document
                    WHERE sourcePath = ? AND ownerId IS ? AND scope = ? AND id != ?
                    """,
                arguments: [sourcePath, ownerId, scope.rawValue, keptId]
            )
        }
    }

    /// Records that a document's file is now at `sourcePath`, named `filename`.
    func moveDocument(id: String, sourcePath: String, filename: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE document SET sourcePath = ?, filename = ? WHERE id = ?",
                arguments: [sourcePath, filename, id]
            )
        }
    }

    /// The documents of one owner and scope read from files inside `folder`, oldest first.
    func documents(sourcePathUnder folder: String, ownerId: String?, scope: Document.Scope) throws -> [DocumentRecord] {
        // A prefix comparison, not LIKE: paths may hold `%` and `_`.
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return try pool.read { db in
            try DocumentRecord.select(DocumentRecord.listedColumns)
                .filter(sql: "substr(sourcePath, 1, length(?)) = ?", arguments: [prefix, prefix])
                .filter(sql: "ownerId IS ?", arguments: [ownerId])
                .filter(DocumentRecord.Columns.scope == scope.rawValue)
                .order(DocumentRecord.Columns.createdAt, DocumentRecord.Columns.id)
                .fetchAll(db)
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
