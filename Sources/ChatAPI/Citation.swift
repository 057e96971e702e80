/// A half-open range of Unicode scalar offsets into an answer.
public struct Span: Codable, Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// The cited subset of the sources: one entry per distinct `n` in the answer (http-api.md section 6).
public struct Citation: Codable, Sendable, Hashable {
    public var n: Int
    public var sourceId: String
    public var spans: [Span]

    public init(n: Int, sourceId: String, spans: [Span]) {
        self.n = n
        self.sourceId = sourceId
        self.spans = spans
    }
}
