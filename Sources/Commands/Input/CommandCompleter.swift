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
    /// What `~` means in paths; nil uses `UserPath.home`.
    private let homeDirectory: String?

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath, homeDirectory: String? = nil) {
        self.workingDirectory = workingDirectory
        self.homeDirectory = homeDirectory
    }

    /// Replaces the cached names.
    public func update(_ update: @Sendable (inout Names) -> Void) {
        names.withLock { update(&$0) }
    }

    public func completions(line: String, cursor: Int) -> [String] {
        completion(line: line, cursor: cursor).candidates
    }

    public func completesPaths(line: String, cursor: Int) -> Bool {
        completion(line: line, cursor: cursor).arePaths
    }

    /// The candidates for the word ending at `cursor`, and whether they are file system paths (which the line
    /// reader then quotes when they contain a space).
    func completion(line: String, cursor: Int) -> (candidates: [String], arePaths: Bool) {
        let before = String(String.UnicodeScalarView(line.unicodeScalars.prefix(cursor)))
        // Quote-aware, like the command parser: `/upload "my folder/` is one word, `my folder/`, still open.
        let (words, current) = Tokenizer.splitPartial(before)
        if words.isEmpty {
            guard current.hasPrefix("/") else { return ([], false) }
            return (CommandCatalog.names.map { "/" + $0 }.filter { $0.hasPrefix(current) }, false)
        }
        let command = words[0].lowercased()
        let cached = names.withLock { $0 }
        let candidates: [String]
        switch command {
        case "/upload": return (paths(matching: current), true)
        case "/admin":
            if words.count == 1 {
                candidates = ["memory", "docs", "users"]
            } else if words.count == 2 {
                candidates = ["add", "rm", "upload", "role"]
            } else if words.count >= 3, words[2] == "upload" {
                return (paths(matching: current), true)
            } else {
                candidates = cached.documents + cached.memories
            }
        case "/docs":
            candidates = words.count == 1 ? ["show", "rm"] : cached.documents
        case "/compare": candidates = cached.documents
        case "/resume": candidates = cached.sessions
        case "/forget": candidates = cached.memories
        case "/help": candidates = CommandCatalog.names
        default: candidates = []
        }
        return (candidates.filter { $0.lowercased().hasPrefix(current.lowercased()) }, false)
    }

    /// File system completions for a partial path, shown as typed (`~` kept); folders end in `/`.
    ///
    /// Plain string work on `/` (`UserPath.split`): Foundation's path helpers trap on some one-character paths.
    func paths(matching partial: String) -> [String] {
        if partial == "~" { return ["~/"] }
        let (shownFolder, prefix) = UserPath.split(partial)
        let folder = UserPath.expandingTilde(shownFolder, home: homeDirectory)
        let base: String
        if folder.hasPrefix("/") {
            base = folder
        } else {
            base = workingDirectory.hasSuffix("/") ? workingDirectory + folder : workingDirectory + "/" + folder
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base.isEmpty ? "." : base) else {
            return []
        }
        let baseWithSlash = base.hasSuffix("/") ? base : base + "/"
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().map {
            entry in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: baseWithSlash + entry, isDirectory: &isDirectory)
            return shownFolder + entry + (isDirectory.boolValue ? "/" : "")
        }
    }
}
