/// A document as the API lists it (http-api.md section 5).
public struct Document: Codable, Sendable, Hashable {
    /// Who may see a document.
    public enum Scope: String, Codable, Sendable, Hashable {
        case personal
        case shared
    }

    public var id: String
    public var filename: String
    public var title: String
    public var type: String
    public var sizeBytes: Int
    public var sha256: String
    @Nullable public var pageCount: Int?
    public var chunkCount: Int
    public var scope: Scope
    public var status: String
    @Nullable public var errorCode: String?
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: String,
        filename: String,
        title: String,
        type: String,
        sizeBytes: Int,
        sha256: String,
        pageCount: Int?,
        chunkCount: Int,
        scope: Scope,
        status: String,
        errorCode: String?,
        createdAt: String,
        updatedAt: String
    ) {
        self.id = id
        self.filename = filename
        self.title = title
        self.type = type
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.pageCount = pageCount
        self.chunkCount = chunkCount
        self.scope = scope
        self.status = status
        self.errorCode = errorCode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The answer to an upload: 202 for new content, 200 with `duplicate` for known content.
public struct UploadResponse: Codable, Sendable, Hashable {
    public var taskId: String
    public var documentId: String
    public var filename: String
    public var status: String
    public var stage: String
    public var progress: Int
    public var duplicate: Bool
    public var statusUrl: String

    public init(documentId: String, filename: String, status: String, stage: String, progress: Int, duplicate: Bool) {
        self.taskId = documentId
        self.documentId = documentId
        self.filename = filename
        self.status = status
        self.stage = stage
        self.progress = progress
        self.duplicate = duplicate
        self.statusUrl = "/api/v1/documents/\(documentId)/status"
    }
}

/// Processing state of one upload (`GET /documents/{id}/status`).
public struct DocumentStatus: Codable, Sendable, Hashable {
    public var taskId: String
    public var documentId: String
    public var status: String
    public var stage: String
    public var progress: Int
    @Nullable public var message: String?
    @Nullable public var error: String?
    @Nullable public var errorCode: String?
    public var createdAt: String
    public var updatedAt: String

    public init(
        documentId: String,
        status: String,
        stage: String,
        progress: Int,
        message: String?,
        error: String?,
        errorCode: String?,
        createdAt: String,
        updatedAt: String
    ) {
        self.taskId = documentId
        self.documentId = documentId
        self.status = status
        self.stage = stage
        self.progress = progress
        self.message = message
        self.error = error
        self.errorCode = errorCode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether processing has ended, well or badly.
    public var isFinished: Bool { status == "completed" || status == "failed" }
}

/// One passage in full (`GET /documents/{id}/chunks/{chunk_id}`).
public struct ChunkDetail: Codable, Sendable, Hashable {
    public var id: String
    public var documentId: String
    public var filename: String
    public var position: Int
    @Nullable public var page: Int?
    public var charStart: Int
    public var charEnd: Int
    @Nullable public var heading: String?
    public var text: String

    public init(
        id: String,
        documentId: String,
        filename: String,
        position: Int,
        page: Int?,
        charStart: Int,
        charEnd: Int,
        heading: String?,
        text: String
    ) {
        self.id = id
        self.documentId = documentId
        self.filename = filename
        self.position = position
        self.page = page
        self.charStart = charStart
        self.charEnd = charEnd
        self.heading = heading
        self.text = text
    }
}

/// The answer to a DELETE.
public struct Deleted: Codable, Sendable, Hashable {
    public var id: String
    public var deleted: Bool

    public init(id: String) {
        self.id = id
        self.deleted = true
    }
}
