import ChatAPI
import ChatClient
import Foundation
import MCP

/// The documents as MCP resources: `chatshell://documents/{id}`, read as their extracted text.
struct DocumentResources: Sendable {
    let backend: any Backend
    let runner: ToolRunner

    static let scheme = "chatshell://documents/"

    /// JSON-RPC's code for an unknown resource (MCP specification, resources, error handling).
    static let resourceNotFoundCode = -32002

    /// The URI of a document.
    static func uri(of documentId: String) -> String { scheme + documentId }

    /// `resources/list`: every processed document (the others have no text yet).
    func list() async throws -> ListResources.Result {
        let documents = try await runner.allDocuments().filter { $0.status == "completed" }
        return ListResources.Result(
            resources: documents.map { document in
                Resource(
                    name: document.filename,
                    uri: Self.uri(of: document.id),
                    title: document.title,
                    description: "\(document.type) document, \(document.chunkCount) passages"
                        + (document.pageCount.map { ", \($0) pages" } ?? ""),
                    // No `size`: the file's size is not the size of the text a read returns.
                    mimeType: "text/plain"
                )
            }
        )
    }

    /// `resources/templates/list`: the URI pattern of a document.
    func templates() -> ListResourceTemplates.Result {
        ListResourceTemplates.Result(
            templates: [
                Resource.Template(
                    uriTemplate: Self.scheme + "{id}",
                    name: "document",
                    title: "A document's extracted text",
                    description: "The text of a processed document; ids come from list_documents.",
                    mimeType: "text/plain"
                )
            ]
        )
    }

    /// `resources/read`.
    ///
    /// - Throws: `MCPError.invalidParams` for a URI of another form; the resource-not-found error with the
    ///   engine's message for an unknown document; the engine's message as an internal error otherwise.
    func read(_ uri: String) async throws -> ReadResource.Result {
        guard uri.hasPrefix(Self.scheme), case let id = String(uri.dropFirst(Self.scheme.count)), !id.isEmpty,
            !id.contains("/")
        else {
            throw MCPError.invalidParams("Unknown resource URI '\(uri)'. Documents are \(Self.scheme){id}.")
        }
        do {
            let document = try await backend.documentText(id: id)
            return ReadResource.Result(contents: [.text(document.text, uri: uri, mimeType: "text/plain")])
        } catch let error as BackendError where error.code == .documentNotFound {
            throw MCPError.serverError(code: Self.resourceNotFoundCode, message: ToolRunner.message(of: error))
        } catch let error as BackendError {
            throw MCPError.serverError(code: -32603, message: ToolRunner.message(of: error))
        }
    }
}
