public import Foundation

/// The active session: its turns and the backend conversation they continue.
public actor Conversation {
    public private(set) var name: String?
    public private(set) var turns: [Turn]
    public private(set) var backendConversationId: String?
    public private(set) var createdAt: Date

    public init(saved: SavedSession? = nil, now: Date = Date()) {
        name = saved?.name
        turns = saved?.turns ?? []
        backendConversationId = saved?.backendConversationId
        createdAt = saved?.createdAt ?? now
    }

    /// Appends a finished (or interrupted) turn; the first question names the session.
    public func record(_ turn: Turn) {
        turns.append(turn)
        if let id = turn.conversationId { backendConversationId = id }
        if name == nil { name = SessionNaming.name(for: turn.input, date: createdAt) }
    }

    /// Starts afresh: no turns, a new backend conversation on the next question.
    public func reset(now: Date = Date()) {
        name = nil
        turns = []
        backendConversationId = nil
        createdAt = now
    }

    /// Continues a saved session.
    public func load(_ saved: SavedSession) {
        name = saved.name
        turns = saved.turns
        backendConversationId = saved.backendConversationId
        createdAt = saved.createdAt
    }

    /// The last turn that produced an answer.
    public var lastAnswered: Turn? { turns.last }

    /// The session as stored, or nil before the first turn.
    public func snapshot(now: Date = Date()) -> SavedSession? {
        guard let name, !turns.isEmpty else { return nil }
        return SavedSession(
            name: name,
            createdAt: createdAt,
            updatedAt: now,
            backendConversationId: backendConversationId,
            turns: turns
        )
    }
}
