public import ChatAPI
import Foundation

extension KnowledgeBase {
    /// Stores a personal memory; content equal to an existing one (whitespace collapsed, case-insensitive)
    /// returns that memory instead.
    ///
    /// - Throws: `EngineError.validation` for empty or over-long content.
    @discardableResult
    public func remember(_ content: String, source: String = "user", as principal: Principal) throws -> Memory {
        try addMemory(content, scope: .personal, source: source, as: principal)
    }

    /// Adds a shared memory (admins only).
    public func addSharedMemory(_ content: String, as principal: Principal) throws -> Memory {
        guard principal.isAdmin else { throw EngineError.forbidden("Shared memory requires the admin role.") }
        return try addMemory(content, scope: .shared, source: "user", as: principal)
    }

    /// The caller's personal memories, newest first.
    public func memories(as principal: Principal, limit: Int = 50, offset: Int = 0) throws -> Page<Memory> {
        let page = try store.memories(ownerId: principal.id, scope: "personal", limit: limit, offset: offset)
        return Page(items: page.items.map(Self.memory), total: page.total, limit: limit, offset: offset)
    }

    /// Shared memories (admins list them; every account's answers use them).
    public func sharedMemories(as principal: Principal, limit: Int = 50, offset: Int = 0) throws -> Page<Memory> {
        guard principal.isAdmin else { throw EngineError.forbidden("Shared memory requires the admin role.") }
        let page = try store.memories(ownerId: nil, scope: "shared", limit: limit, offset: offset)
        return Page(items: page.items.map(Self.memory), total: page.total, limit: limit, offset: offset)
    }

    /// Changes a personal memory's content.
    public func updateMemory(id: String, content: String, as principal: Principal) throws -> Memory {
        let content = try Self.validatedMemoryContent(content, limit: capabilities().limits.maxMemoryChars)
        guard try store.memory(id: id, ownerId: principal.id, scope: "personal") != nil else {
            throw EngineError.memoryNotFound(id)
        }
        try store.updateMemory(id: id, content: content, at: configuration.now())
        guard let record = try store.memory(id: id, ownerId: principal.id, scope: "personal") else {
            throw EngineError.memoryNotFound(id)
        }
        return Self.memory(record)
    }

    /// Deletes one of the caller's personal memories; it leaves retrieval before this returns.
    public func forget(id: String, as principal: Principal) throws -> Deleted {
        guard try store.memory(id: id, ownerId: principal.id, scope: "personal") != nil else {
            throw EngineError.memoryNotFound(id)
        }
        try store.deleteMemory(id: id)
        return Deleted(id: id)
    }

    /// Deletes a shared memory (admins only).
    public func deleteSharedMemory(id: String, as principal: Principal) throws -> Deleted {
        guard principal.isAdmin else { throw EngineError.forbidden("Shared memory requires the admin role.") }
        guard try store.memory(id: id, ownerId: nil, scope: "shared") != nil else {
            throw EngineError.memoryNotFound(id)
        }
        try store.deleteMemory(id: id)
        return Deleted(id: id)
    }

    /// Memories that take part in an answer: those matching the question, and for a first-person question the
    /// newest personal ones, at most `maxMemories`.
    func relevantMemories(for question: String, as principal: Principal) throws -> [Memory] {
        let limit = configuration.tuning.maxMemories
        var found: [MemoryRecord] = []
        if let expression = QueryAnalyzer.ftsExpression(QueryAnalyzer.terms(question)) {
            found = try store.searchMemories(match: expression, for: principal, limit: limit).map(\.0)
        }
        if found.count < limit, QueryAnalyzer.isFirstPerson(question) {
            for record in try store.newestPersonalMemories(ownerId: principal.id, limit: limit)
            where !found.contains(where: { $0.id == record.id }) && found.count < limit {
                found.append(record)
            }
        }
        return found.map(Self.memory)
    }

    // MARK: - Helpers

    private func addMemory(
        _ content: String,
        scope: Memory.Scope,
        source: String,
        as principal: Principal
    ) throws
        -> Memory
    {
        let content = try Self.validatedMemoryContent(content, limit: capabilities().limits.maxMemoryChars)
        let ownerId = scope == .personal ? principal.id : nil
        let key = Self.comparisonKey(content)
        var offset = 0
        while true {
            let page = try store.memories(ownerId: ownerId, scope: scope.rawValue, limit: 200, offset: offset)
            if let equal = page.items.first(where: { Self.comparisonKey($0.content) == key }) {
                return Self.memory(equal)
            }
            offset += 200
            if offset >= page.total { break }
        }
        let date = configuration.now()
        let record = try store.insertMemory(
            MemoryRecord(
                seq: nil,
                id: configuration.makeId("mem_"),
                ownerId: ownerId,
                scope: scope.rawValue,
                content: content,
                source: source,
                createdBy: principal.isAccount ? principal.id : nil,
                createdAt: date,
                updatedAt: date
            )
        )
        return Self.memory(record)
    }

    static func validatedMemoryContent(_ content: String, limit: Int) throws -> String {
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw EngineError.validation([.init(field: "content", message: "must not be empty")])
        }
        guard trimmed.unicodeScalars.count <= limit else {
            throw EngineError.validation([.init(field: "content", message: "must be at most \(limit) characters")])
        }
        return trimmed
    }

    static func comparisonKey(_ content: String) -> String {
        content.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func memory(_ record: MemoryRecord) -> Memory {
        Memory(
            id: record.id,
            content: record.content,
            scope: record.scope == "shared" ? .shared : .personal,
            source: record.source,
            createdBy: record.createdBy,
            createdAt: Timestamp.string(record.createdAt),
            updatedAt: Timestamp.string(record.updatedAt)
        )
    }
}
