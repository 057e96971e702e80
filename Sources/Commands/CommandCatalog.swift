/// The commands the REPL knows, with their usage and one-line help (repl.md section 1).
public enum CommandCatalog {
    /// One command's documentation.
    public struct Entry: Sendable {
        public var name: String
        public var usage: String
        public var summary: String
        public var options: [String] = []
    }

    public static let entries: [Entry] = [
        Entry(name: "help", usage: "/help [<command>]", summary: "list commands, or show one command's usage"),
        Entry(
            name: "upload",
            usage: "/upload <path>... [--title <text>]",
            summary: "index files or folders",
            options: ["--title"]
        ),
        Entry(name: "docs", usage: "/docs [show <id> | rm <id>]", summary: "list documents; show or delete one"),
        Entry(
            name: "compare",
            usage: "/compare <doc> <doc> [<doc>...] [-- <question>]",
            summary: "compare 2 to 5 documents by id, file name or title prefix"
        ),
        Entry(name: "remember", usage: "/remember <text>", summary: "store a personal memory"),
        Entry(name: "memories", usage: "/memories", summary: "list your personal memories"),
        Entry(name: "forget", usage: "/forget <id>", summary: "delete a personal memory"),
        Entry(name: "sources", usage: "/sources [<n>]", summary: "the last answer's sources, or source n in full"),
        Entry(name: "history", usage: "/history", summary: "the turns of this conversation"),
        Entry(name: "new", usage: "/new", summary: "start a fresh conversation"),
        Entry(name: "sessions", usage: "/sessions", summary: "list saved sessions"),
        Entry(name: "resume", usage: "/resume <name>", summary: "continue a saved session"),
        Entry(
            name: "save",
            usage: "/save [--force] <name>",
            summary: "write this conversation to <name>.chat",
            options: ["--force"]
        ),
        Entry(name: "login", usage: "/login <email>", summary: "sign in to the server (password asked without echo)"),
        Entry(name: "register", usage: "/register <email>", summary: "create an account on the server"),
        Entry(name: "logout", usage: "/logout", summary: "sign out of the server"),
        Entry(name: "whoami", usage: "/whoami", summary: "show user, role and backend"),
        Entry(
            name: "admin",
            usage:
                "/admin memory [add <text> | rm <id>] | docs [upload <path>... | rm <id>] | users [role <email> admin|user]",
            summary: "shared memory, shared documents, users and roles (admins only)"
        ),
        Entry(
            name: "edit",
            usage: "/edit [<text>]",
            summary: "compose a message in $VISUAL or $EDITOR (also Ctrl-X Ctrl-E)"
        ),
        Entry(name: "clear", usage: "/clear", summary: "clear the screen"),
        Entry(name: "quit", usage: "/quit", summary: "save and exit (like Ctrl-D)"),
    ]

    /// All command names.
    public static var names: [String] { entries.map(\.name) }

    /// The entry for a name.
    public static func entry(_ name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The usage line of a command.
    public static func usage(_ name: String) -> String {
        entry(name)?.usage ?? "/\(name)"
    }

    /// The nearest of `candidates` within edit distance 2, for "Did you mean" hints.
    public static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= 2 }
        return scored.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    /// Damerau-Levenshtein distance (adjacent transpositions count once, so `uplaod` is 1 from `upload`).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
