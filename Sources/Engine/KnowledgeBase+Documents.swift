public import ChatAPI
public import Foundation

// The facade's documents: the role a call needs is checked here, the work is `DocumentService`'s.
extension KnowledgeBase {
    /// Accepts an upload and queues its processing.
    ///
    /// Checks it (http-api.md section 5, checks 2 and 4-10) and stores nothing for a rejected one.
    ///
    /// - Returns: the upload response, and whether a new document was created.
    /// - Throws: `EngineError` for every rejected upload.
    public func upload(
        filename rawName: String,
        data: Data,
        title: String?,
        shared: Bool,
        as principal: Principal
    ) async throws -> (response: UploadResponse, created: Bool) {
        try Self.checkSharedUpload(shared, as: principal)
        return try await documentService.upload(
            filename: rawName,
            data: data,
            title: title,
            shared: shared,
            sourcePath: nil,
            as: principal
        )
    }

    /// Uploads a local file, refusing one over the limit before reading it whole; a later upload from the same
    /// path replaces it.
    public func upload(
        file: URL,
        title: String?,
        shared: Bool,
        as principal: Principal
    ) async throws -> (response: UploadResponse, created: Bool) {
        try Self.checkSharedUpload(shared, as: principal)
        return try await documentService.upload(file: file, title: title, shared: shared, as: principal)
    }

    /// Removes the caller's documents read from files under `folders` that are gone, for `ingest --prune`.
    ///
    /// Only documents uploaded from a local path are considered, in the scope the upload would use (the caller's
    /// own, or the shared one for an admin); a file counts as gone when nothing exists at its path any more.
    ///
    /// - Returns: the documents removed, oldest first.
    /// - Throws: `EngineError.forbidden` for the shared scope without the admin role.
    public func pruneDocuments(under folders: [URL], shared: Bool, as principal: Principal) throws -> [Document] {
        if shared && !principal.isAdmin {
            throw EngineError.forbidden("Removing shared documents requires the admin role.")
        }
        return try documentService.pruneDocuments(under: folders, shared: shared, as: principal)
    }

    /// The processing state of a visible document.
    public func documentStatus(id: String, as principal: Principal) throws -> DocumentStatus {
        try documentService.documentStatus(id: id, as: principal)
    }

    /// Waits until a document is completed or failed.
    ///
    /// This process's own queue reports the end directly; a document another process is indexing (a second
    /// `chatshell` on the same store) is polled, from a short first wait doubling to a bound.
    public func waitUntilProcessed(id: String, as principal: Principal) async throws -> DocumentStatus {
        try await documentService.waitUntilProcessed(id: id, as: principal)
    }

    /// Documents visible to the caller, newest first.
    public func documents(
        as principal: Principal,
        scope: String? = nil,
        status: String? = nil,
        limit: Int = 50,
        offset: Int = 0
    ) throws -> Page<Document> {
        try documentService.documents(as: principal, scope: scope, status: status, limit: limit, offset: offset)
    }

    /// One visible document.
    public func document(id: String, as principal: Principal) throws -> Document {
        try documentService.document(id: id, as: principal)
    }

    /// Deletes a document from storage and retrieval before returning.
    ///
    /// Personal documents are deleted by their owner; shared ones only through the admin route (`viaAdmin`).
    public func deleteDocument(id: String, viaAdmin: Bool, as principal: Principal) throws -> Deleted {
        try documentService.deleteDocument(id: id, viaAdmin: viaAdmin, as: principal)
    }

    /// One passage of a visible document, in full.
    public func chunk(documentId: String, chunkId: String, as principal: Principal) throws -> ChunkDetail {
        try documentService.chunk(documentId: documentId, chunkId: chunkId, as: principal)
    }

    /// The first passage of a document, for `/docs show`.
    public func firstChunk(documentId: String, as principal: Principal) throws -> ChunkDetail? {
        try documentService.firstChunk(documentId: documentId, as: principal)
    }

    /// A processed document's text, as retrieval sees it: its passages in order, their overlaps removed.
    ///
    /// - Throws: `EngineError.documentNotFound` when it is absent or invisible, `.documentNotReady` while it is
    ///   processing or after it failed.
    public func documentText(id: String, as principal: Principal) throws -> DocumentText {
        try documentService.documentText(id: id, as: principal)
    }

    private static func checkSharedUpload(_ shared: Bool, as principal: Principal) throws {
        if shared && !principal.isAdmin {
            throw EngineError.forbidden("Uploading shared documents requires the admin role.")
        }
    }
}
