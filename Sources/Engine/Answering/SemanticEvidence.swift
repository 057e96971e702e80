/// What the embedding model says about a question and its sources, for answering by meaning when the question and
/// the passage that answers it share few words (a paraphrase, or a question in another language than the passage).
///
/// Present only when embeddings are on and the sources' chunks have vectors; the extractive answerer then also
/// weighs how close each sentence is to the question in meaning (docs/embeddings.md, "Answering by meaning").
public struct SemanticEvidence: Sendable {
    /// The question's unit-length vector.
    public var question: [Float]
    /// The cosine of the question with each document source's stored chunk vector, by source number.
    public var passageSimilarity: [Int: Float]
    /// Embeds texts as passages, in order; nil when the model fails (the answer then goes by words alone).
    public var embedPassages: @Sendable ([String]) async -> [[Float]]?

    /// Creates the evidence of one question.
    ///
    /// - Parameters:
    ///   - question: The question's unit-length vector.
    ///   - passageSimilarity: The cosine of the question with each document source's chunk, by source number.
    ///   - embedPassages: Embeds sentences as passages, in order, or returns nil when the model fails.
    public init(
        question: [Float],
        passageSimilarity: [Int: Float],
        embedPassages: @escaping @Sendable ([String]) async -> [[Float]]?
    ) {
        self.question = question
        self.passageSimilarity = passageSimilarity
        self.embedPassages = embedPassages
    }

    /// The cosine of two unit-length vectors of one width.
    static func cosine(_ lhs: [Float], _ rhs: [Float]) -> Float {
        guard lhs.count == rhs.count else { return 0 }
        var total: Float = 0
        for index in lhs.indices { total += lhs[index] * rhs[index] }
        return total
    }
}
