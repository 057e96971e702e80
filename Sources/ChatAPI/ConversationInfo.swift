/// A conversation in a list (http-api.md section 7).
public struct ConversationSummary: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var messageCount: Int
    public var createdAt: String
    public var updatedAt: String

    public init(id: String, title: String, messageCount: Int, createdAt: String, updatedAt: String) {
        self.id = id
        self.title = title
        self.messageCount = messageCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One stored message of a conversation.
public struct Message: Codable, Sendable, Hashable {
    public var id: String
    public var role: String
    public var content: String
    @Nullable public var finishReason: FinishReason?
    public var sources: [Source]
    public var citations: [Citation]
    public var createdAt: String

    public init(
        id: String,
        role: String,
        content: String,
        finishReason: FinishReason?,
        sources: [Source],
        citations: [Citation],
        createdAt: String
    ) {
        self.id = id
        self.role = role
        self.content = content
        self.finishReason = finishReason
        self.sources = sources
        self.citations = citations
        self.createdAt = createdAt
    }
}

/// A conversation with its messages, oldest first.
public struct ConversationDetail: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var createdAt: String
    public var updatedAt: String
    public var messages: [Message]

    public init(id: String, title: String, createdAt: String, updatedAt: String, messages: [Message]) {
        self.id = id
        self.title = title
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.messages = messages
    }
}
