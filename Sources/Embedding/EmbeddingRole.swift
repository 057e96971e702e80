/// What a text is to the model: E5 models are trained with a "query: " or "passage: " prefix and embed each side
/// differently, so a question and the chunk that answers it meet in the middle.
public enum EmbeddingRole: Sendable {
    case query
    case passage

    /// The prefix the model was trained with.
    var prefix: String {
        switch self {
        case .query: "query: "
        case .passage: "passage: "
        }
    }
}
