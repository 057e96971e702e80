import ChatAPI
import Engine
import Foundation
import Hummingbird

/// `/memory/personal`: the caller's own memories (http-api.md section 9).
struct MemoryController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(
            .get,
            "/api/v1/memory/personal",
            use: services.paged { engine, page, caller in
                try engine.memories(as: caller, limit: page.limit, offset: page.offset)
            }
        )
        routes.on(
            .post,
            "/api/v1/memory/personal",
            use: Self.storing(services) { engine, content, caller in try engine.remember(content, as: caller) }
        )
        routes.on(.patch, "/api/v1/memory/personal/{id}", use: update)
        routes.on(
            .delete,
            "/api/v1/memory/personal/{id}",
            use: services.byID { engine, id, caller in try engine.forget(id: id, as: caller) }
        )
    }

    struct MemoryBody: Decodable {
        var content: String?
    }

    @Sendable func update(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        var request = request
        let content = try await Self.content(&request, services)
        return JSONResponse.make(
            try services.knowledgeBase.updateMemory(id: id, content: content, as: caller.principal)
        )
    }

    /// A route that stores the body's `content` as a memory, personal or shared: 201 for a new memory, 200 when
    /// the engine returned an equal one it already had.
    ///
    /// - Parameters:
    ///   - services: the server's services.
    ///   - access: who may call it.
    ///   - store: the engine call, given the knowledge base, the content and the caller.
    /// - Returns: the route's handler.
    static func storing(
        _ services: Services,
        _ access: Access = .anyone,
        _ store: @escaping @Sendable (KnowledgeBase, String, Principal) throws -> Memory
    ) -> RouteRegistrar.Handler {
        { request, context in
            let caller = try await services.caller(request, context, access)
            var request = request
            let content = try await content(&request, services)
            let started = Timestamp.string(Date())
            let memory = try store(services.knowledgeBase, content, caller.principal)
            return JSONResponse.make(memory, status: isNew(memory, since: started) ? .created : .ok)
        }
    }

    /// The body's `content`; 422 when missing.
    private static func content(_ request: inout Request, _ services: Services) async throws -> String {
        let body = try await services.json(MemoryBody.self, from: &request)
        guard let content = body?.content else { throw APIError.validation("content", "is required") }
        return content
    }

    /// Whether the engine stored a new memory rather than returning an equal one (201 against 200).
    ///
    /// The engine answers both with the memory; one created by this request carries a timestamp no earlier than
    /// the request's start (RFC 3339 strings of one format order like the times they name).
    private static func isNew(_ memory: Memory, since started: String) -> Bool {
        memory.createdAt >= started
    }
}
