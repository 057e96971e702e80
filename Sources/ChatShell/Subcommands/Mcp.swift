import ArgumentParser
import Bridge
import ChatAPI
import ChatClient
import Foundation
import Glibc
import Logging
import MCPServer

extension ChatShellCommand {
    /// `chatshell mcp`: the documents as an MCP server over stdio, for desktop assistants and agents (docs/mcp.md).
    struct Mcp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve your documents to an MCP client (Claude Desktop, IDE agents) over stdin/stdout.",
            discussion: """
                Speaks the Model Context Protocol: one JSON-RPC message per line on stdin and stdout. Tools: ask, \
                search_documents, list_documents, get_passage, upload_document (with --allow-dir), remember; \
                each document is a resource chatshell://documents/{id}. stdout carries protocol messages only; \
                logs go to stderr. See docs/mcp.md.
                Exit codes: 0 end of input; 1 fault; 64 invalid flags; 69 backend unavailable; 77 credentials \
                rejected.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(
            name: .customLong("allow-dir"),
            help: ArgumentHelp(
                "Let upload_document add files from this folder (repeatable; local store only).",
                valueName: "dir"
            )
        )
        var allowDirectories: [String] = []

        @OptionGroup var logging: LogLevelOption

        func validate() throws {
            for directory in allowDirectories {
                try StdioFrontEnd.requireFolder(directory, flag: "--allow-dir")
            }
        }

        func run() async throws {
            let settings = Settings()
            let (protocolFD, logger, backend) = try StdioFrontEnd.start(
                name: "mcp",
                logLevel: logging.logLevel,
                global: global,
                settings: settings
            )
            if global.server != nil || settings.value("server") != nil, !allowDirectories.isEmpty {
                logger.warning("--allow-dir has no effect with --server: upload_document works on the local store only")
            }

            try await BridgeCommand.checkReachable(backend, logger: logger)

            let session = MCPSession(
                backend: backend,
                configuration: MCPConfiguration(
                    allowedDirectories: allowDirectories.map { URL(fileURLWithPath: $0).standardizedFileURL },
                    version: ChatShellVersion.current
                ),
                logger: logger
            )
            do {
                try await session.run(input: STDIN_FILENO, output: protocolFD)
            } catch {
                logger.critical("chatshell mcp: \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
    }
}
