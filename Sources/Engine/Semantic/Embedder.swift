public import Embedding

/// Turns texts into unit-length vectors for semantic retrieval: the model in the process (`InProcessEmbedder`)
/// or a server's OpenAI-compatible `/v1/embeddings` (`OpenAICompatibleEmbedder`).
public protocol Embedder: Sendable {
    /// The model's name, as `/capabilities` reports it.
    var model: String { get }
    /// Identifies the vectors' space: stored vectors made under another fingerprint are dropped and made again.
    var fingerprint: String { get }

    /// The unit-length vectors of `texts`, in order, all of one width.
    ///
    /// - Parameters:
    ///   - texts: What to embed.
    ///   - role: Whether they are questions or passages (E5 models embed the two differently).
    /// - Returns: One vector per text.
    /// - Throws: `EngineError.serviceUnavailable` when the model cannot be reached or answers wrongly.
    func embed(_ texts: [String], as role: EmbeddingRole) async throws -> [[Float]]
}
