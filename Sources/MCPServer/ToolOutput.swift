import ChatAPI
import Foundation
import MCP

/// The structured results of the tools, encoded in the API's snake_case dialect (`APIJSON`).
///
/// Each type here has its JSON schema in `ToolCatalog`; the two change together.
enum ToolOutput {
    /// One retrieved passage (or memory) as `ask` and `search_documents` report it.
    struct Passage: Encodable, Equatable {
        var n: Int
        var kind: String
        var documentId: String?
        var document: String?
        var title: String
        var page: Int?
        var section: String?
        var chunkId: String?
        var score: Double
        var passage: String
        /// `ask` only: whether the answer cites `[n]`.
        var cited: Bool?

        init(_ source: Source, cited: Bool?) {
            n = source.n
            kind = source.kind.rawValue
            documentId = source.documentId
            document = source.filename
            title = source.title
            page = source.page
            section = source.heading
            chunkId = source.chunkId
            score = source.score
            passage = source.text
            self.cited = cited
        }
    }

    /// `ask`.
    struct Answer: Encodable {
        var answer: String
        var finishReason: String
        var conversationId: String?
        var sources: [Passage]
    }

    /// `search_documents`.
    struct SearchResults: Encodable {
        var query: String
        var results: [Passage]
    }

    /// One entry of `list_documents`.
    struct DocumentEntry: Encodable {
        var id: String
        var uri: String
        var filename: String
        var title: String
        var type: String
        var status: String
        var scope: String
        var pageCount: Int?
        var chunkCount: Int

        init(_ document: Document) {
            id = document.id
            uri = DocumentResources.uri(of: document.id)
            filename = document.filename
            title = document.title
            type = document.type
            status = document.status
            scope = document.scope.rawValue
            pageCount = document.pageCount
            chunkCount = document.chunkCount
        }
    }

    /// `list_documents`.
    struct DocumentList: Encodable {
        var documents: [DocumentEntry]
        var total: Int
    }

    /// `get_passage`.
    struct PassageDetail: Encodable {
        var documentId: String
        var document: String
        var chunkId: String
        var position: Int
        var page: Int?
        var section: String?
        var charStart: Int
        var charEnd: Int
        var text: String

        init(_ chunk: ChunkDetail) {
            documentId = chunk.documentId
            document = chunk.filename
            chunkId = chunk.id
            position = chunk.position
            page = chunk.page
            section = chunk.heading
            charStart = chunk.charStart
            charEnd = chunk.charEnd
            text = chunk.text
        }
    }

    /// One file of `upload_document`.
    struct UploadedFile: Encodable {
        var path: String
        /// `indexed`, `duplicate` or `failed`.
        var outcome: String
        var documentId: String?
        var filename: String?
        var chunkCount: Int?
        var pageCount: Int?
        var error: String?
    }

    /// `upload_document`.
    struct UploadResults: Encodable {
        var files: [UploadedFile]
    }

    /// `remember`.
    struct Remembered: Encodable {
        var id: String
        var content: String
        var scope: String
        var createdAt: String
    }

    /// A value as the SDK's `Value`, with the API's snake_case keys.
    static func value(_ output: some Encodable) throws -> Value {
        try JSONDecoder().decode(Value.self, from: APIJSON.encode(output))
    }
}
