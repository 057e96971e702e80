import ChatAPI
import Engine
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1

/// The outermost middleware: request ids, the error body for every failure, the headers every response carries,
/// and one log line per request.
///
/// It also wraps the router's not-found responder, which is where unknown paths (404) and unknown methods on
/// known paths (405 with `Allow`) are told apart.
struct ExchangeMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    let routes: RouteTable
    let logger: Logger
    /// `Max-Age` of the session cookie, the anonymous session lifetime.
    let sessionMaxAge: Int

    /// How long a client should wait after a 503.
    static let serviceRetrySeconds = 5

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let requestId = RequestIdentifier.accepting(request.headers[.requestId])
        context.exchange.requestId = requestId
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            var failure = apiError(for: error, request: request)
            // 503 answers say when to come back, in the header and in details (http-api.md section 2).
            if failure.status == 503 && !failure.headers.contains(where: { $0.name == "Retry-After" }) {
                failure.headers.append(("Retry-After", String(Self.serviceRetrySeconds)))
                failure.details["retry_after_s"] = .number(Double(Self.serviceRetrySeconds))
            }
            response = JSONResponse.error(failure, requestId: requestId)
        }
        decorate(&response, exchange: context.exchange)
        let elapsed = ContinuousClock.now - started
        // Only the method, the path (ids, never questions or tokens) and the outcome are logged.
        logger.info(
            "\(request.method.rawValue) \(request.uri.path) \(response.status.code)",
            metadata: [
                "request_id": "\(requestId)",
                "ms": "\(WireTime.milliseconds(elapsed))",
            ]
        )
        return response
    }

    private func apiError(for error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as EngineError:
            if case .internalError = error { logger.error("engine defect: \(error.message)") }
            return APIError(error)
        case let error as HTTPParserError:
            // A body whose framing broke mid-stream (a request line or header block never gets here).
            return .malformedRequest(error, inBody: true)
        case let error as RequestBodyTimeout:
            return .requestTimeout(error)
        case let error as HTTPError where error.status == .notFound:
            // Only the router's not-found responder throws this: the path or the method is unknown.
            let path = request.uri.path
            if let allowed = routes.allowedMethods(for: path) {
                return .methodNotAllowed(request.method.rawValue, allowed: allowed)
            }
            return .notFound(path: path)
        case let error as HTTPError:
            return .status(error.status)
        case is CancellationError:
            return APIError(status: 503, code: .serviceUnavailable, message: "The request was cancelled.")
        default:
            logger.error("unexpected error: \(String(describing: type(of: error)))")
            return .internalError()
        }
    }

    private func decorate(_ response: inout Response, exchange: Exchange) {
        response.headers[.requestId] = exchange.requestId
        response.headers[.contentTypeOptions] = "nosniff"
        if exchange.noStore { response.headers[.cacheControl] = "no-store" }
        if response.status.code == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
        if let session = exchange.anonymousSession {
            response.headers[.anonSessionId] = session.principal.id
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value:
                        "session_id=\(session.principal.id); Path=/api/v1; HttpOnly; SameSite=Lax; Max-Age=\(sessionMaxAge)"
                )
            )
        } else if exchange.expireSessionCookie {
            response.headers.append(
                HTTPField(name: .setCookie, value: "session_id=; Path=/api/v1; HttpOnly; SameSite=Lax; Max-Age=0")
            )
        }
    }
}
