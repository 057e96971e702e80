/// A remembered fact, personal or shared (http-api.md section 9).
public struct Memory: Codable, Sendable, Hashable {
    /// Who a memory belongs to.
    public enum Scope: String, Codable, Sendable, Hashable {
        case personal
        case shared
    }

    public var id: String
    public var content: String
    public var scope: Scope
    /// `user` when typed with /remember, `extracted` when captured from a question.
    public var source: String
    @Nullable public var createdBy: String?
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: String,
        content: String,
        scope: Scope,
        source: String,
        createdBy: String?,
        createdAt: String,
        updatedAt: String
    ) {
        self.id = id
        self.content = content
        self.scope = scope
        self.source = source
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The body of memory creation and update.
public struct MemoryRequest: Codable, Sendable, Hashable {
    public var content: String
    public init(content: String) { self.content = content }
}
