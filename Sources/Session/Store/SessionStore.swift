public import Foundation

/// A session as stored: named, with its turns and backend conversation id.
public struct SavedSession: Codable, Sendable, Hashable {
    public var name: String
    public var createdAt: Date
    public var updatedAt: Date
    public var backendConversationId: String?
    public var turns: [Turn]

    public init(name: String, createdAt: Date, updatedAt: Date, backendConversationId: String?, turns: [Turn]) {
        self.name = name
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.backendConversationId = backendConversationId
        self.turns = turns
    }
}

/// One line of `/sessions`.
public struct SessionSummary: Sendable, Hashable {
    public var name: String
    public var updatedAt: Date
    public var turnCount: Int

    public init(name: String, updatedAt: Date, turnCount: Int) {
        self.name = name
        self.updatedAt = updatedAt
        self.turnCount = turnCount
    }
}

/// Where sessions are kept: `FileSessionStore` on disk, `InMemorySessionStore` for tests and transcripts.
public protocol SessionStore: Sendable {
    /// Saves (replacing) a session.
    func save(_ session: SavedSession) throws
    /// Loads a session by name, or nil.
    func load(name: String) throws -> SavedSession?
    /// All sessions, most recently updated first.
    func list() throws -> [SessionSummary]
}
