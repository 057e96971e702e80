public import ChatClient
import Foundation
public import Logging
import MCP

/// `chatshell mcp`: the backend's documents, answers and memory served to one MCP client over stdio.
///
/// ```swift
/// let session = MCPSession(backend: backend, configuration: MCPConfiguration(version: "0.1.0"), logger: logger)
/// try await session.run(input: STDIN_FILENO, output: protocolFD)
/// ```
public struct MCPSession: Sendable {
    let backend: any Backend
    let configuration: MCPConfiguration
    let logger: Logger

    /// - Parameters:
    ///   - backend: the embedded store or a remote server, chosen as for the REPL.
    ///   - configuration: upload folders, message limit and version.
    ///   - logger: where the session logs (stderr; never the protocol stream).
    public init(backend: any Backend, configuration: MCPConfiguration, logger: Logger) {
        self.backend = backend
        self.configuration = configuration
        self.logger = logger
    }

    /// Guidance clients may add to the model's context.
    static let instructions = """
        Tools over the user's own documents. Use `ask` for a cited answer ([n] markers refer to its numbered \
        sources), `search_documents` to read ranked passages yourself, `list_documents` for ids, and \
        `get_passage` to read a cited passage in full. Documents are also resources at chatshell://documents/{id}.
        """

    /// Serves until the client closes its input and every request read so far has its response.
    ///
    /// - Parameters:
    ///   - input: the descriptor requests arrive on.
    ///   - output: the descriptor for protocol messages, used by nothing else.
    /// - Throws: when the transport cannot start.
    public func run(input: Int32, output: Int32) async throws {
        let server = Server(
            name: "chatshell",
            version: configuration.version,
            title: "ChatShell documents",
            instructions: Self.instructions,
            capabilities: .init(
                prompts: .init(listChanged: false),
                resources: .init(subscribe: false, listChanged: false),
                tools: .init(listChanged: false)
            )
        )
        let runner = ToolRunner(backend: backend, configuration: configuration, logger: logger)
        let resources = DocumentResources(backend: backend, runner: runner)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: ToolCatalog.tools) }
        await server.withMethodHandler(CallTool.self) { parameters in try await runner.call(parameters) }
        await server.withMethodHandler(ListResources.self) { _ in try await resources.list() }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in resources.templates() }
        await server.withMethodHandler(ReadResource.self) { parameters in try await resources.read(parameters.uri) }
        await server.withMethodHandler(ListPrompts.self) { _ in ListPrompts.Result(prompts: [CitationPrompt.prompt]) }
        await server.withMethodHandler(GetPrompt.self) { parameters in try CitationPrompt.get(parameters) }

        let transport = LineTransport(
            input: input,
            output: output,
            maxLineBytes: configuration.maxLineBytes,
            logger: logger
        )
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        await server.stop()
        logger.debug("end of input: every request answered")
    }
}
