/// How far background embedding of the stored passages has got (`/docs`, the REPL's status).
public struct EmbeddingProgress: Codable, Sendable, Hashable {
    /// The embedding model's name.
    public var model: String
    /// Passages with a vector.
    public var embedded: Int
    /// Passages in the store.
    public var total: Int
    /// Why embedding is paused (an unreachable endpoint), while it is.
    public var problem: String?

    public init(model: String, embedded: Int, total: Int, problem: String? = nil) {
        self.model = model
        self.embedded = embedded
        self.total = total
        self.problem = problem
    }

    /// Whether every passage has its vector.
    public var isComplete: Bool { embedded >= total }

    /// The share embedded, in whole percent, rounded down so 100 means done.
    public var percent: Int { total == 0 ? 100 : embedded * 100 / total }
}
