import ChatAPI
import Foundation

extension OpenAICompatibleAnswerer {
    /// One chat message of the request.
    struct PromptMessage: Encodable, Equatable, Sendable {
        var role: String
        var content: String
    }

    /// The rules the model gets as its system message (architecture.md section 7).
    static let instructions = """
        You answer questions using only the numbered sources the user gives you.
        Rules:
        - Use only facts stated in the sources. Never add facts from elsewhere.
        - Cite the source of every fact with its number in square brackets right after the fact, like [1]. \
        Cite several sources as [1][2].
        - If the sources do not contain the answer, reply with exactly this sentence and nothing else: \
        \(KnowledgeBase.noContextAnswer)
        - Answer briefly, in the language of the question.
        """

    /// The longest passage put into the prompt; chunks are about 800 characters, memories shorter.
    static let maxSourceCharacters = 2_000

    /// The messages for a context: the rules, the recent turns, then the sources and the question.
    ///
    /// Sources go into the last message, right before the question, where small models attend best; earlier
    /// answers lose their `[n]` markers, which referred to that turn's sources, not this one's.
    static func messages(for context: AnswerContext) -> [PromptMessage] {
        var messages = [PromptMessage(role: "system", content: instructions)]
        for turn in context.history where !turn.content.isEmpty {
            let role = turn.role == "assistant" ? "assistant" : "user"
            let content = role == "assistant" ? withoutMarkers(turn.content) : turn.content
            messages.append(PromptMessage(role: role, content: content))
        }
        let sources = context.sources.map { describe($0) }.joined(separator: "\n\n")
        let body =
            context.sources.isEmpty
            ? "Sources: none.\n\nQuestion: \(context.question)"
            : "Sources:\n\n\(sources)\n\nQuestion: \(context.question)"
        messages.append(PromptMessage(role: "user", content: body))
        return messages
    }

    /// One numbered source: a header line with what is known about it, then its text.
    static func describe(_ source: Source, limit: Int = maxSourceCharacters) -> String {
        var fields: [String] = []
        switch source.kind {
        case .personalMemory:
            fields.append("Personal memory (something the user told you earlier)")
        case .sharedMemory:
            fields.append("Shared memory (a note for everyone in the organisation)")
        default:
            fields.append("Title: \(source.title)")
            if let filename = source.filename { fields.append("File: \(filename)") }
            if let page = source.page { fields.append("Page: \(page)") }
            if let heading = source.heading, !heading.isEmpty { fields.append("Section: \(heading)") }
        }
        let header = "[\(source.n)] " + fields.joined(separator: " | ")
        // A limit of 0 keeps the header alone: the source stays citable without its text.
        guard limit > 0 else { return header }
        var text = source.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > limit { text = String(text.prefix(limit)) + " …" }
        return header + "\n" + text
    }

    /// Text with its `[n]` and `[n, m]` markers removed.
    static func withoutMarkers(_ text: String) -> String {
        var output = ""
        var index = text.startIndex
        for match in CitationMarker.matches(in: text, grouped: true) {
            output += text[index..<match.range.lowerBound]
            // Drop the space before the marker too, so "8 kg [1]." becomes "8 kg.".
            if output.hasSuffix(" ") { output.removeLast() }
            index = match.range.upperBound
        }
        return output + text[index...]
    }

    /// The JSON body of a streaming chat-completion request answering the context's question.
    func requestBody(for context: AnswerContext, model: String) throws -> Data {
        try requestBody(messages: Self.messages(for: context), model: model)
    }

    /// The JSON body of a streaming chat-completion request with these messages.
    func requestBody(messages: [PromptMessage], model: String) throws -> Data {
        struct StreamOptions: Encodable {
            var includeUsage = true
        }
        struct Body: Encodable {
            var model: String
            var messages: [PromptMessage]
            var stream = true
            var streamOptions = StreamOptions()
            var temperature: Double
            var maxTokens: Int
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(
            Body(
                model: model,
                messages: messages,
                temperature: configuration.temperature,
                maxTokens: configuration.maxTokens
            )
        )
    }
}
