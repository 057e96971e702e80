import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/upload` and `/admin docs upload`: the loop runs the plan with a progress bar.
    func upload(_ paths: [String], title: String?, shared: Bool) -> CommandOutcome {
        .upload(UploadRunner.plan(paths: paths, title: title, shared: shared, relativeTo: workingDirectory))
    }

    /// `/docs` and `/admin docs`.
    func listDocuments(scope: String?) async throws -> CommandOutcome {
        let page = try await backend.documents(scope: scope, limit: 200, offset: 0)
        return .output(StyledText(Self.documentTable(page.items, total: page.total)), result: Self.result(page))
    }

    /// `/docs show ID`: metadata, status and the first passage.
    func showDocument(_ reference: String) async throws -> CommandOutcome {
        let document = try await resolveDocument(reference)
        var lines = [
            "\(document.id)  \(document.filename)",
            "  title:   \(document.title)",
            "  type:    \(document.type), \(document.sizeBytes) bytes"
                + (document.pageCount.map { ", \($0) pages" } ?? ""),
            "  status:  \(Self.status(of: document)), \(document.chunkCount) chunks, \(document.scope.rawValue)",
            "  sha256:  \(document.sha256)",
        ]
        if document.status == "completed", let first = try? await backend.firstPassage(documentId: document.id) {
            lines.append("  first passage:")
            lines.append(contentsOf: first.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 })
        }
        return .output(StyledText(lines.joined(separator: "\n")), result: Self.result(document))
    }

    /// `/docs rm ID` and `/admin docs rm ID`.
    func removeDocument(_ reference: String, shared: Bool) async throws -> CommandOutcome {
        let document = try await resolveDocument(reference)
        let deleted = try await backend.deleteDocument(id: document.id, shared: shared)
        let line = "Deleted \(document.filename) (\(deleted.id))"
        // By file name: the id differs in the fresh store a saved transcript replays on.
        journal?.record(
            input: (shared ? "/admin docs rm " : "/docs rm ") + CommandJournal.quoted(document.filename),
            output: line
        )
        return .output(StyledText(line), result: Self.result(deleted))
    }

    /// Finds a visible document by id, exact file name, or title/file-name prefix.
    func resolveDocument(_ reference: String) async throws -> Document {
        if reference.hasPrefix("doc_") {
            return try await backend.document(id: reference)
        }
        let all = try await backend.documents(scope: nil, limit: 200, offset: 0).items
        let lowered = reference.lowercased()
        if let exact = all.first(where: { $0.filename == reference })
            ?? all.first(where: { $0.filename.lowercased() == lowered })
        {
            return exact
        }
        let prefixed = all.filter {
            $0.title.lowercased().hasPrefix(lowered) || $0.filename.lowercased().hasPrefix(lowered)
        }
        if prefixed.count == 1 { return prefixed[0] }
        if prefixed.count > 1 {
            let names = prefixed.map(\.filename).sorted().joined(separator: ", ")
            throw BackendError.api(
                .init(
                    code: .validationError,
                    message: "'\(reference)' matches several documents (\(names)). Use a longer name or the id.",
                    status: 422
                )
            )
        }
        throw BackendError.api(
            .init(
                code: .documentNotFound,
                message: "No document matches '\(reference)'. See /docs for ids and names.",
                status: 404,
                details: ["document_id": .string(reference)]
            )
        )
    }

    // MARK: - Formatting

    static func status(of document: Document) -> String {
        switch document.status {
        case "completed": "ready"
        case "failed": "failed (\(document.errorCode ?? "unknown"))"
        default: "processing"
        }
    }

    static func documentTable(_ documents: [Document], total: Int) -> String {
        var lines = [total == 1 ? "1 document" : "\(total) documents"]
        let idWidth = documents.map { DisplayWidth.of($0.id) }.max() ?? 0
        let fileWidth = documents.map { DisplayWidth.of($0.filename) }.max() ?? 0
        let titleWidth = documents.map { DisplayWidth.of(Self.quotedTitle($0)) }.max() ?? 0
        for document in documents {
            let columns = [
                DisplayWidth.pad(document.id, toColumns: idWidth),
                DisplayWidth.pad(document.filename, toColumns: fileWidth),
                DisplayWidth.pad(Self.quotedTitle(document), toColumns: titleWidth),
                status(of: document),
            ]
            lines.append("  " + columns.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    private static func quotedTitle(_ document: Document) -> String {
        "\"" + DisplayWidth.truncate(document.title, toColumns: SourceFormatter.quoteColumns) + "\""
    }
}
