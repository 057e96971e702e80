import ChatAPI
import Engine
import Hummingbird

/// `/documents`: upload, status, list, get, delete, one passage and the extracted text (http-api.md section 5).
struct DocumentsController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/v1/documents/upload", use: upload)
        routes.on(.get, "/api/v1/documents", use: Self.listing(services))
        routes.on(
            .get,
            "/api/v1/documents/{id}",
            use: services.byID { engine, id, caller in try engine.document(id: id, as: caller) }
        )
        routes.on(
            .delete,
            "/api/v1/documents/{id}",
            use: services.byID { engine, id, caller in try engine.deleteDocument(id: id, viaAdmin: false, as: caller) }
        )
        routes.on(
            .get,
            "/api/v1/documents/{id}/status",
            use: services.byID { engine, id, caller in try engine.documentStatus(id: id, as: caller) }
        )
        routes.on(.get, "/api/v1/documents/{id}/chunks/{chunk_id}", use: chunk)
        routes.on(
            .get,
            "/api/v1/documents/{id}/text",
            use: services.byID { engine, id, caller in try engine.documentText(id: id, as: caller) }
        )
    }

    @Sendable func upload(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        try await UploadReceiver(services: services).receive(request, context, shared: false)
    }

    /// A route listing the caller's documents, a page at a time, filtered by `status` and by `scope`: the query's
    /// (`all`, `personal`, `shared`), unless the route fixes it.
    ///
    /// - Parameters:
    ///   - services: the server's services.
    ///   - access: who may call it.
    ///   - fixed: the scope the route always lists; nil reads it from the query.
    /// - Returns: the route's handler.
    static func listing(
        _ services: Services,
        _ access: Access = .anyone,
        scope fixed: String? = nil
    )
        -> RouteRegistrar.Handler
    {
        { request, context in
            let caller = try await services.caller(request, context, access)
            let query = try QueryParameters(request)
            let page = try query.page()
            let scope = try fixed ?? query.oneOf("scope", ["all", "personal", "shared"])
            let status = try query.oneOf("status", ["processing", "completed", "failed"])
            return JSONResponse.make(
                try services.knowledgeBase.documents(
                    as: caller.principal,
                    scope: scope == "all" ? nil : scope,
                    status: status,
                    limit: page.limit,
                    offset: page.offset
                )
            )
        }
    }

    @Sendable func chunk(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        let chunkId = try context.parameters.require("chunk_id")
        return JSONResponse.make(
            try services.knowledgeBase.chunk(documentId: id, chunkId: chunkId, as: caller.principal)
        )
    }
}
