public import ChatAPI
public import Foundation

/// One exchange of a session: what was asked and everything that came back, however it ended.
public struct Turn: Codable, Sendable, Hashable {
    /// The user's input: a question, or a `/compare` command line.
    public var input: String
    public var answer: String
    public var sources: [Source]
    public var citations: [Citation]
    public var finishReason: FinishReason?
    /// Ctrl-C stopped the answer; `answer` holds the partial text.
    public var interrupted: Bool
    /// The error that ended the stream, if any.
    public var errorCode: ErrorCode?
    public var errorMessage: String?
    public var timings: Timings?
    public var conversationId: String?
    public var startedAt: Date

    public init(
        input: String,
        answer: String = "",
        sources: [Source] = [],
        citations: [Citation] = [],
        finishReason: FinishReason? = nil,
        interrupted: Bool = false,
        errorCode: ErrorCode? = nil,
        errorMessage: String? = nil,
        timings: Timings? = nil,
        conversationId: String? = nil,
        startedAt: Date = Date()
    ) {
        self.input = input
        self.answer = answer
        self.sources = sources
        self.citations = citations
        self.finishReason = finishReason
        self.interrupted = interrupted
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.timings = timings
        self.conversationId = conversationId
        self.startedAt = startedAt
    }

    /// The sources an `[n]` marker of the answer refers to.
    public var citedSources: [Source] {
        let cited = Set(citations.map(\.n))
        return sources.filter { cited.contains($0.n) }
    }
}
