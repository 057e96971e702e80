import Engine
import Hummingbird

/// `/conversations`: the caller's conversations, one with its messages, and deletion (http-api.md section 7).
struct ConversationsController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/v1/conversations", use: list)
        routes.on(.get, "/api/v1/conversations/{id}", use: show)
        routes.on(.delete, "/api/v1/conversations/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let page = try QueryParameters(request).page()
        return JSONResponse.make(
            try services.knowledgeBase.conversations(as: caller.principal, limit: page.limit, offset: page.offset)
        )
    }

    @Sendable func show(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.conversation(id: id, as: caller.principal))
    }

    @Sendable func delete(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let id = try context.parameters.require("id")
        return JSONResponse.make(try services.knowledgeBase.deleteConversation(id: id, as: caller.principal))
    }
}
