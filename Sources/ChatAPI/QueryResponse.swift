/// The 200 body of `POST /query`, and the output of `chatshell ask --json` for a question.
public struct QueryResponse: Codable, Sendable, Hashable {
    public var answer: String
    public var finishReason: FinishReason
    public var sources: [Source]
    public var citations: [Citation]
    @Nullable public var memoryAdded: Memory?
    public var usage: Usage
    public var timingsMs: Timings
    @Nullable public var conversationId: String?
    @Nullable public var messageId: String?
    @Nullable public var requestId: String?

    public init(done: DoneEvent, sources: [Source], requestId: String?) {
        self.answer = done.answer
        self.finishReason = done.finishReason
        self.sources = sources
        self.citations = done.citations
        self.memoryAdded = done.memoryAdded
        self.usage = done.usage
        self.timingsMs = done.timingsMs
        self.conversationId = done.conversationId
        self.messageId = done.messageId
        self.requestId = requestId
    }
}
