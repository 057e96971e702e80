public import ChatAPI
public import ChatClient
public import Foundation

/// What a handler decided; only the loop (REPL, `ask`, bridge, replay) acts on it.
public enum CommandOutcome: Sendable {
    /// Client output for stdout, with the HTTP API object(s) the command ended with (for `--json` and the bridge).
    case output(StyledText, result: JSONValue?)
    /// An answer to stream and render: a question, or `/compare`.
    case answer(AnswerStream, input: String)
    /// Files to upload, with progress; the loop drives `UploadRunner`.
    case upload(UploadPlan)
    /// A failure to show as `error: MESSAGE`, with its code.
    case failure(code: ErrorCode, message: String)
    /// Save and exit.
    case quit

    /// A failure from any error a handler met.
    public static func failure(_ error: any Error) -> CommandOutcome {
        switch error {
        case let error as CommandError: .failure(code: error.code, message: error.errorDescription ?? "\(error)")
        case let error as BackendError: .failure(code: error.code, message: error.errorDescription ?? "\(error)")
        case let error as any LocalizedError where error.errorDescription != nil:
            .failure(code: .internalError, message: error.errorDescription ?? "")
        default: .failure(code: .internalError, message: "internal error: \(error) (please report this)")
        }
    }
}

/// Files to upload and how.
public struct UploadPlan: Sendable, Equatable {
    /// Files, folders already expanded, in order.
    public var files: [URL]
    public var title: String?
    public var shared: Bool
    /// Paths that could not be used, with the reason, reported as failed without reaching the backend.
    public var problems: [UploadRunner.FileResult]
    /// What folders held but is not uploaded, with the reason (hidden, unsupported type, unreadable).
    public var skipped: [Skipped]
    /// The folders among the paths, as given to the walk: `ingest --prune` removes documents of files gone from them.
    public var folders: [URL]

    /// A path inside a folder that is not uploaded.
    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public init(
        files: [URL],
        title: String?,
        shared: Bool,
        problems: [UploadRunner.FileResult] = [],
        skipped: [Skipped] = [],
        folders: [URL] = []
    ) {
        self.files = files
        self.title = title
        self.shared = shared
        self.problems = problems
        self.skipped = skipped
        self.folders = folders
    }
}
