import Foundation

/// Which paths `upload_document` may read: only inside the folders given with `--allow-dir`.
///
/// Paths are compared after resolving symbolic links and `..`, so a link or a relative step cannot lead out of
/// an allowed folder.
struct UploadPolicy: Sendable {
    let allowedDirectories: [URL]

    /// The resolved location of `path` when it lies inside an allowed folder.
    ///
    /// - Throws: `ToolError.uploadDisabled` without allowed folders; `.invalidArgument` for a relative path;
    ///   `.pathNotAllowed` outside them.
    func check(_ path: String) throws -> URL {
        guard !allowedDirectories.isEmpty else { throw ToolError.uploadDisabled }
        let expanded = (path as NSString).expandingTildeInPath
        guard expanded.hasPrefix("/") else {
            throw ToolError.invalidArgument(
                tool: ToolCatalog.uploadDocument,
                name: "path",
                problem: "must be an absolute path, not '\(path)'"
            )
        }
        let resolved = URL(fileURLWithPath: expanded).standardizedFileURL.resolvingSymlinksInPath()
        let inside = allowedDirectories.contains { directory in
            let root = directory.standardizedFileURL.resolvingSymlinksInPath().pathComponents
            let components = resolved.pathComponents
            return components.count >= root.count && Array(components.prefix(root.count)) == root
        }
        guard inside else {
            throw ToolError.pathNotAllowed(path: path, allowed: allowedDirectories.map(\.path))
        }
        return resolved
    }
}
