import ChatAPI
import Foundation

/// Tells commands from questions and parses commands against their grammar; never touches the backend.
public enum SlashCommandParser {
    /// Parses one line (or multi-line message) of input.
    ///
    /// - Throws: `CommandError` for unknown commands and wrong arguments.
    public static func parse(_ input: String) throws(CommandError) -> ParsedInput {
        let trimmed = input.trimmingLeadingSpaces()
        guard trimmed.hasPrefix("/") else { return .question(input) }
        if trimmed.hasPrefix("//") { return .question(String(trimmed.dropFirst())) }
        let body = String(trimmed.dropFirst())
        let name = String(body.prefix { !$0.isWhitespace })
        let rest = String(body.dropFirst(name.count)).trimmingLeadingSpaces()
        return .command(try parseCommand(name.lowercased(), rest: rest))
    }

    private static func parseCommand(_ name: String, rest: String) throws(CommandError) -> SlashCommand {
        let words = Tokenizer.split(rest)
        switch name {
        case "help", "?":
            guard words.count <= 1 else { throw tooMany("help") }
            return .help(words.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 })
        case "login": return .login(try optionalSingle("login", words))
        case "register": return .register(try optionalSingle("register", words))
        case "logout": try none("logout", words); return .logout
        case "whoami": try none("whoami", words); return .whoami
        case "upload":
            let (paths, title) = try pathsAndTitle("upload", words)
            return .upload(paths: paths, title: title)
        case "docs", "documents": return try docs(words)
        case "compare": return try compare(rest)
        case "remember":
            let text = rest.trimmingSpaces()
            guard !text.isEmpty else { throw .missingArgument(command: "remember", argument: "text") }
            return .remember(text)
        case "memories": try none("memories", words); return .memories
        case "forget": return .forget(try single("forget", "id", words))
        case "admin": return try admin(words, rest: rest)
        case "sources":
            guard words.count <= 1 else { throw tooMany("sources") }
            guard let first = words.first else { return .sources(nil) }
            guard let n = Int(first), n >= 1 else {
                throw .invalidArgument(command: "sources", message: "'\(first)' is not a source number.")
            }
            return .sources(n)
        case "history": try none("history", words); return .history
        case "new": try none("new", words); return .new
        case "sessions": try none("sessions", words); return .sessions
        case "resume": return .resume(try single("resume", "name", words))
        case "save":
            var force = false
            var names: [String] = []
            for word in words {
                if word == "--force" || word == "-f" {
                    force = true
                } else if word.hasPrefix("--") {
                    throw .unknownOption(
                        command: "save",
                        option: word,
                        suggestion: CommandCatalog.nearest(word, in: ["--force"])
                    )
                } else {
                    names.append(word)
                }
            }
            guard let first = names.first else { throw .missingArgument(command: "save", argument: "name") }
            guard names.count == 1 else { throw tooMany("save") }
            return .save(name: first, force: force)
        case "quit", "exit", "q", "bye": try none("quit", words); return .quit
        case "clear": try none("clear", words); return .clear
        case "edit": return .edit(rest.trimmingSpaces())
        default:
            throw .unknownCommand(name, suggestion: CommandCatalog.nearest(name, in: CommandCatalog.names))
        }
    }

    // MARK: - Grammars

    private static func docs(_ words: [String]) throws(CommandError) -> SlashCommand {
        guard let sub = words.first else { return .docs }
        switch sub {
        case "show": return .docsShow(try single("docs", "id", Array(words.dropFirst())))
        case "rm", "delete", "remove": return .docsRemove(try single("docs", "id", Array(words.dropFirst())))
        case "list", "ls": return .docs
        default:
            let hint = CommandCatalog.nearest(sub, in: ["show", "rm", "list"])
            throw .invalidArgument(
                command: "docs",
                message: "Unknown subcommand '\(sub)'." + (hint.map { " Did you mean '\($0)'?" } ?? "")
            )
        }
    }

    private static func compare(_ rest: String) throws(CommandError) -> SlashCommand {
        var documentPart = rest
        var question: String?
        if let range = rest.range(of: " -- ") ?? (rest.hasPrefix("-- ") ? rest.range(of: "-- ") : nil) {
            documentPart = String(rest[..<range.lowerBound])
            question = String(rest[range.upperBound...]).trimmingSpaces()
            if question?.isEmpty == true { question = nil }
        } else if rest.hasSuffix(" --") {
            documentPart = String(rest.dropLast(3))
        }
        let documents = Tokenizer.split(documentPart)
        guard documents.count >= 2 else {
            throw .invalidArgument(command: "compare", message: "Compare needs at least 2 documents.")
        }
        guard documents.count <= 5 else {
            throw .invalidArgument(
                command: "compare",
                message: "Compare takes at most 5 documents, not \(documents.count)."
            )
        }
        return .compare(documents: documents, question: question)
    }

    private static func admin(_ words: [String], rest: String) throws(CommandError) -> SlashCommand {
        guard let area = words.first else {
            throw .missingArgument(command: "admin", argument: "memory|docs|users")
        }
        let args = Array(words.dropFirst())
        switch area {
        case "memory":
            guard let verb = args.first else { return .adminMemory }
            switch verb {
            case "add":
                let text = rest.trimmingSpaces().dropFirst("memory".count).trimmingSpaces().dropFirst(3)
                    .trimmingSpaces()
                guard !text.isEmpty else { throw .missingArgument(command: "admin", argument: "text") }
                return .adminMemoryAdd(text)
            case "rm", "delete", "remove": return .adminMemoryRemove(try single("admin", "id", Array(args.dropFirst())))
            default: throw unknownVerb(verb, ["add", "rm"])
            }
        case "docs", "documents":
            guard let verb = args.first else { return .adminDocs }
            switch verb {
            case "upload":
                let (paths, title) = try pathsAndTitle("admin", Array(args.dropFirst()))
                return .adminDocsUpload(paths: paths, title: title)
            case "rm", "delete", "remove": return .adminDocsRemove(try single("admin", "id", Array(args.dropFirst())))
            default: throw unknownVerb(verb, ["upload", "rm"])
            }
        case "users":
            guard let verb = args.first else { return .adminUsers }
            guard verb == "role" else { throw unknownVerb(verb, ["role"]) }
            guard args.count == 3 else {
                throw .missingArgument(command: "admin", argument: args.count < 2 ? "email" : "role")
            }
            guard let role = Role(rawValue: args[2]), role != .anonymous else {
                throw .invalidArgument(command: "admin", message: "Role must be 'admin' or 'user', not '\(args[2])'.")
            }
            return .adminUsersRole(email: args[1], role: role)
        default:
            throw unknownVerb(area, ["memory", "docs", "users"])
        }
    }

    // MARK: - Helpers

    private static func pathsAndTitle(_ command: String, _ words: [String]) throws(CommandError) -> ([String], String?)
    {
        var paths: [String] = []
        var title: String?
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--title" {
                guard index + 1 < words.count else { throw .missingArgument(command: command, argument: "text") }
                title = words[index + 1]
                index += 2
                continue
            }
            if word.hasPrefix("--") {
                throw .unknownOption(
                    command: command,
                    option: word,
                    suggestion: CommandCatalog.nearest(word, in: ["--title"])
                )
            }
            paths.append(word)
            index += 1
        }
        guard !paths.isEmpty else { throw .missingArgument(command: command, argument: "path") }
        return (paths, title)
    }

    private static func single(_ command: String, _ argument: String, _ words: [String]) throws(CommandError) -> String
    {
        guard let first = words.first else { throw .missingArgument(command: command, argument: argument) }
        guard words.count == 1 else { throw tooMany(command) }
        return first
    }

    private static func optionalSingle(_ command: String, _ words: [String]) throws(CommandError) -> String? {
        guard words.count <= 1 else { throw tooMany(command) }
        return words.first
    }

    private static func none(_ command: String, _ words: [String]) throws(CommandError) {
        guard words.isEmpty else { throw tooMany(command) }
    }

    private static func tooMany(_ command: String) -> CommandError {
        .invalidArgument(command: command, message: "Too many arguments for /\(command).")
    }

    private static func unknownVerb(_ verb: String, _ known: [String]) -> CommandError {
        let hint = CommandCatalog.nearest(verb, in: known).map { " Did you mean '\($0)'?" } ?? ""
        return .invalidArgument(command: "admin", message: "Unknown subcommand '\(verb)'.\(hint)")
    }
}

/// Splits arguments on spaces, keeping "double" or 'single' quoted parts and backslash-escaped spaces together.
enum Tokenizer {
    static func split(_ text: String) -> [String] {
        let scan = self.scan(text)
        return scan.hasWord ? scan.words + [scan.current] : scan.words
    }

    /// For completion: the finished words before the last one, and the last one as typed so far, quotes and
    /// escapes removed (empty after a space); an unclosed quote keeps its word open.
    static func splitPartial(_ text: String) -> (words: [String], current: String) {
        let scan = self.scan(text)
        return (scan.words, scan.current)
    }

    private static func scan(_ text: String) -> (words: [String], current: String, hasWord: Bool) {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var escaping = false
        var hasWord = false
        for character in text {
            if escaping {
                current.append(character)
                escaping = false
                continue
            }
            if character == "\\" && quote != "'" {
                escaping = true
                hasWord = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if character == "\"" || character == "'" {
                quote = character
                hasWord = true
            } else if character.isWhitespace {
                if hasWord { words.append(current) }
                current = ""
                hasWord = false
            } else {
                current.append(character)
                hasWord = true
            }
        }
        return (words, current, hasWord)
    }
}

extension StringProtocol {
    func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }))
    }

    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
