import Hummingbird

/// Refuses a caller's request over the per-minute limit with 429 and `Retry-After`.
///
/// The caller is told apart without touching the store: by its bearer token, else its anonymous session id,
/// else its address. A client rotating session ids still shares its address only when it sends none.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    let limiter: RequestRateLimiter

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let seconds = limiter.acquire(Self.callerKey(request, context: context)) {
            throw APIError.rateLimited(retryAfter: seconds)
        }
        return try await next(request, context)
    }

    static func callerKey(_ request: Request, context: Context) -> String {
        if let authorization = request.headers[.authorization] { return "a:" + authorization }
        if let anonymous = request.headers[.anonSessionId] { return "s:" + anonymous }
        if let cookie = request.cookies["session_id"]?.value { return "s:" + cookie }
        return "ip:" + context.clientAddress
    }
}
