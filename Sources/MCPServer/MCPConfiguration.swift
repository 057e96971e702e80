public import Foundation

/// How `chatshell mcp` serves: what clients may upload and how large a message may be.
public struct MCPConfiguration: Sendable {
    /// Folders `upload_document` may read from (`--allow-dir`); empty disables the tool.
    public var allowedDirectories: [URL]
    /// The longest JSON-RPC message accepted, in bytes; longer lines get an error and are skipped.
    ///
    /// 4 MiB leaves room for any tool call this server takes (questions are at most 4,000 characters) while keeping a runaway
    /// client from growing the buffer without bound.
    public var maxLineBytes = 4 * 1_048_576
    /// The version reported in `serverInfo`.
    public var version: String

    /// - Parameters:
    ///   - allowedDirectories: folders `upload_document` may read from.
    ///   - version: the product version.
    public init(allowedDirectories: [URL] = [], version: String) {
        self.allowedDirectories = allowedDirectories
        self.version = version
    }
}
