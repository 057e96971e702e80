import ChatAPI
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/auth/*`: register, login, refresh, logout, anonymous sessions and who-am-I (http-api.md section 4).
///
/// Every answer here carries `Cache-Control: no-store`: tokens must not land in caches.
struct AuthController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/v1/auth/register", use: register)
        routes.on(.post, "/api/v1/auth/login", use: login)
        routes.on(.post, "/api/v1/auth/refresh", use: refresh)
        routes.on(.post, "/api/v1/auth/logout", use: logout)
        routes.on(.post, "/api/v1/auth/anonymous", use: anonymous)
        routes.on(.get, "/api/v1/auth/me", use: me)
    }

    private struct RegisterBody: Decodable {
        var email: String?
        var password: String?
        var anonSessionId: String?
    }

    private struct RefreshBody: Decodable {
        var refreshToken: String?
    }

    private struct LoggedOut: Encodable {
        var loggedOut = true
    }

    @Sendable func register(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        context.exchange.noStore = true
        var request = request
        let body = try await services.json(RegisterBody.self, from: &request)
        var problems: [EngineError.FieldProblem] = []
        if body?.email == nil { problems.append(.init(field: "email", message: "is required")) }
        if body?.password == nil { problems.append(.init(field: "password", message: "is required")) }
        guard let email = body?.email, let password = body?.password, problems.isEmpty else {
            throw EngineError.validation(problems)
        }
        let anonymous = body?.anonSessionId ?? CallerResolver.presentedAnonymousId(request)
        let tokens = try await services.accounts.register(
            email: email,
            password: password,
            anonymousSessionId: anonymous
        )
        if anonymous != nil { context.exchange.expireSessionCookie = true }
        return JSONResponse.make(tokens, status: .created)
    }

    @Sendable func login(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        context.exchange.noStore = true
        var request = request
        let form = try await LoginForm.read(&request, limit: services.configuration.maxFormBodyBytes)
        var problems: [EngineError.FieldProblem] = []
        if form["username"] == nil { problems.append(.init(field: "username", message: "is required")) }
        if form["password"] == nil { problems.append(.init(field: "password", message: "is required")) }
        if let grant = form["grant_type"], grant != "password" {
            problems.append(.init(field: "grant_type", message: "must be password"))
        }
        guard let username = form["username"], let password = form["password"], problems.isEmpty else {
            throw EngineError.validation(problems)
        }
        let key = LoginThrottle.key(address: context.clientAddress, username: username)
        if let seconds = services.loginThrottle.retryAfter(key) {
            throw APIError.rateLimited(retryAfter: seconds)
        }
        let anonymous =
            form["anon_session_id"].flatMap { $0.isEmpty ? nil : $0 } ?? CallerResolver.presentedAnonymousId(request)
        let tokens: TokenResponse
        do {
            tokens = try await services.accounts.login(
                email: username,
                password: password,
                anonymousSessionId: anonymous
            )
        } catch EngineError.invalidCredentials {
            services.loginThrottle.recordFailure(key)
            throw EngineError.invalidCredentials
        }
        services.loginThrottle.recordSuccess(key)
        if anonymous != nil { context.exchange.expireSessionCookie = true }
        return JSONResponse.make(tokens)
    }

    @Sendable func refresh(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        context.exchange.noStore = true
        var request = request
        let body = try await services.json(RefreshBody.self, from: &request)
        guard let token = body?.refreshToken else { throw APIError.validation("refresh_token", "is required") }
        return JSONResponse.make(try await services.accounts.refresh(refreshToken: token))
    }

    @Sendable func logout(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        context.exchange.noStore = true
        var request = request
        let body = try await services.json(RefreshBody.self, from: &request, required: false)
        // A bearer token of another scheme names no login; the body's refresh token may still.
        let accessToken = try? CallerResolver.bearerToken(request)
        try await services.accounts.logout(accessToken: accessToken ?? nil, refreshToken: body?.refreshToken)
        return JSONResponse.make(LoggedOut())
    }

    @Sendable func anonymous(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        context.exchange.noStore = true
        if let token = try CallerResolver.bearerToken(request) {
            let principal = try await services.accounts.verify(accessToken: token)
            return JSONResponse.make(AnonymousSession(anonSessionId: nil, role: principal.role, expiresAt: nil))
        }
        let session = try services.accounts.anonymousSession(presented: CallerResolver.presentedAnonymousId(request))
        context.exchange.anonymousSession = session
        return JSONResponse.make(
            AnonymousSession(anonSessionId: session.principal.id, role: .anonymous, expiresAt: session.expiresAt),
            status: session.created ? .created : .ok
        )
    }

    @Sendable func me(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        context.exchange.noStore = true
        let caller = try await services.caller(request, context)
        return JSONResponse.make(try services.accounts.identity(of: caller.principal))
    }
}
