public import Foundation
import Synchronization

/// Tab completion for the REPL.
///
/// Command names, subcommands, document ids and names, session names, memory ids, and paths for `/upload`
/// (folders end in `/`). The loop refreshes the cached names; completion itself never
/// waits for the backend.
public final class CommandCompleter: Completer {
    /// Names the completer offers besides commands and paths.
    public struct Names: Sendable {
        public var documents: [String] = []
        public var sessions: [String] = []
        public var memories: [String] = []
        public init(documents: [String] = [], sessions: [String] = [], memories: [String] = []) {
            self.documents = documents
            self.sessions = sessions
            self.memories = memories
        }
    }

    private let names = Mutex(Names())
    private let workingDirectory: String

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = workingDirectory
    }

    /// Replaces the cached names.
    public func update(_ update: @Sendable (inout Names) -> Void) {
        names.withLock { update(&$0) }
    }

    public func completions(line: String, cursor: Int) -> [String] {
        let before = String(String.UnicodeScalarView(line.unicodeScalars.prefix(cursor)))
        let words = before.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = words.last ?? ""
        if words.count <= 1 {
            guard current.hasPrefix("/") else { return [] }
            return CommandCatalog.names.map { "/" + $0 }.filter { $0.hasPrefix(current) }
        }
        let command = words[0].lowercased()
        let cached = names.withLock { $0 }
        let candidates: [String]
        switch command {
        case "/upload": return paths(matching: current)
        case "/admin":
            if words.count == 2 {
                candidates = ["memory", "docs", "users"]
            } else if words.count == 3 {
                candidates = ["add", "rm", "upload", "role"]
            } else if words.count >= 4, words[2] == "upload" {
                return paths(matching: current)
            } else {
                candidates = cached.documents + cached.memories
            }
        case "/docs":
            candidates = words.count == 2 ? ["show", "rm"] : cached.documents
        case "/compare": candidates = cached.documents
        case "/resume": candidates = cached.sessions
        case "/forget": candidates = cached.memories
        case "/help": candidates = CommandCatalog.names
        default: candidates = []
        }
        return candidates.filter { $0.lowercased().hasPrefix(current.lowercased()) }
    }

    /// File system completions for a partial path; folders end in `/`.
    func paths(matching partial: String) -> [String] {
        let expanded = (partial as NSString).expandingTildeInPath
        let directoryPart = expanded.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let prefix = expanded.hasSuffix("/") ? "" : (expanded as NSString).lastPathComponent
        let base =
            directoryPart.hasPrefix("/")
            ? directoryPart : (workingDirectory as NSString).appendingPathComponent(directoryPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base.isEmpty ? "." : base) else {
            return []
        }
        let shownDirectory = partial.hasSuffix("/") ? partial : (partial as NSString).deletingLastPathComponent
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().map {
            entry in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(
                atPath: (base as NSString).appendingPathComponent(entry),
                isDirectory: &isDirectory
            )
            let shown = shownDirectory.isEmpty ? entry : (shownDirectory as NSString).appendingPathComponent(entry)
            return isDirectory.boolValue ? shown + "/" : shown
        }
    }
}
