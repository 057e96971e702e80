import ChatAPI
import Engine
import Hummingbird

/// `POST /query/stream` (Server-Sent Events) and its JSON twin `POST /query` (http-api.md section 6).
///
/// Identity, body and field checks run before the stream starts, so their failures are JSON errors.
struct QueryController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/v1/query/stream", use: stream)
        routes.on(.post, "/api/v1/query", use: query)
    }

    private struct QueryBody: Decodable {
        var query: String?
        var conversationId: String?
        var documentIds: [String]?
        var topK: Int?
        var includeMemory: Bool?
    }

    @Sendable func stream(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        var request = request
        let events = try await accept(&request, context)
        return services.streams.response(request: request, events: events, requestId: context.requestId, lease: nil)
    }

    @Sendable func query(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        var request = request
        let events = try await accept(&request, context)
        let timeout = Duration.seconds(services.configuration.generationTimeoutSeconds)
        let fold = try await StreamFold.run(events, timeout: timeout)
        guard let done = fold.done else { throw APIError.internalError() }
        return JSONResponse.make(QueryResponse(done: done, sources: fold.sources, requestId: context.requestId))
    }

    /// Resolves the caller, reads the body and lets the engine check it; returns the accepted answer's events.
    private func accept(
        _ request: inout Request,
        _ context: ChatRequestContext
    ) async throws
        -> AsyncThrowingStream<StreamEvent, any Error>
    {
        let caller = try await services.caller(request, context)
        let body = try await services.json(QueryBody.self, from: &request)
        guard let text = body?.query else { throw APIError.validation("query", "is required") }
        let query = QueryRequest(
            query: text,
            conversationId: body?.conversationId,
            documentIds: body?.documentIds,
            topK: body?.topK,
            includeMemory: body?.includeMemory
        )
        // Only the answer's work waits for admission (after `meta`), so every stream starts at once.
        let admission = services.admission
        let events = try services.knowledgeBase.ask(query, as: caller.principal, requestId: context.requestId) {
            let lease = await admission.admit()
            return { lease.release() }
        }
        return events
    }
}
