public import Foundation

/// Failures of session storage and transcripts.
public enum SessionError: LocalizedError, Equatable, Sendable {
    /// A session file could not be written.
    case cannotWrite(String)
    /// A session file exists but is not a session.
    case unreadable(String)

    public var errorDescription: String? {
        switch self {
        case .cannotWrite(let path): "Cannot write the session file \(path). Check that its folder is writable."
        case .unreadable(let path): "The session file \(path) is damaged. Move it away and resume another session."
        }
    }
}
