import Embedding

extension KnowledgeBase {
    /// The question's embedding for hybrid ranking; nil when embeddings are off, nothing is embedded yet, or the
    /// embedder fails, and the question is then ranked by its words alone.
    func questionVector(_ question: String) async -> [Float]? {
        guard let embedding, retriever.vectors.count > 0 else { return nil }
        return try? await embedding.embedder.embed([question], as: .query).first
    }

    /// The answerer's measure of meaning: the cosine of the question's vector to each text's, embedded as passages;
    /// nil without a question vector.
    func similarity(to questionVector: [Float]?) -> (@Sendable (String, [String]) async -> [Float]?)? {
        guard let questionVector, let embedder = configuration.embedder else { return nil }
        return { _, texts in
            guard let vectors = try? await embedder.embed(texts, as: .passage) else { return nil }
            return vectors.map { vector in
                guard vector.count == questionVector.count else { return 0 }
                return zip(questionVector, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            }
        }
    }
}
