import Foundation

/// A tool call the front end refuses before it reaches the backend.
///
/// Reported as a tool result with `isError`, so the model reads the message and can correct the call; the
/// process always goes on.
enum ToolError: LocalizedError, Equatable, Sendable {
    /// A required argument is absent.
    case missingArgument(tool: String, name: String, expected: String)
    /// An argument has the wrong JSON type or an unusable value.
    case invalidArgument(tool: String, name: String, problem: String)
    /// Arguments the tool does not take.
    case unknownArguments(tool: String, names: [String], known: [String])
    /// `upload_document` against a remote backend.
    case uploadNeedsLocalStore
    /// `upload_document` without `--allow-dir`.
    case uploadDisabled
    /// `upload_document` with a path outside every allowed folder.
    case pathNotAllowed(path: String, allowed: [String])

    var errorDescription: String? {
        switch self {
        case .missingArgument(let tool, let name, let expected):
            "\(tool): missing required argument '\(name)' (\(expected))."
        case .invalidArgument(let tool, let name, let problem):
            "\(tool): argument '\(name)' \(problem)."
        case .unknownArguments(let tool, let names, let known):
            "\(tool): unknown argument\(names.count == 1 ? "" : "s") "
                + names.map { "'\($0)'" }.joined(separator: ", ")
                + (known.isEmpty ? "; it takes none." : "; it takes " + known.joined(separator: ", ") + ".")
        case .uploadNeedsLocalStore:
            "upload_document works on the local store only; this server talks to a chatshell server. Upload there "
                + "with `chatshell ingest PATH --server URL` or /upload in the REPL."
        case .uploadDisabled:
            "upload_document is disabled: start `chatshell mcp` with --allow-dir DIR to let clients upload files "
                + "from DIR."
        case .pathNotAllowed(let path, let allowed):
            "'\(path)' is outside the folders allowed with --allow-dir ("
                + allowed.joined(separator: ", ")
                + "). Move the file into one of them, or restart `chatshell mcp` with --allow-dir for its folder."
        }
    }
}
