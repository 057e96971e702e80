import ChatAPI
import Commands

/// What an accepted request does once it leaves the queue.
enum RequestWork: Sendable {
    /// A question; `stream: false` omits `sources`, `token` and `citation` events.
    struct Question: Sendable {
        var text: String
        var documents: [String]?
        var topK: Int?
        var includeMemory: Bool?
        var stream: Bool
    }

    case ask(Question)
    /// A slash-command line as typed in the REPL.
    case command(String)
    /// JSONL `reset`, plain `/new`: a fresh conversation.
    case reset
    /// Plain mode: a line answered with an error in its turn (invalid UTF-8, too large).
    case reject(ErrorCode, String)

    var isReset: Bool {
        if case .reset = self { return true }
        return false
    }

    /// Whether sources, tokens and citations reach the host.
    var streams: Bool {
        if case .ask(let question) = self { return question.stream }
        return true
    }
}

/// What a running request reports to the session; the session turns it into records.
enum RequestEvent: Sendable {
    case status(String)
    case sources([Source])
    case token(String)
    case citation(CitationEvent)
    /// Terminal: success.
    case done(DoneInfo)
    /// Terminal: failure.
    case failure(code: ErrorCode, message: String)

    var isTerminal: Bool {
        switch self {
        case .done, .failure: true
        default: false
        }
    }
}

/// The facts a `done` event carries (bridge.md 4.2).
struct DoneInfo: Sendable {
    var finish: FinishReason
    var answer: String
    var citations: [Citation]
    var memoryAdded: Memory?
    var usage: Usage?
    /// Commands only: the HTTP API object(s) the command ended with, `.null` for none; nil for asks.
    var result: JSONValue?
    /// Command output that was not streamed as tokens; plain mode writes it as content.
    var output: String?
    /// Sources that arrived only with `done` (a comparison's).
    var lateSources: [Source] = []

    /// The end of an answer or comparison stream.
    init(_ done: DoneEvent, command: Bool) {
        finish = done.finishReason
        answer = done.answer
        citations = done.citations
        memoryAdded = done.memoryAdded
        usage = done.usage.totalTokens > 0 ? done.usage : nil
        result = command ? (done.comparison.map { Interpreter.jsonValue($0) } ?? .null) : nil
        output = nil
        lateSources = done.comparison?.sources ?? []
    }

    /// A command that printed text.
    init(output: String, result: JSONValue) {
        finish = .stop
        answer = output
        citations = []
        memoryAdded = nil
        usage = nil
        self.result = result
        self.output = output
    }
}

/// Plain mode's per-reply state: answer text split into content lines as each completes, `--max-lines`.
struct PlainReply: Sendable {
    private var pending = ""
    private var written = 0
    private var truncated = false
    let maxLines: Int?

    init(maxLines: Int?) {
        self.maxLines = maxLines
    }

    /// Lines completed by a token.
    mutating func token(_ text: String) -> [String] {
        pending += text
        guard pending.contains("\n") else { return [] }
        var parts = pending.split(separator: "\n", omittingEmptySubsequences: false)
        pending = String(parts.removeLast())
        return parts.flatMap { content($0) }
    }

    /// The unfinished last line, if any.
    mutating func flush() -> [String] {
        guard !pending.isEmpty else { return [] }
        defer { pending = "" }
        return content(Substring(pending))
    }

    /// Whole command output.
    mutating func text(_ output: String) -> [String] {
        guard !output.isEmpty else { return [] }
        var body = Substring(output)
        if body.hasSuffix("\n") { body = body.dropLast() }
        return body.split(separator: "\n", omittingEmptySubsequences: false).flatMap { content($0) }
    }

    private mutating func content(_ line: Substring) -> [String] {
        if let maxLines, written >= maxLines {
            guard !truncated else { return [] }
            truncated = true
            return [PlainEncoding.control("truncated")]
        }
        written += 1
        return [PlainEncoding.content(line)]
    }
}
