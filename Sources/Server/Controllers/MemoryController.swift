import ChatAPI
import Engine
import Foundation
import Hummingbird

/// `/memory/personal`: the caller's own memories (http-api.md section 9).
struct MemoryController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/v1/memory/personal", use: list)
        routes.on(.post, "/api/v1/memory/personal", use: create)
        routes.on(.patch, "/api/v1/memory/personal/{id}", use: update)
        routes.on(.delete, "/api/v1/memory/personal/{id}", use: delete)
    }

    struct MemoryBody: Decodable {
        var content: String?
    }

    @Sendable func list(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let page = try QueryParameters(request).page()
        return JSONResponse.make(
            try services.knowledgeBase.memories(as: caller.principal, limit: page.limit, offset: page.offset)
        )
    }

    @Sendable func create(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        var request = request
        let content = try await Self.content(&request, limit: services.configuration.maxJSONBodyBytes)
        let started = Timestamp.string(Date())
        let memory = try services.knowledgeBase.remember(content, as: caller.principal)
        return JSONResponse.make(memory, status: Self.isNew(memory, since: started) ? .created : .ok)
    }

    @Sendable func update(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        var request = request
        let content = try await Self.content(&request, limit: services.configuration.maxJSONBodyBytes)
        return JSONResponse.make(
            try services.knowledgeBase.updateMemory(id: id, content: content, as: caller.principal)
        )
    }

    @Sendable func delete(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.forget(id: id, as: caller.principal))
    }

    /// The body's `content`; 422 when missing.
    static func content(_ request: inout Request, limit: Int) async throws -> String {
        let body = try await RequestBodies.json(MemoryBody.self, from: &request, limit: limit)
        guard let content = body?.content else { throw APIError.validation("content", "is required") }
        return content
    }

    /// Whether the engine stored a new memory rather than returning an equal one (201 against 200).
    ///
    /// The engine answers both with the memory; one created by this request carries a timestamp no earlier than
    /// the request's start (RFC 3339 strings of one format order like the times they name).
    static func isNew(_ memory: Memory, since started: String) -> Bool {
        memory.createdAt >= started
    }
}
