public import Foundation

/// Why a sentence encoder could not be loaded or used.
public enum EmbeddingError: LocalizedError, Equatable, Sendable {
    /// No model file at the configured or default path.
    case modelMissing(path: String)
    /// The file exists but cannot be opened or mapped.
    case modelUnreadable(path: String, reason: String)
    /// The file is not a model this encoder reads (wrong magic, truncated, inconsistent sizes).
    case modelInvalid(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .modelMissing(let path):
            return "No embedding model at \(path). Run scripts/install-model.sh, set CHATSHELL_EMBEDDING_MODEL "
                + "(or the embedding_model config key) to the model file, or use --embeddings off for word-only search."
        case .modelUnreadable(let path, let reason):
            return "Cannot read the embedding model \(path): \(reason). Check its permissions, "
                + "or run scripts/install-model.sh again."
        case .modelInvalid(let path, let reason):
            return "'\(path)' is not an E5S1 embedding model (\(reason)). Run scripts/install-model.sh again, "
                + "or point CHATSHELL_EMBEDDING_MODEL at e5-small-q4.bin."
        }
    }
}
