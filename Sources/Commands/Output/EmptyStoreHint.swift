import ChatAPI
public import ChatClient
public import Session

/// The hint after an abstention when there is nothing to search yet: a new user's first question otherwise just
/// reads "I could not find this" with no way forward.
public enum EmptyStoreHint {
    /// The hint, or nil when the turn did not abstain or the user can see documents.
    ///
    /// - Parameters:
    ///   - turn: the finished turn.
    ///   - backend: asked for one document.
    /// - Returns: such as `(No documents yet: /upload PATH adds files or folders.)`.
    public static func text(after turn: Turn, backend: any Backend) async -> String? {
        guard turn.finishReason == .noContext,
            let page = try? await backend.documents(scope: nil, limit: 1, offset: 0), page.total == 0
        else { return nil }
        return "(No documents yet: /upload PATH adds files or folders, such as /upload ~/notes.)"
    }
}
