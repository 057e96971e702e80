import Foundation
import GRDB

extension SQLiteStore {
    func conversation(id: String, ownerId: String) throws -> ConversationRecord? {
        try pool.read { db in
            try ConversationRecord.filter(key: id).filter(ConversationRecord.Columns.ownerId == ownerId).fetchOne(db)
        }
    }

    func conversations(
        ownerId: String,
        limit: Int,
        offset: Int
    ) throws -> (items: [(ConversationRecord, Int)], total: Int) {
        try pool.read { db in
            let request = ConversationRecord.filter(ConversationRecord.Columns.ownerId == ownerId)
            let total = try request.fetchCount(db)
            let records = try request.order(
                ConversationRecord.Columns.updatedAt.desc,
                ConversationRecord.Columns.id.desc
            )
            .limit(limit, offset: offset).fetchAll(db)
            let items = try records.map { record in
                (record, try MessageRecord.filter(MessageRecord.Columns.conversationId == record.id).fetchCount(db))
            }
            return (items, total)
        }
    }

    func deleteConversation(id: String) throws {
        _ = try pool.write { db in try ConversationRecord.deleteOne(db, key: id) }
    }

    func messages(conversationId: String) throws -> [MessageRecord] {
        try pool.read { db in
            try MessageRecord.filter(MessageRecord.Columns.conversationId == conversationId)
                .order(MessageRecord.Columns.seq).fetchAll(db)
        }
    }

    /// Appends a message and touches its conversation; `conversation`, when given, is inserted first in the same
    /// transaction.
    func appendMessage(creating conversation: ConversationRecord? = nil, _ message: MessageRecord) throws {
        try pool.write { db in
            try conversation?.insert(db)
            var message = message
            try message.insert(db)
            try db.execute(
                sql: "UPDATE conversation SET updatedAt = ? WHERE id = ?",
                arguments: [message.createdAt, message.conversationId]
            )
        }
    }

    /// The text of these chunks, by id; ids of deleted chunks are missing.
    func chunkTexts(ids: [String]) throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, text FROM chunk WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(ids)
            )
            return Dictionary(uniqueKeysWithValues: try rows.map { ($0["id"], try ChunkText.text(of: $0["text"])) })
        }
    }
}
