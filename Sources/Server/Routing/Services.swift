import Engine
import Hummingbird

/// What every controller needs: the engine, accounts, identity resolution, limits and the stream responder.
struct Services: Sendable {
    let knowledgeBase: KnowledgeBase
    let accounts: Accounts
    let callers: CallerResolver
    let configuration: ServerConfiguration
    let streams: EventStreamResponder
    let loginThrottle: LoginThrottle
    let admission: AnswerAdmission
    /// Anonymous callers' uploads, per client address and hour.
    let anonymousUploads: RequestRateLimiter

    /// The upload limit, one value for the engine's checks and the server's streaming limit.
    var maxUploadBytes: Int { knowledgeBase.configuration.maxUploadBytes }

    func caller(_ request: Request, _ context: ChatRequestContext, _ access: Access = .anyone) async throws -> Caller {
        try await callers.resolve(request, context: context, access: access)
    }
}
