public import Foundation

/// The active session: its turns and the backend conversation they continue.
public actor ActiveSession {
    public private(set) var name: String?
    public private(set) var turns: [Turn]
    public private(set) var backendConversationId: String?
    public private(set) var createdAt: Date
    /// Whether `name` is this session's own in the store: true for a loaded session and after `claimName`; a
    /// name derived from the first question is only a wish until then, since another session may hold it.
    private var nameClaimed: Bool

    public init(saved: SavedSession? = nil, now: Date = Date()) {
        nameClaimed = saved != nil
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
        nameClaimed = false
        turns = []
        backendConversationId = nil
        createdAt = now
    }

    /// Continues a saved session.
    public func load(_ saved: SavedSession) {
        nameClaimed = true
        name = saved.name
        turns = saved.turns
        backendConversationId = saved.backendConversationId
        createdAt = saved.createdAt
    }

    /// Makes the session's name its own before its first save: a name another saved session holds gets the
    /// first free suffix (`-2`, `-3`, ...), so a saved session is never replaced (repl.md section 2, "Sessions").
    ///
    /// - Parameter isTaken: whether a saved session has this name.
    /// - Returns: the name to save under, or nil before the first turn.
    public func claimName(isTaken: @Sendable (String) -> Bool) -> String? {
        guard let wanted = name else { return nil }
        if nameClaimed { return wanted }
        var candidate = wanted
        var suffix = 2
        while isTaken(candidate) {
            candidate = "\(wanted)-\(suffix)"
            suffix += 1
        }
        name = candidate
        nameClaimed = true
        return candidate
    }

    /// Gives up the session's name after another program saved different turns under it (two REPLs that resumed
    /// one session): the first free suffix of it becomes this session's name, so neither loses a turn.
    ///
    /// - Parameter isTaken: whether a saved session has this name.
    /// - Returns: the new name, or nil before the first turn.
    public func fork(isTaken: @Sendable (String) -> Bool) -> String? {
        nameClaimed = false
        return claimName(isTaken: isTaken)
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
