import Engine
import Hummingbird

// The shapes most routes share, written once: who calls, what the path or query names, one engine call, JSON.
extension Services {
    /// A page of a list route, as `limit` and `offset` give it (http-api.md section 1).
    typealias Page = (limit: Int, offset: Int)

    /// A route on `…/{id}` that answers with one engine call made for the caller (show, status, delete).
    ///
    /// - Parameters:
    ///   - access: who may call it.
    ///   - call: the engine call, given the knowledge base, the path's `id` and the caller.
    /// - Returns: the route's handler.
    func byID<Output: Encodable & Sendable>(
        _ access: Access = .anyone,
        _ call: @escaping @Sendable (KnowledgeBase, _ id: String, Principal) async throws -> Output
    ) -> RouteRegistrar.Handler {
        { request, context in
            let caller = try await caller(request, context, access)
            let id = try context.parameters.require("id")
            return JSONResponse.make(try await call(knowledgeBase, id, caller.principal))
        }
    }

    /// A list route that answers with one engine call made for the caller, for the page its query names.
    ///
    /// - Parameters:
    ///   - access: who may call it.
    ///   - call: the engine call, given the knowledge base, the page and the caller.
    /// - Returns: the route's handler.
    func paged<Output: Encodable & Sendable>(
        _ access: Access = .anyone,
        _ call: @escaping @Sendable (KnowledgeBase, Page, Principal) async throws -> Output
    ) -> RouteRegistrar.Handler {
        { request, context in
            let caller = try await caller(request, context, access)
            let page = try QueryParameters(request).page()
            return JSONResponse.make(try await call(knowledgeBase, page, caller.principal))
        }
    }

    /// The request's JSON body within the server's JSON limit (`RequestBodies.json`).
    ///
    /// - Returns: nil when there is no body and it is not `required`.
    /// - Throws: as `RequestBodies.json`: 415, 413 or 400.
    func json<T: Decodable>(_ type: T.Type, from request: inout Request, required: Bool = true) async throws -> T? {
        try await RequestBodies.json(type, from: &request, limit: configuration.maxJSONBodyBytes, required: required)
    }
}
