import ChatAPI
import Engine
import Foundation
import Hummingbird

/// `/admin/*`: shared memory, shared documents and accounts; admins only (anonymous 401, user 403).
struct AdminController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/v1/admin/shared-memory", use: sharedMemories)
        routes.on(.post, "/api/v1/admin/shared-memory", use: addSharedMemory)
        routes.on(.delete, "/api/v1/admin/shared-memory/{id}", use: deleteSharedMemory)
        routes.on(.post, "/api/v1/admin/documents/upload", use: upload)
        routes.on(.get, "/api/v1/admin/documents", use: documents)
        routes.on(.delete, "/api/v1/admin/documents/{id}", use: deleteDocument)
        routes.on(.get, "/api/v1/admin/users", use: users)
        routes.on(.patch, "/api/v1/admin/users/{id}", use: setRole)
    }

    private struct RoleBody: Decodable {
        var role: String?
    }

    @Sendable func sharedMemories(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Shared memory"))
        let page = try QueryParameters(request).page()
        return JSONResponse.make(
            try services.knowledgeBase.sharedMemories(as: caller.principal, limit: page.limit, offset: page.offset)
        )
    }

    @Sendable func addSharedMemory(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Shared memory"))
        var request = request
        let content = try await MemoryController.content(&request, limit: services.configuration.maxJSONBodyBytes)
        let started = Timestamp.string(Date())
        let memory = try services.knowledgeBase.addSharedMemory(content, as: caller.principal)
        return JSONResponse.make(memory, status: MemoryController.isNew(memory, since: started) ? .created : .ok)
    }

    @Sendable func deleteSharedMemory(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Shared memory"))
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.deleteSharedMemory(id: id, as: caller.principal))
    }

    @Sendable func upload(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        try await UploadReceiver(services: services).receive(request, context, shared: true)
    }

    @Sendable func documents(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Managing shared documents"))
        let query = try QueryParameters(request)
        let page = try query.page()
        let status = try query.oneOf("status", ["processing", "completed", "failed"])
        return JSONResponse.make(
            try services.knowledgeBase.documents(
                as: caller.principal,
                scope: "shared",
                status: status,
                limit: page.limit,
                offset: page.offset
            )
        )
    }

    @Sendable func deleteDocument(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Deleting shared documents"))
        let id = try context.parameters.require("id")
        return JSONResponse.make(
            try services.knowledgeBase.deleteDocument(id: id, viaAdmin: true, as: caller.principal)
        )
    }

    @Sendable func users(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Listing users"))
        let page = try QueryParameters(request).page()
        return JSONResponse.make(
            try services.knowledgeBase.users(as: caller.principal, limit: page.limit, offset: page.offset)
        )
    }

    @Sendable func setRole(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Changing roles"))
        let id = try context.parameters.require("id")
        var request = request
        let body = try await RequestBodies.json(
            RoleBody.self,
            from: &request,
            limit: services.configuration.maxJSONBodyBytes
        )
        guard let text = body?.role else { throw APIError.validation("role", "is required") }
        guard let role = Role(rawValue: text), role != .anonymous else {
            throw APIError.validation("role", "must be user or admin")
        }
        return JSONResponse.make(try services.knowledgeBase.setRole(userId: id, role: role, as: caller.principal))
    }
}
