import MCP

/// The prompt template "answer with citations from my documents".
enum CitationPrompt {
    static let name = "answer_with_citations"

    static let prompt = Prompt(
        name: name,
        title: "Answer with citations from my documents",
        description: "Answer a question only from the user's documents, citing each claim with [n].",
        arguments: [.init(name: "question", description: "The question to answer.", required: true)]
    )

    /// `prompts/get`.
    ///
    /// - Throws: `MCPError.invalidParams` for another prompt name or a missing question.
    static func get(_ parameters: GetPrompt.Parameters) throws -> GetPrompt.Result {
        guard parameters.name == name else {
            throw MCPError.invalidParams("Unknown prompt '\(parameters.name)'. This server has: \(name).")
        }
        guard let question = parameters.arguments?["question"], !question.allSatisfy(\.isWhitespace) else {
            throw MCPError.invalidParams("Prompt '\(name)' needs the argument 'question'.")
        }
        let text = """
            Answer the question below only from my documents, using the chatshell tools: call `ask` with the \
            question, or `search_documents` and then `get_passage` to read more. Keep the [n] citation markers \
            next to the claims they support and end with the cited sources (document, page or section). If the \
            documents do not contain the answer, say so instead of guessing.

            Question: \(question)
            """
        return GetPrompt.Result(description: prompt.description, messages: [.user(.text(text: text))])
    }
}
