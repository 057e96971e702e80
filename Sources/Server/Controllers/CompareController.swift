import ChatAPI
import Engine
import Hummingbird

/// `POST /compare` and `POST /compare/stream` (http-api.md section 8).
struct CompareController {
    let services: Services

    /// Compares run longer than answers (http-api.md section 10).
    static let timeout = Duration.seconds(180)

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/v1/compare", use: compare)
        routes.on(.post, "/api/v1/compare/stream", use: stream)
    }

    private struct CompareBody: Decodable {
        var documentIds: [String]?
        var query: String?
    }

    @Sendable func compare(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        var request = request
        let (events, lease) = try await accept(&request, context)
        defer { lease.release() }
        let fold = try await StreamFold.run(events, timeout: Self.timeout)
        guard let comparison = fold.done?.comparison else { throw APIError.internalError() }
        return JSONResponse.make(comparison)
    }

    @Sendable func stream(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        var request = request
        let (events, lease) = try await accept(&request, context)
        return services.streams.response(request: request, events: events, requestId: context.requestId, lease: lease)
    }

    private func accept(
        _ request: inout Request,
        _ context: ChatRequestContext
    ) async throws
        -> (AsyncThrowingStream<StreamEvent, any Error>, AnswerAdmission.Lease)
    {
        let caller = try await services.caller(request, context)
        let body = try await services.json(CompareBody.self, from: &request)
        guard let ids = body?.documentIds else { throw APIError.validation("document_ids", "is required") }
        let lease = await services.admission.admit()
        // Counts, duplicates and the query's length are the engine's checks, shared with embedded mode.
        let events = try services.knowledgeBase.compare(
            CompareRequest(documentIds: ids, query: body?.query),
            as: caller.principal,
            requestId: context.requestId
        )
        return (events, lease)
    }
}
