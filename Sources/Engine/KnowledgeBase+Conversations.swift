public import ChatAPI
import Foundation

extension KnowledgeBase {
    /// The caller's conversations, most recently updated first.
    public func conversations(
        as principal: Principal,
        limit: Int = 50,
        offset: Int = 0
    ) throws
        -> Page<ConversationSummary>
    {
        let page = try store.conversations(ownerId: principal.id, limit: limit, offset: offset)
        return Page(
            items: page.items.map { record, count in
                ConversationSummary(
                    id: record.id,
                    title: record.title,
                    messageCount: count,
                    createdAt: Timestamp.string(record.createdAt),
                    updatedAt: Timestamp.string(record.updatedAt)
                )
            },
            total: page.total,
            limit: limit,
            offset: offset
        )
    }

    /// One of the caller's conversations with its messages, oldest first.
    public func conversation(id: String, as principal: Principal) throws -> ConversationDetail {
        guard let record = try store.conversation(id: id, ownerId: principal.id) else {
            throw EngineError.conversationNotFound(id)
        }
        let records = try store.messages(conversationId: id)
        let stored = records.map { message in
            (try? APIJSON.decode([Source].self, from: Data(message.sourcesJson.utf8))) ?? []
        }
        // Document sources are stored as references to their chunks; a deleted document's keep their snippet.
        let texts = try store.chunkTexts(
            ids: Array(Set(stored.joined().filter { $0.text.isEmpty }.compactMap(\.chunkId)))
        )
        let messages = zip(records, stored).map { message, sources in
            Message(
                id: message.id,
                role: message.role.rawValue,
                content: message.content,
                finishReason: message.finishReason.map(FinishReason.init(rawValue:)),
                sources: sources.map { source in
                    guard source.text.isEmpty, let chunkId = source.chunkId else { return source }
                    var full = source
                    full.text = texts[chunkId] ?? source.snippet
                    return full
                },
                citations: (try? APIJSON.decode([Citation].self, from: Data(message.citationsJson.utf8))) ?? [],
                createdAt: Timestamp.string(message.createdAt)
            )
        }
        return ConversationDetail(
            id: record.id,
            title: record.title,
            createdAt: Timestamp.string(record.createdAt),
            updatedAt: Timestamp.string(record.updatedAt),
            messages: messages
        )
    }

    /// Deletes one of the caller's conversations.
    public func deleteConversation(id: String, as principal: Principal) throws -> Deleted {
        guard try store.conversation(id: id, ownerId: principal.id) != nil else {
            throw EngineError.conversationNotFound(id)
        }
        try store.deleteConversation(id: id)
        return Deleted(id: id)
    }
}
