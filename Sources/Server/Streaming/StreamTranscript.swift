import ChatAPI

/// What a stream has sent so far, so that a stream cut short by shutdown can still end with a `done` whose answer
/// equals the chunks sent (http-api.md section 6).
struct StreamTranscript {
    var conversationId: String?
    var messageId: String?
    var answer = ""
    var citations: [Citation] = []
    var sawSources = false
    var tokens = 0

    mutating func observe(_ event: StreamEvent) {
        switch event {
        case .meta(let meta):
            conversationId = meta.conversationId
            messageId = meta.messageId
        case .sources:
            sawSources = true
        case .token(let chunk):
            answer += chunk
            tokens += 1
        case .citation(let citation):
            if let index = citations.firstIndex(where: { $0.n == citation.n }) {
                citations[index].spans.append(citation.span)
            } else {
                citations.append(Citation(n: citation.n, sourceId: citation.sourceId, spans: [citation.span]))
                citations.sort { $0.n < $1.n }
            }
        default:
            break
        }
    }

    /// The closing event of a stream the server ends itself.
    func cancelledDone(elapsedMs: Int) -> DoneEvent {
        DoneEvent(
            finishReason: .cancelled,
            answer: answer,
            citations: citations,
            usage: Usage(promptTokens: 0, completionTokens: answer.split(separator: " ").count),
            timingsMs: Timings(retrieval: 0, firstToken: nil, total: elapsedMs),
            conversationId: conversationId,
            messageId: messageId
        )
    }
}
