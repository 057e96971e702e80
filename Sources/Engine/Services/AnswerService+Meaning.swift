import Embedding

extension AnswerService {
    /// The question's embedding for hybrid ranking; nil when embeddings are off, nothing is embedded yet, or the
    /// embedder fails, and the question is then ranked by its words alone.
    func questionVector(_ question: String) async -> [Float]? {
        guard let embedding, retriever.vectors.count > 0 else { return nil }
        return try? await embedding.embedder.embed([question], as: .query).first
    }

    /// What the model says about the question and its sources, for answering by meaning; nil without a question
    /// vector.
    func semanticEvidence(question vector: [Float]?, hits: [ChunkHit]) -> SemanticEvidence? {
        guard let vector, let sentenceVectors else { return nil }
        let similarities = retriever.vectors.similarities(of: hits.map(\.seq), to: vector)
        var bySource: [Int: Float] = [:]
        for (index, hit) in hits.enumerated() {
            if let similarity = similarities[hit.seq] { bySource[index + 1] = similarity }
        }
        return SemanticEvidence(question: vector, passageSimilarity: bySource) { texts in
            await sentenceVectors.vectors(texts)
        }
    }
}
