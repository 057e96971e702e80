import ChatAPI
import ChatClient
import Commands
import Foundation
import Logging
import MCP

/// Runs tool calls against the backend and turns their outcomes into MCP tool results.
///
/// Every failure of a known tool, bad arguments included, becomes a result with `isError` and the engine's
/// message, so the model can read it and correct the call; only an unknown tool name is a JSON-RPC error.
struct ToolRunner: Sendable {
    let backend: any Backend
    let configuration: MCPConfiguration
    let logger: Logger

    /// Answers `tools/call`.
    ///
    /// - Throws: `MCPError.invalidParams` for a tool this server does not have; `CancellationError` when the
    ///   client cancelled the request (the SDK then sends no response).
    func call(_ parameters: CallTool.Parameters) async throws -> CallTool.Result {
        let name = parameters.name
        guard ToolCatalog.tools.contains(where: { $0.name == name }) else {
            let names = ToolCatalog.tools.map(\.name).joined(separator: ", ")
            throw MCPError.invalidParams("Unknown tool '\(name)'. This server has: \(names).")
        }
        do {
            let arguments = try ToolArguments(tool: name, values: parameters.arguments)
            switch name {
            case ToolCatalog.ask: return try await ask(arguments)
            case ToolCatalog.searchDocuments: return try await search(arguments)
            case ToolCatalog.listDocuments: return try await listDocuments()
            case ToolCatalog.getPassage: return try await passage(arguments)
            case ToolCatalog.uploadDocument: return try await upload(arguments)
            default: return try await remember(arguments)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let message = Self.message(of: error)
            logger.info("tool \(name) failed: \(message)")
            return CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
        }
    }

    // MARK: - Tools

    private func ask(_ arguments: ToolArguments) async throws -> CallTool.Result {
        let request = QueryRequest(
            query: try arguments.string("question"),
            conversationId: try arguments.optionalString("conversation_id"),
            documentIds: try arguments.optionalStrings("document_ids")
        )
        let response = try await backend.query(request)
        let cited = Set(response.citations.map(\.n))
        let output = ToolOutput.Answer(
            answer: response.answer,
            finishReason: response.finishReason.rawValue,
            conversationId: response.conversationId,
            sources: response.sources.map { ToolOutput.Passage($0, cited: cited.contains($0.n)) }
        )
        var text = response.answer
        let citedSources = response.sources.filter { cited.contains($0.n) }
        if !citedSources.isEmpty {
            text += "\n\nSources:\n" + citedSources.map(Self.sourceLine).joined(separator: "\n")
        }
        if let conversation = response.conversationId {
            text += "\n\nconversation_id: \(conversation) (pass it to ask for a follow-up)"
        }
        return try Self.result(text, output)
    }

    private func search(_ arguments: ToolArguments) async throws -> CallTool.Result {
        let query = try arguments.string("query")
        let response = try await backend.search(
            SearchRequest(
                query: query,
                documentIds: try arguments.optionalStrings("document_ids"),
                topK: try arguments.optionalInteger("top_k")
            )
        )
        let output = ToolOutput.SearchResults(
            query: query,
            results: response.results.map { ToolOutput.Passage($0, cited: nil) }
        )
        let text =
            response.results.isEmpty
            ? "No passage matches '\(query)'."
            : response.results.map { source in
                Self.sourceLine(source) + String(format: " score %.3f", source.score) + "\n" + source.text
            }.joined(separator: "\n\n")
        return try Self.result(text, output)
    }

    private func listDocuments() async throws -> CallTool.Result {
        let documents = try await allDocuments()
        let output = ToolOutput.DocumentList(
            documents: documents.map(ToolOutput.DocumentEntry.init),
            total: documents.count
        )
        let text =
            documents.isEmpty
            ? "No documents yet."
            : documents.map { document in
                "\(document.id)  \(document.filename) — \(document.title) (\(document.status), "
                    + "\(document.chunkCount) passage\(document.chunkCount == 1 ? "" : "s"))"
            }.joined(separator: "\n")
        return try Self.result(text, output)
    }

    private func passage(_ arguments: ToolArguments) async throws -> CallTool.Result {
        let chunk = try await backend.chunk(
            documentId: try arguments.string("document_id"),
            chunkId: try arguments.string("chunk")
        )
        var header = chunk.filename
        if let page = chunk.page { header += ", p. \(page)" }
        if let heading = chunk.heading { header += ", \(heading)" }
        return try Self.result(header + "\n\n" + chunk.text, ToolOutput.PassageDetail(chunk))
    }

    private func upload(_ arguments: ToolArguments) async throws -> CallTool.Result {
        let path = try arguments.string("path")
        guard case .embedded = backend.kind else { throw ToolError.uploadNeedsLocalStore }
        let policy = UploadPolicy(allowedDirectories: configuration.allowedDirectories)
        let target = try policy.check(path)
        let plan = UploadRunner.plan(
            paths: [target.path],
            title: nil,
            shared: false,
            relativeTo: URL(fileURLWithPath: "/")
        )
        var files: [ToolOutput.UploadedFile] = plan.problems.map { problem in
            Self.uploaded(problem, shownAs: path)
        }
        let runner = UploadRunner(backend: backend)
        for file in plan.files {
            // A folder may hold a link to a file elsewhere: each file is checked again after expansion.
            do {
                _ = try policy.check(file.path)
            } catch {
                files.append(
                    ToolOutput.UploadedFile(path: file.path, outcome: "failed", error: Self.message(of: error))
                )
                continue
            }
            try Task.checkCancellation()
            let result = await runner.run(file, title: nil, shared: false) { _, _, _ in }
            files.append(Self.uploaded(result, shownAs: result.path))
        }
        let text = files.map { file in
            switch file.outcome {
            case "indexed": "Indexed \(file.path) as \(file.documentId ?? "?") (\(file.chunkCount ?? 0) passages)"
            case "duplicate": "Already indexed \(file.path) as \(file.documentId ?? "?")"
            default: "Failed \(file.path): \(file.error ?? "unknown error")"
            }
        }.joined(separator: "\n")
        // Only a call that added nothing is an error; a folder with one bad file among good ones is not.
        let failedAll = files.allSatisfy { $0.outcome == "failed" }
        return try Self.result(text, ToolOutput.UploadResults(files: files), isError: failedAll)
    }

    private func remember(_ arguments: ToolArguments) async throws -> CallTool.Result {
        let memory = try await backend.remember(try arguments.string("text"))
        let output = ToolOutput.Remembered(
            id: memory.id,
            content: memory.content,
            scope: memory.scope.rawValue,
            createdAt: memory.createdAt
        )
        return try Self.result("Remembered (\(memory.id)): \(memory.content)", output)
    }

    // MARK: - Helpers

    /// Every document visible to the caller, all pages of the listing.
    func allDocuments() async throws -> [Document] {
        var documents: [Document] = []
        while true {
            let page = try await backend.documents(scope: nil, limit: Self.pageSize, offset: documents.count)
            documents += page.items
            if page.items.isEmpty || documents.count >= page.total { return documents }
        }
    }

    /// The largest page the API serves (http-api.md section 1, pagination).
    private static let pageSize = 200

    private static func result(
        _ text: String,
        _ output: some Encodable,
        isError: Bool = false
    ) throws
        -> CallTool.Result
    {
        let structured: Value? = try ToolOutput.value(output)
        return CallTool.Result(
            content: [.text(text: text, annotations: nil, _meta: nil)],
            structuredContent: structured,
            isError: isError
        )
    }

    /// `[n] file.pdf, p. 2, Section (doc_…/chk_…)`: where a source comes from, for the text content.
    private static func sourceLine(_ source: Source) -> String {
        var line = "[\(source.n)] \(source.filename ?? source.title)"
        if let page = source.page { line += ", p. \(page)" }
        if let heading = source.heading { line += ", \(heading)" }
        if let document = source.documentId, let chunk = source.chunkId { line += " (\(document)/\(chunk))" }
        return line
    }

    private static func uploaded(_ result: UploadRunner.FileResult, shownAs path: String) -> ToolOutput.UploadedFile {
        switch result.outcome {
        case .ingested(let document), .duplicate(let document):
            let duplicate: Bool = if case .duplicate = result.outcome { true } else { false }
            return ToolOutput.UploadedFile(
                path: path,
                outcome: duplicate ? "duplicate" : "indexed",
                documentId: document.id,
                filename: document.filename,
                chunkCount: document.chunkCount,
                pageCount: document.pageCount
            )
        case .failed(_, let message):
            return ToolOutput.UploadedFile(path: path, outcome: "failed", error: message)
        }
    }

    /// The message a person (or model) reads for a failure: the engine's own where it has one.
    static func message(of error: any Error) -> String {
        switch error {
        case let error as BackendError: error.errorDescription ?? "\(error)"
        case let error as ToolError: error.errorDescription ?? "\(error)"
        default: "internal error: \(error) (please report this)"
        }
    }
}
