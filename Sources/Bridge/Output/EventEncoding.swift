import ChatAPI
import Commands

/// The JSONL events of bridge.md 4.2, as whole lines (events without `id`) or as the members after `seq`.
enum EventEncoding {
    /// The protocol name in `hello`.
    static let protocolName = "chatshell-bridge/1"

    // MARK: - Events without id

    static func hello(backend: String, capabilities: [String], configuration: BridgeConfiguration) -> String {
        var limits = JSONFields()
        limits.add("max_inflight", int: configuration.effectiveInflight)
        limits.add("max_queue", int: configuration.maxQueue)
        limits.add("max_line_bytes", int: configuration.maxLineBytes)
        limits.add("timeout_ms", int: configuration.timeout.map(milliseconds) ?? 0)
        var fields = JSONFields()
        fields.add("type", "hello")
        fields.add("protocol", protocolName)
        fields.add("version", ChatShellVersion.current)
        fields.add("backend", backend)
        fields.add("capabilities", raw: "[" + capabilities.map(JSONText.string).joined(separator: ",") + "]")
        fields.add("limits", raw: limits.object)
        return fields.object
    }

    static func bye(reason: String) -> String {
        var fields = JSONFields()
        fields.add("type", "bye")
        fields.add("reason", reason)
        return fields.object
    }

    /// The answer to a line that was not accepted.
    static func rejection(line: Int, ref: String?, code: ErrorCode, message: String) -> String {
        var fields = JSONFields()
        fields.add("type", "error")
        fields.add("id", nil)
        fields.add("line", int: line)
        if let ref { fields.add("ref", ref) }
        fields.add("code", code.rawValue)
        fields.add("message", message)
        fields.add("retryable", bool: code.isRetryable)
        return fields.object
    }

    /// A `reset` answering a request without `id`.
    static func anonymousReset(conversation: String, existed: Bool) -> String {
        var fields = JSONFields()
        fields.add("type", "reset")
        fields.add("conversation", conversation)
        fields.add("existed", bool: existed)
        return fields.object
    }

    // MARK: - Members of request events

    static func start(op: String, conversation: String?, meta: JSONValue?) -> String {
        var fields = JSONFields()
        fields.add("op", op)
        fields.add("conversation", conversation)
        if let meta { fields.add("meta", json: meta) }
        return fields.text
    }

    static func status(_ stage: String) -> String {
        var fields = JSONFields()
        fields.add("stage", stage)
        return fields.text
    }

    static func sources(_ sources: [Source]) -> String {
        var fields = JSONFields()
        fields.add("sources", raw: "[" + sources.map(sourceObject).joined(separator: ",") + "]")
        return fields.text
    }

    static func citation(_ citation: CitationEvent, sources: [Source]) -> String {
        let source = sources.first { $0.n == citation.n }
        var fields = JSONFields()
        fields.add("n", int: citation.n)
        fields.add("doc", source.flatMap(documentName))
        fields.add("page", int: source.flatMap(documentPage))
        fields.add("span", raw: "[\(citation.span.start),\(citation.span.end)]")
        return fields.text
    }

    static func done(
        _ done: DoneInfo,
        sources: [Source],
        conversation: String?,
        elapsed: Duration,
        meta: JSONValue?
    ) -> String {
        let cited = done.citations.map { citation -> String in
            let source = sources.first { $0.n == citation.n }
            var fields = JSONFields()
            fields.add("n", int: citation.n)
            fields.add("doc", source.flatMap(documentName))
            fields.add("page", int: source.flatMap(documentPage))
            return fields.object
        }
        var fields = JSONFields()
        fields.add("finish", done.finish.rawValue)
        fields.add("answer", done.answer)
        fields.add("citations", raw: "[" + cited.joined(separator: ",") + "]")
        fields.add("conversation", conversation)
        fields.add("memory_added", json: done.memoryAdded.map { Interpreter.jsonValue($0) })
        fields.add("elapsed_ms", int: milliseconds(elapsed))
        if let usage = done.usage {
            var counts = JSONFields()
            counts.add("prompt_tokens", int: usage.promptTokens)
            counts.add("completion_tokens", int: usage.completionTokens)
            counts.add("total_tokens", int: usage.totalTokens)
            fields.add("usage", raw: counts.object)
        }
        if let result = done.result { fields.add("result", json: result) }
        if let meta { fields.add("meta", json: meta) }
        return fields.text
    }

    static func error(code: ErrorCode, message: String, partial: String, meta: JSONValue?) -> String {
        var fields = JSONFields()
        fields.add("code", code.rawValue)
        fields.add("message", message)
        fields.add("retryable", bool: code.isRetryable)
        if let meta { fields.add("meta", json: meta) }
        if !partial.isEmpty { fields.add("partial", partial) }
        return fields.text
    }

    static func reset(conversation: String, existed: Bool) -> String {
        var fields = JSONFields()
        fields.add("conversation", conversation)
        fields.add("existed", bool: existed)
        return fields.text
    }

    static func pong(inflight: Int, queued: Int) -> String {
        var fields = JSONFields()
        fields.add("inflight", int: inflight)
        fields.add("queued", int: queued)
        return fields.text
    }

    // MARK: - Helpers

    private static func sourceObject(_ source: Source) -> String {
        var fields = JSONFields()
        fields.add("n", int: source.n)
        fields.add("kind", source.kind.rawValue)
        fields.add("doc", documentName(source))
        fields.add("title", source.title)
        fields.add("page", int: documentPage(source))
        fields.add("doc_id", source.kind == .document ? source.documentId : nil)
        fields.add("score", number: source.score)
        fields.add("snippet", source.snippet)
        return fields.object
    }

    /// A document source's file name; memories have none.
    private static func documentName(_ source: Source) -> String? {
        source.kind == .document ? source.filename ?? source.title : nil
    }

    private static func documentPage(_ source: Source) -> Int? {
        source.kind == .document ? source.page : nil
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
