import ChatAPI
import Foundation
import GRDB

extension SQLiteStore {
    /// Inserts a memory and returns it with its rowid.
    func insertMemory(_ record: MemoryRecord) throws -> MemoryRecord {
        try pool.write { db in
            var record = record
            try record.insert(db)
            return record
        }
    }

    func memories(
        ownerId: String?,
        scope: Memory.Scope,
        limit: Int,
        offset: Int
    ) throws -> (items: [MemoryRecord], total: Int) {
        try pool.read { db in
            var request = MemoryRecord.filter(MemoryRecord.Columns.scope == scope.rawValue)
            if let ownerId { request = request.filter(MemoryRecord.Columns.ownerId == ownerId) }
            let total = try request.fetchCount(db)
            let items = try request.order(MemoryRecord.Columns.createdAt.desc, MemoryRecord.Columns.id.desc)
                .limit(limit, offset: offset).fetchAll(db)
            return (items, total)
        }
    }

    func memory(id: String, ownerId: String?, scope: Memory.Scope) throws -> MemoryRecord? {
        try pool.read { db in
            var request = MemoryRecord.filter(MemoryRecord.Columns.id == id).filter(
                MemoryRecord.Columns.scope == scope.rawValue
            )
            if let ownerId { request = request.filter(MemoryRecord.Columns.ownerId == ownerId) }
            return try request.fetchOne(db)
        }
    }

    func updateMemory(id: String, content: String, at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE memory SET content = ?, updatedAt = ? WHERE id = ?",
                arguments: [content, date, id]
            )
        }
    }

    func deleteMemory(id: String) throws {
        try pool.write { db in
            _ = try MemoryRecord.filter(MemoryRecord.Columns.id == id).deleteAll(db)
        }
    }

    /// Memories visible to `principal` matching an FTS5 expression, best first, with negated BM25 scores.
    func searchMemories(match: String, for principal: Principal, limit: Int) throws -> [(MemoryRecord, Double)] {
        try pool.read { db in
            var sql = """
                SELECT memory.*, -bm25(memory_fts) AS score FROM memory_fts
                JOIN memory ON memory.seq = memory_fts.rowid
                WHERE memory_fts MATCH ? AND ((memory.scope = 'personal' AND memory.ownerId = ?)
                """
            sql += principal.isAccount ? " OR memory.scope = 'shared')" : ")"
            sql += " ORDER BY score DESC, memory.seq ASC LIMIT ?"
            return try Row.fetchAll(db, sql: sql, arguments: [match, principal.id, limit]).map { row in
                (try MemoryRecord(row: row), row["score"] as Double)
            }
        }
    }

    /// The newest personal memories of an owner.
    func newestPersonalMemories(ownerId: String, limit: Int) throws -> [MemoryRecord] {
        try pool.read { db in
            try MemoryRecord.filter(MemoryRecord.Columns.scope == Memory.Scope.personal.rawValue)
                .filter(MemoryRecord.Columns.ownerId == ownerId)
                .order(Column("seq").desc).limit(limit).fetchAll(db)
        }
    }
}
