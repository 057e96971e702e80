import ArgumentParser
import ChatAPI

/// `chatshell`: a terminal chat client for your documents, and the backend it talks to.
@main
struct ChatShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatshell",
        abstract: "Talk to your documents from a terminal.",
        discussion: """
            Without a subcommand, opens the REPL on the local store (or on --server URL).
            Free text is a question; /help lists the slash-commands.
            """,
        version: ChatShellVersion.current,
        subcommands: [Repl.self, Ask.self, Ingest.self, Eval.self, Bridge.self, Mcp.self, Replay.self, Serve.self],
        defaultSubcommand: Repl.self
    )
}
