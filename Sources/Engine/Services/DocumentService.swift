import ChatAPI
import Crypto
import Foundation

/// Documents: uploads and their queueing, processing state, listings, passages, removal and pruning, and the
/// text put back together from the chunks.
///
/// Role checks that need no stored data (a shared upload or prune) are the facade's; those that depend on the
/// document (deleting a shared one) are made here.
struct DocumentService: Sendable {
    let configuration: EngineConfiguration
    let store: SQLiteStore
    let ingestion: IngestionQueue

    /// Checks an upload (http-api.md section 5, checks 2 and 4-10), stores its document and queues its processing;
    /// nothing is stored for a rejected one.
    ///
    /// Read from a local file at `sourcePath`, once it is indexed it replaces the caller's documents read from
    /// that path before (a changed file); known content is a duplicate as always.
    func upload(
        filename rawName: String,
        data: Data,
        title: String?,
        shared: Bool,
        sourcePath: String?,
        as principal: Principal
    ) async throws -> (response: UploadResponse, created: Bool) {
        let filename = (rawName as NSString).lastPathComponent
        let trimmedTitle = title?.trimmingCharacters(in: .whitespacesAndNewlines)
        try UploadValidator.checkSize(filename: filename, size: data.count, max: configuration.maxUploadBytes)
        // The name as sent: path handling must not get the chance to cut it at a NUL first.
        try UploadValidator.checkNames(filename: rawName, title: trimmedTitle)
        let type = try UploadValidator.validate(filename: filename, data: data)
        let sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let scope: Document.Scope = shared ? .shared : .personal
        let ownerId = shared ? nil : principal.id
        if let existing = try store.duplicate(sha256: sha256, ownerId: ownerId, scope: scope) {
            if let sourcePath {
                // The file now holds content the store knows from elsewhere: what it held before is stale.
                try store.deleteDocuments(sourcePath: sourcePath, ownerId: ownerId, scope: scope, except: existing.id)
                // A file renamed or moved is the same document: it is known by where it is now, so pruning the
                // old path later does not remove it.
                if existing.sourcePath != sourcePath,
                    existing.sourcePath.map({ !FileManager.default.fileExists(atPath: $0) }) ?? true
                {
                    try store.moveDocument(id: existing.id, sourcePath: sourcePath, filename: filename)
                }
            }
            return (Self.uploadResponse(existing, duplicate: true), false)
        }
        let date = configuration.now()
        let record = DocumentRecord(
            id: configuration.makeId("doc_"),
            ownerId: ownerId,
            scope: scope.rawValue,
            filename: filename,
            title: trimmedTitle.flatMap { $0.isEmpty ? nil : $0 } ?? (filename as NSString).deletingPathExtension,
            type: type.rawValue,
            sizeBytes: data.count,
            sha256: sha256,
            pageCount: nil,
            chunkCount: 0,
            status: DocumentRecord.processing,
            stage: "queued",
            progress: 0,
            message: "Waiting to be processed",
            error: nil,
            errorCode: nil,
            extractedText: nil,
            createdAt: date,
            updatedAt: date,
            sourcePath: sourcePath
        )
        let job = IngestionJob(
            documentId: record.id,
            filename: filename,
            type: type,
            data: data,
            title: trimmedTitle?.isEmpty == false ? trimmedTitle : nil,
            owner: ownerId ?? principal.id
        )
        try store.insertDocument(record, job: ingestion.record(of: job, at: date))
        await ingestion.enqueue(job)
        return (Self.uploadResponse(record, duplicate: false), true)
    }

    /// Uploads a local file, refusing one over the limit before reading it whole.
    func upload(
        file: URL,
        title: String?,
        shared: Bool,
        as principal: Principal
    ) async throws -> (response: UploadResponse, created: Bool) {
        let filename = file.lastPathComponent
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        try UploadValidator.checkSize(filename: filename, size: size, max: configuration.maxUploadBytes)
        guard DocumentType(filename: filename) != nil else { throw EngineError.unsupportedFileType(filename: filename) }
        let data = try Data(contentsOf: file)
        return try await upload(
            filename: filename,
            data: data,
            title: title,
            shared: shared,
            sourcePath: Self.sourcePath(of: file),
            as: principal
        )
    }

    /// Removes the caller's documents read from files under `folders` that are gone, for `ingest --prune`.
    ///
    /// Only documents uploaded from a local path are considered, in the scope the upload would use (the caller's
    /// own, or the shared one for an admin); a file counts as gone when nothing exists at its path any more.
    ///
    /// - Returns: the documents removed, oldest first.
    func pruneDocuments(under folders: [URL], shared: Bool, as principal: Principal) throws -> [Document] {
        let scope: Document.Scope = shared ? .shared : .personal
        let ownerId = shared ? nil : principal.id
        var removed: [Document] = []
        for folder in folders {
            let records = try store.documents(
                sourcePathUnder: Self.sourcePath(of: folder),
                ownerId: ownerId,
                scope: scope
            )
            for record in records {
                guard let path = record.sourcePath, !FileManager.default.fileExists(atPath: path) else { continue }
                try store.deleteDocument(id: record.id)
                removed.append(Self.document(record))
            }
        }
        return removed
    }

    /// The path a local file is known by: absolute, with symbolic links and `.` or `..` resolved, so the same file
    /// named two ways is one source.
    static func sourcePath(of file: URL) -> String {
        file.standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The processing state of a visible document.
    func documentStatus(id: String, as principal: Principal) throws -> DocumentStatus {
        let record = try visibleDocument(id: id, as: principal)
        return DocumentStatus(
            documentId: record.id,
            status: record.status,
            stage: record.stage,
            progress: record.progress,
            message: record.message,
            error: record.error,
            errorCode: record.errorCode,
            createdAt: Timestamp.string(record.createdAt),
            updatedAt: Timestamp.string(record.updatedAt)
        )
    }

    /// Waits until a document is completed or failed.
    ///
    /// This process's own queue reports the end directly; a document another process is indexing (a second
    /// `chatshell` on the same store) is polled, from a short first wait doubling to a bound.
    func waitUntilProcessed(id: String, as principal: Principal) async throws -> DocumentStatus {
        var pause = Duration.milliseconds(2)
        while true {
            await ingestion.waitUntilFinished(documentId: id)
            let status = try documentStatus(id: id, as: principal)
            if status.isFinished { return status }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(200))
        }
    }

    /// Documents visible to the caller, newest first.
    func documents(
        as principal: Principal,
        scope: String? = nil,
        status: String? = nil,
        limit: Int = 50,
        offset: Int = 0
    ) throws -> Page<Document> {
        let page = try store.documents(for: principal, scope: scope, status: status, limit: limit, offset: offset)
        return Page(items: page.items.map(Self.document), total: page.total, limit: limit, offset: offset)
    }

    /// One visible document.
    func document(id: String, as principal: Principal) throws -> Document {
        let record = try visibleDocument(id: id, as: principal)
        return Self.document(record)
    }

    /// Deletes a document from storage and retrieval before returning.
    ///
    /// Personal documents are deleted by their owner; shared ones only through the admin route (`viaAdmin`).
    func deleteDocument(id: String, viaAdmin: Bool, as principal: Principal) throws -> Deleted {
        let record = try visibleDocument(id: id, as: principal)
        if record.scope == Document.Scope.shared.rawValue {
            guard viaAdmin else {
                throw EngineError.forbidden("Shared documents are deleted by an admin (/admin docs rm \(id)).")
            }
            guard principal.isAdmin else {
                throw EngineError.forbidden("Deleting shared documents requires the admin role.")
            }
        } else if viaAdmin {
            throw EngineError.documentNotFound(id)
        }
        try store.deleteDocument(id: id)
        return Deleted(id: id)
    }

    /// One passage of a visible document, in full.
    func chunk(documentId: String, chunkId: String, as principal: Principal) throws -> ChunkDetail {
        let document = try visibleDocument(id: documentId, as: principal)
        guard let chunk = try store.chunk(id: chunkId, documentId: documentId) else {
            throw EngineError.chunkNotFound(chunkId)
        }
        return ChunkDetail(
            id: chunk.id,
            documentId: document.id,
            filename: document.filename,
            position: chunk.ordinal,
            page: chunk.pageStart,
            charStart: chunk.charStart,
            charEnd: chunk.charEnd,
            heading: chunk.heading,
            text: chunk.text
        )
    }

    /// The first passage of a document, for `/docs show`.
    func firstChunk(documentId: String, as principal: Principal) throws -> ChunkDetail? {
        _ = try visibleDocument(id: documentId, as: principal)
        guard let first = try store.chunks(documentId: documentId).first else { return nil }
        return try chunk(documentId: documentId, chunkId: first.id, as: principal)
    }

    /// A document the caller may see; one the caller may not see is "not found", never "forbidden", so ids of other
    /// owners' documents are not revealed.
    private func visibleDocument(id: String, as principal: Principal) throws -> DocumentRecord {
        guard let record = try store.visibleDocument(id: id, for: principal) else {
            throw EngineError.documentNotFound(id)
        }
        return record
    }

    // MARK: - Mapping

    static func document(_ record: DocumentRecord) -> Document {
        Document(
            id: record.id,
            filename: record.filename,
            title: record.title,
            type: record.type,
            sizeBytes: record.sizeBytes,
            sha256: record.sha256,
            pageCount: record.pageCount,
            chunkCount: record.chunkCount,
            scope: Document.Scope(rawValue: record.scope) ?? .personal,
            status: record.status,
            errorCode: record.errorCode,
            createdAt: Timestamp.string(record.createdAt),
            updatedAt: Timestamp.string(record.updatedAt)
        )
    }

    static func uploadResponse(_ record: DocumentRecord, duplicate: Bool) -> UploadResponse {
        UploadResponse(
            documentId: record.id,
            filename: record.filename,
            status: record.status,
            stage: record.stage,
            progress: record.progress,
            duplicate: duplicate
        )
    }
}
