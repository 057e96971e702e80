import Engine
import HTTPTypes
import Hummingbird

/// Registers handlers on the router and records each route in the `RouteTable`, so the table always matches
/// what the router serves.
struct RouteRegistrar {
    typealias Handler = @Sendable (Request, ChatRequestContext) async throws -> Response

    let router: Router<ChatRequestContext>
    let table: RouteTable

    func on(_ method: HTTPRequest.Method, _ path: String, use handler: @escaping Handler) {
        table.add(method: method.rawValue, path: path)
        router.on(RouterPath(path), method: method, use: handler)
    }
}

/// What every controller needs: the engine, accounts, identity resolution, limits and the stream responder.
struct Services: Sendable {
    let knowledgeBase: KnowledgeBase
    let accounts: Accounts
    let callers: CallerResolver
    let configuration: ServerConfiguration
    let streams: EventStreamResponder
    let loginThrottle: LoginThrottle
    let admission: AnswerAdmission

    /// The upload limit, one value for the engine's checks and the server's streaming limit.
    var maxUploadBytes: Int { knowledgeBase.configuration.maxUploadBytes }

    func caller(_ request: Request, _ context: ChatRequestContext, _ access: Access = .anyone) async throws -> Caller {
        try await callers.resolve(request, context: context, access: access)
    }
}
