public import ChatAPI
import Foundation

extension RemoteBackend {
    // MARK: - Meta

    /// What the server offers (`GET /capabilities`).
    public func capabilities() async throws -> Capabilities {
        try await call(.get("/capabilities", authentication: .none))
    }

    // MARK: - Identity

    private struct RegisterBody: Encodable {
        var email: String
        var password: String
    }

    /// Creates an account (`POST /auth/register`) and keeps its tokens; an anonymous session moves into it.
    public func register(email: String, password: String) async throws -> TokenResponse {
        let credentials = try currentCredentials()
        // The anonymous session travels in the header, so its documents and memories move to the new account.
        let endpoint = try Endpoint.json(
            "POST",
            "/auth/register",
            RegisterBody(email: email, password: password),
            authentication: .anonymousSession
        )
        let tokens: TokenResponse = try await call(endpoint)
        try storeTokens(tokens, strict: true, dropAnonymousSession: credentials.anonSessionId != nil)
        return tokens
    }

    /// Signs in with the login form (`POST /auth/login`) and keeps the tokens; an anonymous session moves into
    /// the account.
    public func login(email: String, password: String) async throws -> TokenResponse {
        let credentials = try currentCredentials()
        let tokens: TokenResponse = try await call(
            Self.loginEndpoint(email: email, password: password, credentials: credentials)
        )
        try storeTokens(tokens, strict: true, dropAnonymousSession: credentials.anonSessionId != nil)
        return tokens
    }

    /// The login form: `username` (the email), `password` and the anonymous session to migrate.
    static func loginEndpoint(email: String, password: String, credentials: ServerCredentials) -> Endpoint {
        var fields: [(name: String, value: String)] = [("username", email), ("password", password)]
        if let anon = credentials.anonSessionId { fields.append(("anon_session_id", anon)) }
        return Endpoint(
            method: "POST",
            path: "/auth/login",
            body: .bytes(Data(FormURLEncoding.encode(fields).utf8)),
            contentType: "application/x-www-form-urlencoded",
            authentication: .none
        )
    }

    private struct LogoutBody: Encodable {
        var refreshToken: String?
    }

    /// Revokes the login on the server (`POST /auth/logout`) and forgets its tokens here.
    ///
    /// The tokens are forgotten even when the server cannot be told, so a logout always takes effect locally;
    /// that failure is still thrown.
    public func logout() async throws {
        let credentials = try currentCredentials()
        guard credentials.isLoggedIn else {
            throw BackendError.api(
                ErrorBody.Detail(code: .authRequired, message: "You are not logged in to \(server).", status: 401)
            )
        }
        let endpoint = try Endpoint.json(
            "POST",
            "/auth/logout",
            LogoutBody(refreshToken: credentials.refreshToken),
            authentication: .none
        )
        // The body's refresh token names the login even when the access token has expired; an expired bearer
        // token would only earn a 401, so it is sent only while still valid.
        var request = makeRequest(endpoint, credentials: credentials)
        if let access = credentials.accessToken, let expiry = credentials.accessExpiresAt,
            expiry.timeIntervalSince(now()) > 5
        {
            request.headers.append(HTTPHeader("Authorization", "Bearer \(access)"))
        }
        var failure: (any Error)?
        do {
            let response = try await CurlTransfer.perform(request, options: options)
            // 401 means the login was already revoked or has expired: logged out either way.
            if !response.head.isSuccess && response.head.status != 401 {
                failure = apiError(response.head, body: response.body, endpoint: endpoint)
            }
        } catch {
            failure = error
        }
        try updateCredentials(strict: true) { $0.clearTokens() }
        if let failure { throw failure }
    }

    /// Who the caller is (`GET /auth/me`).
    public func whoAmI() async throws -> Identity {
        try await call(.get("/auth/me"))
    }
}
