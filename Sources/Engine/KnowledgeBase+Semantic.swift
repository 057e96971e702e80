import Embedding

extension KnowledgeBase {
    /// The question's embedding for hybrid ranking; nil when embeddings are off, nothing is embedded yet, or the
    /// embedder fails, and the question is then ranked by its words alone.
    func questionVector(_ question: String) async -> [Float]? {
        guard let embedding, retriever.vectors.count > 0 else { return nil }
        return try? await embedding.embedder.embed([question], as: .query).first
    }
}
