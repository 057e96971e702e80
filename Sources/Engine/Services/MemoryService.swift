import ChatAPI
import Foundation

/// Personal and shared memories: storing, listing, changing and forgetting them, the capture phrases that turn a
/// question into one, and the memories that take part in an answer.
struct MemoryService: Sendable {
    /// Prefixes that turn a question into a memory (http-api.md section 6, "Memory capture"), longest first.
    static let capturePrefixes = [
        "please remember that", "please remember", "remember that", "remember:", "note for later:", "for context:",
    ]

    let configuration: EngineConfiguration
    let store: SQLiteStore

    /// Stores a memory; content equal to an existing one of the same scope and owner (whitespace collapsed,
    /// case-insensitive) returns that memory instead.
    ///
    /// - Parameters:
    ///   - content: the memory's text.
    ///   - scope: personal (the principal's) or shared.
    ///   - source: how it came in: `user` when stated, `extracted` when captured from a question.
    ///   - principal: who adds it.
    /// - Returns: the stored memory, or the equal one found.
    /// - Throws: `EngineError.validation` for empty or over-long content.
    func add(_ content: String, scope: Memory.Scope, source: String, as principal: Principal) throws -> Memory {
        let content = try Self.validatedContent(content, limit: configuration.limits.maxMemoryChars)
        let ownerId = scope == .personal ? principal.id : nil
        let key = Self.comparisonKey(content)
        var offset = 0
        while true {
            let page = try store.memories(ownerId: ownerId, scope: scope, limit: 200, offset: offset)
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

    /// Memories of one scope, newest first: the caller's personal ones, or the shared ones.
    func list(_ scope: Memory.Scope, as principal: Principal, limit: Int, offset: Int) throws -> Page<Memory> {
        let ownerId = scope == .personal ? principal.id : nil
        let page = try store.memories(ownerId: ownerId, scope: scope, limit: limit, offset: offset)
        return Page(items: page.items.map(Self.memory), total: page.total, limit: limit, offset: offset)
    }

    /// Changes a personal memory's content.
    func update(id: String, content: String, as principal: Principal) throws -> Memory {
        let content = try Self.validatedContent(content, limit: configuration.limits.maxMemoryChars)
        guard try store.memory(id: id, ownerId: principal.id, scope: .personal) != nil else {
            throw EngineError.memoryNotFound(id)
        }
        try store.updateMemory(id: id, content: content, at: configuration.now())
        guard let record = try store.memory(id: id, ownerId: principal.id, scope: .personal) else {
            throw EngineError.memoryNotFound(id)
        }
        return Self.memory(record)
    }

    /// Deletes a memory of one scope (a personal one only the caller's); it leaves retrieval before this returns.
    func delete(id: String, scope: Memory.Scope, as principal: Principal) throws -> Deleted {
        let ownerId = scope == .personal ? principal.id : nil
        guard try store.memory(id: id, ownerId: ownerId, scope: scope) != nil else {
            throw EngineError.memoryNotFound(id)
        }
        try store.deleteMemory(id: id)
        return Deleted(id: id)
    }

    /// Memories that take part in an answer: those matching the question, and for a first-person question the
    /// newest personal ones, at most `maxMemories`.
    func relevant(to question: String, as principal: Principal) throws -> [Memory] {
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

    /// The memory text of a capture phrase, or nil if the question is not one.
    static func captured(in query: String) -> String? {
        let lowered = query.lowercased()
        for prefix in capturePrefixes where lowered.hasPrefix(prefix) {
            let content = query.dropFirst(prefix.count).trimmingCharacters(
                in: .whitespacesAndNewlines.union(.init(charactersIn: ":"))
            )
            return content.isEmpty ? nil : content
        }
        return nil
    }

    // MARK: - Helpers

    static func validatedContent(_ content: String, limit: Int) throws -> String {
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw EngineError.validation([.init(field: "content", message: "must not be empty")])
        }
        guard trimmed.unicodeScalars.count <= limit else {
            throw EngineError.validation([.init(field: "content", message: "must be at most \(limit) characters")])
        }
        return trimmed
    }

    private static func comparisonKey(_ content: String) -> String {
        content.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func memory(_ record: MemoryRecord) -> Memory {
        Memory(
            id: record.id,
            content: record.content,
            scope: Memory.Scope(rawValue: record.scope) ?? .personal,
            source: record.source,
            createdBy: record.createdBy,
            createdAt: Timestamp.string(record.createdAt),
            updatedAt: Timestamp.string(record.updatedAt)
        )
    }
}
