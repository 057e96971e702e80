import ChatAPI
import DescriptorIO
import Foundation
import Glibc

/// The input history on disk: one JSON string per line, so an entry with newlines comes back whole.
///
/// readline's own `write_history` format splits a multi-line entry into several (ollama's bug, repl.md section 2),
/// so the reader keeps readline's list in memory only and persists it here. Saving re-reads the file and appends
/// this run's entries, so two chatshell processes do not erase each other's history; the file keeps the newest
/// `limit` entries and is replaced atomically with mode 0600.
///
/// ```swift
/// let history = HistoryFile(path: "/home/dana/.local/state/chatshell/history")
/// for entry in history.load() { add_history(entry) }
/// try history.append(["What is the hotel cap?", "\"\"\"\nline one\nline two\n\"\"\""])
/// ```
struct HistoryFile: Sendable {
    /// How many entries the file keeps (repl.md section 2).
    static let defaultLimit = 1_000

    /// The file's path.
    let path: String
    /// The most entries kept; older ones are dropped on save.
    let limit: Int

    /// Describes a history file; nothing is read or created yet.
    ///
    /// - Parameters:
    ///   - path: usually `$XDG_STATE_HOME/chatshell/history`.
    ///   - limit: the most entries kept.
    init(path: String, limit: Int = HistoryFile.defaultLimit) {
        self.path = path
        self.limit = limit
    }

    /// The default location, or nil when history is off.
    ///
    /// `CHATSHELL_NO_HISTORY=1` turns it off; `CHATSHELL_HOME` replaces `$XDG_STATE_HOME/chatshell`
    /// (architecture.md, locations); `$XDG_STATE_HOME` defaults to `$HOME/.local/state`.
    ///
    /// - Parameter environment: the process environment.
    /// - Returns: the history file path, or nil.
    static func defaultPath(environment: [String: String]) -> String? {
        if environment["CHATSHELL_NO_HISTORY"] == "1" { return nil }
        if let home = environment["CHATSHELL_HOME"], !home.isEmpty { return home + "/history" }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/chatshell/history" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/chatshell/history"
    }

    /// Whether an entry may be stored: not blank, and not starting with a space (the user's way to keep a line
    /// out of the history).
    ///
    /// - Parameter entry: the entry as typed.
    /// - Returns: true when it may be recorded.
    static func isRecordable(_ entry: String) -> Bool {
        guard let first = entry.unicodeScalars.first, first != " " else { return false }
        return entry.unicodeScalars.contains { !$0.properties.isWhitespace }
    }

    // MARK: - Reading

    /// The stored entries, oldest first, at most `limit` of them.
    ///
    /// A missing or unreadable file is an empty history. A line that is not a JSON string (hand edited) is taken
    /// as literal text rather than dropped.
    ///
    /// - Returns: the entries.
    func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let entries = data.split(separator: UInt8(ascii: "\n")).compactMap { Self.decode(line: Data($0)) }
        return Array(entries.suffix(limit))
    }

    // MARK: - Writing

    /// Appends entries to the file, keeping the newest `limit`, and leaves it with mode 0600.
    ///
    /// Entries that `isRecordable` rejects are skipped. The parent folder is created with mode 0700 when missing.
    ///
    /// - Parameter newEntries: this run's entries, oldest first.
    /// - Throws: `WriteError` when the folder or file cannot be written.
    func append(_ newEntries: [String]) throws(HistoryFile.WriteError) {
        let recordable = newEntries.filter(Self.isRecordable)
        guard !recordable.isEmpty else { return }
        try write(load() + recordable)
    }

    /// Replaces the file's content with `entries` (the newest `limit` of them).
    ///
    /// - Parameter entries: the whole history, oldest first.
    /// - Throws: `WriteError` when the folder or file cannot be written.
    func write(_ entries: [String]) throws(HistoryFile.WriteError) {
        try createParentFolder()
        var text = ""
        for entry in entries.suffix(limit) {
            text += Self.encode(entry)
            text += "\n"
        }
        // Write a sibling and rename it over the file: a crash never leaves half a history, and the new inode
        // gets mode 0600 even when the old file was looser.
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: Self.lastError()) }
        // The umask can only narrow the mode; set it outright so a strange umask cannot leave 0400.
        _ = fchmod(fd, 0o600)
        if let error = DescriptorWriter.writeAll(Array(text.utf8), to: fd) {
            let reason = String(cString: strerror(error))
            close(fd)
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        _ = fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = Self.lastError()
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
    }

    private func createParentFolder() throws(HistoryFile.WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: folder,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw .cannotWrite(path: path, reason: "cannot create folder '\(folder)'")
        }
    }

    // MARK: - Line format

    /// One entry as one line of JSON (newlines and quotes escaped, no line break inside).
    ///
    /// - Parameter entry: the entry.
    /// - Returns: a JSON string literal.
    static func encode(_ entry: String) -> String {
        // JSONText escapes U+2028 and U+2029 too, which some editors treat as line breaks.
        JSONText.string(entry)
    }

    /// Decodes one line; a line that is not a JSON string is returned as it is, an empty line as nil.
    ///
    /// - Parameter line: the bytes of one line, without its newline.
    /// - Returns: the entry, or nil.
    static func decode(line: Data) -> String? {
        if line.isEmpty { return nil }
        if let value = try? JSONSerialization.jsonObject(with: line, options: .fragmentsAllowed) as? String {
            return value
        }
        let text = String(decoding: line, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

extension HistoryFile {
    /// Why the history could not be saved.
    enum WriteError: LocalizedError, Equatable, Sendable {
        /// The file or its folder cannot be written.
        case cannotWrite(path: String, reason: String)

        var errorDescription: String? {
            switch self {
            case .cannotWrite(let path, let reason):
                return "Cannot save input history to '\(path)': \(reason). Set CHATSHELL_NO_HISTORY=1 to turn it off."
            }
        }
    }
}
