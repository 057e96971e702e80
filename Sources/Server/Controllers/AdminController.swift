import ChatAPI
import Engine
import Foundation
import Hummingbird

/// `/admin/*`: shared memory, shared documents and accounts; admins only (anonymous 401, user 403).
struct AdminController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        let sharedMemory = Access.admin("Shared memory")
        routes.on(
            .get,
            "/api/v1/admin/shared-memory",
            use: services.paged(sharedMemory) { engine, page, caller in
                try engine.sharedMemories(as: caller, limit: page.limit, offset: page.offset)
            }
        )
        routes.on(
            .post,
            "/api/v1/admin/shared-memory",
            use: MemoryController.storing(services, sharedMemory) { engine, content, caller in
                try engine.addSharedMemory(content, as: caller)
            }
        )
        routes.on(
            .delete,
            "/api/v1/admin/shared-memory/{id}",
            use: services.byID(sharedMemory) { engine, id, caller in try engine.deleteSharedMemory(id: id, as: caller) }
        )
        routes.on(.post, "/api/v1/admin/documents/upload", use: upload)
        routes.on(
            .get,
            "/api/v1/admin/documents",
            use: DocumentsController.listing(services, .admin("Managing shared documents"), scope: "shared")
        )
        routes.on(
            .delete,
            "/api/v1/admin/documents/{id}",
            use: services.byID(.admin("Deleting shared documents")) { engine, id, caller in
                try engine.deleteDocument(id: id, viaAdmin: true, as: caller)
            }
        )
        routes.on(
            .get,
            "/api/v1/admin/users",
            use: services.paged(.admin("Listing users")) { engine, page, caller in
                try engine.users(as: caller, limit: page.limit, offset: page.offset)
            }
        )
        routes.on(.patch, "/api/v1/admin/users/{id}", use: setRole)
    }

    private struct RoleBody: Decodable {
        var role: String?
    }

    @Sendable func upload(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        try await UploadReceiver(services: services).receive(request, context, shared: true)
    }

    @Sendable func setRole(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context, .admin("Changing roles"))
        let id = try context.parameters.require("id")
        var request = request
        let body = try await services.json(RoleBody.self, from: &request)
        guard let text = body?.role else { throw APIError.validation("role", "is required") }
        guard let role = Role(rawValue: text), role != .anonymous else {
            throw APIError.validation("role", "must be user or admin")
        }
        return JSONResponse.make(try services.knowledgeBase.setRole(userId: id, role: role, as: caller.principal))
    }
}
