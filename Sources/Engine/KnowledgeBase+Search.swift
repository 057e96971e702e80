public import ChatAPI
import Foundation

extension KnowledgeBase {
    /// Ranks the passages an answer to `request.query` would be built from, without answering or storing anything.
    ///
    /// The same retriever, limits and document filter as `ask`, minus what belongs to a conversation (previous
    /// question, cited documents) and memories: a search is about documents only.
    ///
    /// - Throws: `EngineError.validation`, `.documentNotFound`, `.documentNotReady`, as `ask` would.
    public func search(_ request: SearchRequest, as principal: Principal) throws -> SearchResponse {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        let topK = request.topK ?? configuration.tuning.defaultTopK
        try validateRetrieval(query: query, topK: topK, documentIds: request.documentIds, as: principal)
        let hits = try retriever.retrieve(
            RetrievalRequest(
                question: query,
                previousQuestion: nil,
                citedDocumentIds: [],
                memoryTexts: [],
                documentIds: request.documentIds,
                topK: topK
            ),
            for: principal
        )
        return SearchResponse(results: hits.enumerated().map { index, hit in Self.source(hit, n: index + 1) })
    }

    /// A processed document's extracted text, as its chunks were cut from.
    ///
    /// - Throws: `EngineError.documentNotFound` when it is absent or invisible, `.documentNotReady` while it is
    ///   processing or after it failed.
    public func documentText(id: String, as principal: Principal) throws -> DocumentText {
        guard let document = try store.visibleDocument(id: id, for: principal) else {
            throw EngineError.documentNotFound(id)
        }
        guard document.status == "completed", let text = document.extractedText else {
            throw EngineError.documentNotReady(id)
        }
        return DocumentText(
            documentId: document.id,
            filename: document.filename,
            title: document.title,
            type: document.type,
            text: text
        )
    }

    /// The field rules a query shares with `ask` (http-api.md section 6): length, `top_k`, and a document filter
    /// of visible, completed documents.
    private func validateRetrieval(query: String, topK: Int, documentIds: [String]?, as principal: Principal) throws {
        let limits = capabilities().limits
        var problems: [EngineError.FieldProblem] = []
        if query.isEmpty { problems.append(.init(field: "query", message: "must not be empty")) }
        if query.unicodeScalars.count > limits.maxQueryChars {
            problems.append(.init(field: "query", message: "must be at most \(limits.maxQueryChars) characters"))
        }
        if !(1...limits.maxTopK).contains(topK) {
            problems.append(.init(field: "top_k", message: "must be between 1 and \(limits.maxTopK)"))
        }
        if let ids = documentIds, ids.isEmpty || ids.count > 50 {
            problems.append(.init(field: "document_ids", message: "must list 1 to 50 document ids"))
        }
        guard problems.isEmpty else { throw EngineError.validation(problems) }
        for id in documentIds ?? [] {
            guard let document = try store.visibleDocument(id: id, for: principal) else {
                throw EngineError.documentNotFound(id)
            }
            guard document.status == "completed" else { throw EngineError.documentNotReady(id) }
        }
    }
}
