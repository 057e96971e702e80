import Commands

/// Turns the command line people type into the one the argument parser reads.
///
/// These are the habits of llm, aichat and ollama users (repl.md section 2, "One-shot"):
///
/// - global options (`--server URL`, `--data-dir P`, ...) before the subcommand move after it, so
///   `chatshell --server URL ask Q` works like `chatshell ask --server URL Q`;
/// - `chatshell version` is `--version`;
/// - a first positional that is neither a subcommand nor a saved session name is a one-shot question:
///   `chatshell What is the reach?` runs `chatshell ask --stdin-context What is the reach?`;
/// - a single word within two edits of a subcommand (`aks`) is a typo, answered with "Did you mean".
struct CommandLineRewriter {
    /// What to do with the command line.
    enum Decision: Equatable {
        /// Parse these arguments.
        case parse([String])
        /// Print the version and exit 0.
        case version
        /// A usage mistake: print it and exit 2.
        case usage(String)
    }

    /// The subcommands, as the parser names them.
    static let subcommands = [
        "repl", "ask", "ingest", "eval", "bridge", "mcp", "replay", "serve", "man", "help", "extract-pdf",
    ]
    /// Global options that take a value (GlobalOptions).
    static let valueOptions: Set<String> = ["--server", "--data-dir", "--ca-file", "--color", "--llm", "--embeddings"]
    /// Global options without a value.
    static let flagOptions: Set<String> = ["--verbose"]

    /// Whether a saved session has this name (then `chatshell NAME` keeps the `--resume` hint).
    let isSessionName: (String) -> Bool

    /// Decides what the arguments mean.
    ///
    /// - Parameter arguments: the command line without the program name.
    /// - Returns: the arguments to parse, or a version request, or a usage error.
    func rewrite(_ arguments: [String]) -> Decision {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.prefix { $0 != "=" })
            if Self.valueOptions.contains(name) {
                globals.append(argument)
                if !argument.contains("="), index + 1 < arguments.count {
                    globals.append(arguments[index + 1])
                    index += 1
                }
                index += 1
            } else if Self.flagOptions.contains(argument) {
                globals.append(argument)
                index += 1
            } else {
                break
            }
        }
        let rest = Array(arguments[index...])
        guard let first = rest.first else { return .parse(arguments) }
        if first == "version" || first == "--version" { return .version }
        if Self.subcommands.contains(first) { return .parse([first] + globals + rest.dropFirst()) }
        // Options of the REPL itself (--resume, --help, a typo of an option): the parser explains.
        if first.hasPrefix("-") || rest.contains("--resume") { return .parse(arguments) }
        let positionals = rest.filter { !$0.hasPrefix("-") }
        if positionals.count == 1, rest.count == 1, isSessionName(first) { return .parse(arguments) }
        if Self.isWord(first), let near = Self.nearestSubcommand(first) {
            return .usage(
                "Unknown command '\(first)'. Did you mean 'chatshell \(near)'? "
                    + "(A question goes in quotes: chatshell \"\(first) ...?\")"
            )
        }
        // Global options go after `ask`, as for any subcommand: before it the parser would read them as the REPL's
        // and take "ask" for a session name.
        return .parse(["ask"] + globals + ["--stdin-context"] + rest)
    }

    /// One lower-case word, as a command name would be: a one-word question in quotes usually has a capital or
    /// punctuation.
    static func isWord(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ("a"..."z").contains($0) || $0 == "-" }
    }

    /// The subcommand within two edits of `word` (a transposition counts once), if any.
    static func nearestSubcommand(_ word: String) -> String? {
        let scored = (subcommands + ["version"]).map { ($0, CommandCatalog.editDistance(word, $0)) }
            .filter { $0.1 <= 2 && $0.1 < word.count }
        return scored.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }
}
