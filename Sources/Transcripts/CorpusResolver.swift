import ChatAPI
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves `@ corpus` paths to files (transcripts.md section 3): `./` and `../` relative to the transcript,
/// others to the repository root; a directory means its supported files, not recursive; the last component may use
/// `*` and `?`; files in bytewise path order; duplicate names are an error.
struct CorpusResolver: Sendable {
    let transcriptDirectory: URL
    let repositoryRoot: URL
    /// `CHATSHELL_CORPUS`: paths under `samples/northwind/` resolve inside it.
    let corpusOverride: URL?

    /// The files of all paths, in bytewise path order.
    ///
    /// - Throws: a message and the line of the directive at fault.
    func resolve(_ paths: [TranscriptCorpusPath]) throws(CorpusError) -> [URL] {
        var files: [String: URL] = [:]
        var lines: [String: Int] = [:]
        for entry in paths {
            for file in try resolve(entry) {
                let key = file.standardizedFileURL.path
                files[key] = file
                lines[key] = lines[key] ?? entry.line
            }
        }
        let sorted = files.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var seen: [String: String] = [:]
        for key in sorted {
            let name = (key as NSString).lastPathComponent
            if let other = seen[name] {
                throw CorpusError(
                    line: lines[key] ?? 0,
                    message: "two corpus files are named \(name) (\(other) and \(key)); rename one"
                )
            }
            seen[name] = key
        }
        return sorted.compactMap { files[$0] }
    }

    private func resolve(_ entry: TranscriptCorpusPath) throws(CorpusError) -> [URL] {
        let path = entry.path
        var base = repositoryRoot
        var relative = path
        if path.hasPrefix("./") || path.hasPrefix("../") {
            base = transcriptDirectory
        } else if let corpusOverride, path.hasPrefix("samples/northwind/") {
            base = corpusOverride
            relative = String(path.dropFirst("samples/northwind/".count))
        }
        let url = relative.isEmpty ? base : base.appendingPathComponent(relative)
        let fileManager = FileManager.default
        let last = url.lastPathComponent
        if last.contains("*") || last.contains("?") {
            let directory = url.deletingLastPathComponent()
            let names = (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
            let matched = names.filter { !$0.hasPrefix(".") && Self.glob(last, matches: $0) }
                .map { directory.appendingPathComponent($0) }
                .filter { isFile($0) }
            guard !matched.isEmpty else {
                throw CorpusError(line: entry.line, message: "corpus pattern '\(path)' matches no file")
            }
            return matched
        }
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CorpusError(line: entry.line, message: "corpus path '\(path)' does not exist")
        }
        guard isDirectory.boolValue else { return [url] }
        let names = (try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []
        let files = names.filter { name in
            !name.hasPrefix(".") && Capabilities.Upload.accepts(name)
        }
        .map { url.appendingPathComponent($0) }
        .filter { isFile($0) }
        guard !files.isEmpty else {
            throw CorpusError(line: entry.line, message: "corpus folder '\(path)' holds no supported files")
        }
        return files
    }

    private func isFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Shell wildcard matching (`*`, `?`, `[...]`) of one path component, by the C library's `fnmatch`.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}

/// A corpus path that cannot be used.
struct CorpusError: Error, Equatable, Sendable {
    var line: Int
    var message: String
}
