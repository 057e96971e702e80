import ChatAPI
import Engine
import Hummingbird

/// `POST /search`: ranked passages for a query without an answer.
///
/// For tools that read the evidence themselves (docs/mcp.md). The same field rules as `POST /query`; nothing
/// joins a conversation.
struct SearchController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/v1/search", use: search)
    }

    private struct SearchBody: Decodable {
        var query: String?
        var documentIds: [String]?
        var topK: Int?
    }

    @Sendable func search(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        var request = request
        let caller = try await services.caller(request, context)
        let body = try await services.json(SearchBody.self, from: &request)
        guard let text = body?.query else { throw APIError.validation("query", "is required") }
        let search = SearchRequest(query: text, documentIds: body?.documentIds, topK: body?.topK)
        return JSONResponse.make(try await services.knowledgeBase.search(search, as: caller.principal))
    }
}
