public import ChatAPI
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RemoteBackend {
    /// Uploads a file as `multipart/form-data` (`POST /documents/upload`, or `/admin/documents/upload` when shared).
    public func upload(file: URL, title: String?, shared: Bool) async throws -> UploadResponse {
        try await upload(file: file, title: title, shared: shared, progress: nil)
    }

    /// Uploads a file, reporting progress while its bytes are sent.
    ///
    /// - Parameters:
    ///   - file: A local file; it is streamed, never loaded whole.
    ///   - title: The optional `title` part.
    ///   - shared: Upload to the shared scope (admins only).
    ///   - progress: Called with bytes sent and the body's total, on the transfer thread.
    /// - Returns: 202 for new content, 200 with `duplicate` for known content.
    /// - Throws: `BackendError` when the file cannot be read or the server refuses it.
    public func upload(
        file: URL,
        title: String?,
        shared: Bool,
        progress: (@Sendable (_ sent: Int64, _ total: Int64) -> Void)?
    ) async throws -> UploadResponse {
        let endpoint = try Self.uploadEndpoint(file: file, title: title, shared: shared)
        return try await call(endpoint, uploadProgress: progress)
    }

    /// The upload request for a file, its size taken now.
    static func uploadEndpoint(
        file: URL,
        title: String?,
        shared: Bool,
        boundary: String = MultipartBody.randomBoundary()
    ) throws -> Endpoint {
        var info = stat()
        let name = file.lastPathComponent
        guard stat(file.path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw BackendError.local("Cannot read '\(name)': \(reason).", details: ["path": .string(file.path)])
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw BackendError.local(
                "Cannot upload '\(name)': not a regular file.",
                details: ["path": .string(file.path)]
            )
        }
        guard access(file.path, R_OK) == 0 else {
            throw BackendError.local("Cannot read '\(name)': permission denied.", details: ["path": .string(file.path)])
        }
        let body = MultipartBody.upload(file: file, fileSize: Int64(info.st_size), title: title, boundary: boundary)
        return Endpoint(
            method: "POST",
            path: shared ? "/admin/documents/upload" : "/documents/upload",
            body: .multipart(body),
            contentType: body.contentType
        )
    }

    /// Processing state of an upload (`GET /documents/{id}/status`); callers poll it.
    public func documentStatus(id: String) async throws -> DocumentStatus {
        try await call(.get("/documents/\(URLPath.segment(id))/status"))
    }

    /// Documents visible to the caller (`GET /documents`), filtered by `scope` (`all`, `personal`, `shared`).
    public func documents(scope: String?, limit: Int, offset: Int) async throws -> Page<Document> {
        try await call(.get(Endpoint.page("/documents", limit: limit, offset: offset, [("scope", scope)])))
    }

    /// One document (`GET /documents/{id}`).
    public func document(id: String) async throws -> Document {
        try await call(.get("/documents/\(URLPath.segment(id))"))
    }

    /// Deletes a document (`DELETE /documents/{id}`, or `/admin/documents/{id}` when shared).
    public func deleteDocument(id: String, shared: Bool) async throws -> Deleted {
        try await call(.delete((shared ? "/admin/documents/" : "/documents/") + URLPath.segment(id)))
    }

    /// A processed document's extracted text (`GET /documents/{id}/text`).
    public func documentText(id: String) async throws -> DocumentText {
        try await call(.get("/documents/\(URLPath.segment(id))/text"))
    }

    /// Ranked passages without an answer (`POST /search`).
    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        try await call(try .json("POST", "/search", request))
    }

    /// One passage in full (`GET /documents/{id}/chunks/{chunk_id}`).
    public func chunk(documentId: String, chunkId: String) async throws -> ChunkDetail {
        try await call(.get("/documents/\(URLPath.segment(documentId))/chunks/\(URLPath.segment(chunkId))"))
    }
}
