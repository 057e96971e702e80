import ArgumentParser
import ChatAPI
import Foundation
import Session

/// `chatshell`: a terminal chat client for your documents, and the backend it talks to.
@main
struct ChatShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatshell",
        abstract: "Talk to your documents from a terminal.",
        usage: """
            chatshell [--server <url>] [--llm <url>] [--resume [<name>]]
              chatshell "<question>"          (one-shot; piped stdin joins as context)
              chatshell <subcommand> [<options>]
            """,
        discussion: """
            Without a subcommand, opens the REPL on the local store (or on --server URL).
            Free text is a question; /help lists the slash-commands.

            Options every subcommand takes, before or after the subcommand:
              --server <url>      Talk to `chatshell serve` at this URL instead of the local store.
              --llm <url>         An OpenAI-compatible endpoint for generated answers.
              --data-dir <path>   The local store's folder.
              --color <when>      auto, always or never.
              --ca-file <path>    CA bundle for TLS to the server.

            Examples:
              chatshell "What is the reach of the NR-X300?"
              cat notes.txt | chatshell "Summarise this"
              chatshell --server http://127.0.0.1:8000
            """,
        version: ChatShellVersion.current,
        subcommands: [
            Repl.self, Ask.self, Ingest.self, Eval.self, BridgeCommand.self, Mcp.self, Replay.self, Serve.self,
            Man.self, ExtractPDF.self,
        ],
        defaultSubcommand: Repl.self
    )

    /// Exit code for usage errors, as `ask`'s help and architecture.md section 3 say (the parser's own is 64,
    /// which only the bridge keeps).
    static let usageExitCode: Int32 = 2

    /// Rewrites the command line people type (`CommandLineRewriter`), checks the configuration, then runs the
    /// subcommand; usage errors exit 2.
    static func main() async {
        let settings = Settings()
        let sessions = FileSessionStore(directory: settings.paths.sessions)
        let rewriter = CommandLineRewriter { name in (try? sessions.load(name: name)) != nil }
        let arguments: [String]
        switch rewriter.rewrite(Array(CommandLine.arguments.dropFirst())) {
        case .version:
            print(ChatShellVersion.current)
            return
        case .usage(let message):
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            Foundation.exit(usageExitCode)
        case .parse(let parsed):
            arguments = parsed
        }
        let colorFlag =
            arguments.firstIndex(of: "--color").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
            ?? arguments.first { $0.hasPrefix("--color=") }.map { String($0.dropFirst("--color=".count)) }
        let problems = settings.problems(flags: colorFlag.map { ["color": $0] } ?? [:])
        if !problems.isEmpty {
            for problem in problems { FileHandle.standardError.write(Data("error: \(problem.message)\n".utf8)) }
            Foundation.exit(usageExitCode)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // The bridge keeps the parser's 64 for invalid flags (bridge.md section 5).
            if exitCode(for: error) == .validationFailure, arguments.first != "bridge" {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(usageExitCode)
            }
            exit(withError: error)
        }
    }
}
