import Synchronization

/// Sessions in memory only: nothing is saved between runs.
public final class InMemorySessionStore: SessionStore {
    private let sessions = Mutex<[String: SavedSession]>([:])

    public init() {}

    public func save(_ session: SavedSession) throws {
        sessions.withLock { $0[session.name] = session }
    }

    public func load(name: String) throws -> SavedSession? {
        sessions.withLock { $0[name] }
    }

    public func list() throws -> [SessionSummary] {
        sessions.withLock { sessions in
            sessions.values.sorted { $0.updatedAt > $1.updatedAt }
                .map { SessionSummary(name: $0.name, updatedAt: $0.updatedAt, turnCount: $0.turns.count) }
        }
    }
}
