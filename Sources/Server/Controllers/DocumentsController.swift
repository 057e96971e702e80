import ChatAPI
import Engine
import Hummingbird

/// `/documents`: upload, status, list, get, delete, one passage and the extracted text (http-api.md section 5).
struct DocumentsController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/v1/documents/upload", use: upload)
        routes.on(.get, "/api/v1/documents", use: list)
        routes.on(.get, "/api/v1/documents/{id}", use: show)
        routes.on(.delete, "/api/v1/documents/{id}", use: delete)
        routes.on(.get, "/api/v1/documents/{id}/status", use: status)
        routes.on(.get, "/api/v1/documents/{id}/chunks/{chunk_id}", use: chunk)
        routes.on(.get, "/api/v1/documents/{id}/text", use: text)
    }

    @Sendable func upload(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        try await UploadReceiver(services: services).receive(request, context, shared: false)
    }

    @Sendable func list(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let query = try QueryParameters(request)
        let page = try query.page()
        let scope = try query.oneOf("scope", ["all", "personal", "shared"])
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

    @Sendable func show(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.document(id: id, as: caller.principal))
    }

    @Sendable func delete(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(
            try services.knowledgeBase.deleteDocument(id: id, viaAdmin: false, as: caller.principal)
        )
    }

    @Sendable func status(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.documentStatus(id: id, as: caller.principal))
    }

    @Sendable func text(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.documentText(id: id, as: caller.principal))
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
