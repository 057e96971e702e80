public import Embedding
import Foundation
import Synchronization

/// Embeds with the sentence encoder in this process (multilingual-e5-small on OpenBLAS, docs/embeddings.md).
///
/// The model is loaded on first use, on the thread that first needs it: a command that never embeds (`ingest`,
/// `/docs`) does not pay for expanding 85 MB of weights.
public final class InProcessEmbedder: Embedder {
    /// The model file.
    public let path: String
    public let model: String
    public let fingerprint: String
    private let loaded = Mutex<Result<SentenceEncoder, EmbeddingError>?>(nil)

    /// Checks that the model file exists; it is read when first needed.
    ///
    /// - Throws: `EmbeddingError.modelMissing` when there is no file at `path`.
    public init(path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw EmbeddingError.modelMissing(path: path)
        }
        self.path = path
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        model = name
        // The same identity `SentenceEncoder.fingerprint` gives, without reading the file.
        fingerprint = "in-process:\(name):\((attributes[.size] as? NSNumber)?.intValue ?? 0)"
    }

    /// Wraps an encoder already loaded.
    public init(encoder: SentenceEncoder, path: String = "") {
        self.path = path
        model = encoder.modelName
        fingerprint = "in-process:" + encoder.fingerprint
        loaded.withLock { $0 = .success(encoder) }
    }

    /// The encoder, loading it on the first call.
    ///
    /// - Throws: `EmbeddingError` when the file cannot be read as a model.
    public func encoder() throws -> SentenceEncoder {
        try loaded.withLock { slot in
            if let slot { return try slot.get() }
            let result: Result<SentenceEncoder, EmbeddingError>
            do {
                result = .success(try SentenceEncoder(path: path))
            } catch let error as EmbeddingError {
                result = .failure(error)
            } catch {
                result = .failure(.modelUnreadable(path: path, reason: String(describing: error)))
            }
            slot = result
            return try result.get()
        }
    }

    public func embed(_ texts: [String], as role: EmbeddingRole) async throws -> [[Float]] {
        // Seconds of arithmetic for a batch of passages: on its own thread, never on the cooperative pool.
        try await BlockingThread.run {
            let encoder = try self.encoder()
            return texts.map { encoder.embed($0, as: role) }
        }
    }
}
