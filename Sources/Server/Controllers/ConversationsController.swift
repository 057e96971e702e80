import Engine
import Hummingbird

/// `/conversations`: the caller's conversations, one with its messages, and deletion (http-api.md section 7).
struct ConversationsController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(
            .get,
            "/api/v1/conversations",
            use: services.paged { engine, page, caller in
                try engine.conversations(as: caller, limit: page.limit, offset: page.offset)
            }
        )
        routes.on(
            .get,
            "/api/v1/conversations/{id}",
            use: services.byID { engine, id, caller in try engine.conversation(id: id, as: caller) }
        )
        routes.on(
            .delete,
            "/api/v1/conversations/{id}",
            use: services.byID { engine, id, caller in try engine.deleteConversation(id: id, as: caller) }
        )
    }
}
