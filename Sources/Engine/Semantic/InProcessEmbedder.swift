public import Embedding

/// Embeds with the sentence encoder in this process (multilingual-e5-small on OpenBLAS, docs/embeddings.md).
public struct InProcessEmbedder: Embedder {
    let encoder: SentenceEncoder

    /// Wraps a loaded encoder.
    public init(encoder: SentenceEncoder) {
        self.encoder = encoder
    }

    public var model: String { encoder.modelName }
    public var fingerprint: String { "in-process:" + encoder.fingerprint }

    public func embed(_ texts: [String], as role: EmbeddingRole) async throws -> [[Float]] {
        let encoder = self.encoder
        // Seconds of arithmetic for a batch of passages: on its own thread, never on the cooperative pool.
        return try await BlockingThread.run { texts.map { encoder.embed($0, as: role) } }
    }
}
