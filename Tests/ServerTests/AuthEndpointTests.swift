import ChatAPI
import Foundation
import Server
import Testing

/// Registration, login, tokens, anonymous sessions and their migration (http-api.md section 11, items 5-15,
/// 41 and 42).
@Suite struct AuthEndpointTests {
    @Test func firstRegistrationIsAdminAndLaterOnesAreUsers() async throws {
        try await TestServer.with { server in
            let first = try await server.register("dana@northwind.example")
            let second = try await server.register("lee@northwind.example")
            #expect(first.role == .admin)
            #expect(first.user.role == .admin)
            #expect(second.role == .user)
            #expect(first.tokenType == "bearer")
            #expect(first.refreshToken.hasPrefix("rt_"))
            #expect(first.migration == nil)
        }
    }

    @Test func registrationAnswersNoStoreAndCreated() async throws {
        try await TestServer.with { server in
            let response = try await server.http.json(
                "POST",
                "/api/v1/auth/register",
                ["email": "  Dana@Northwind.Example ", "password": "correct horse 42"]
            )
            #expect(response.status == 201)
            #expect(response.header("Cache-Control") == "no-store")
            #expect(try response.decode(TokenResponse.self).user.email == "dana@northwind.example")
            let object = try #require(response.json)
            #expect(object.keys.contains("migration"))
        }
    }

    @Test func concurrentFirstRegistrationsYieldExactlyOneAdmin() async throws {
        try await TestServer.with { server in
            let roles = try await withThrowingTaskGroup(of: Role.self) { group in
                for index in 0..<8 {
                    group.addTask { try await server.register("racer\(index)@northwind.example").role }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(roles.filter { $0 == .admin }.count == 1)
            #expect(roles.count == 8)
        }
    }

    @Test func emailDifferingOnlyInCaseIsTaken() async throws {
        try await TestServer.with { server in
            _ = try await server.register("dana@northwind.example")
            let response = try await server.http.json(
                "POST",
                "/api/v1/auth/register",
                ["email": "DANA@northwind.EXAMPLE", "password": "another pass 9"]
            )
            #expect(response.status == 409)
            #expect(response.code == "email_taken")
        }
    }

    @Test func shortPasswordIsAValidationErrorOnThePasswordField() async throws {
        try await TestServer.with { server in
            let response = try await server.http.json(
                "POST",
                "/api/v1/auth/register",
                ["email": "dana@northwind.example", "password": "1234567"]
            )
            #expect(response.status == 422)
            #expect(response.code == "validation_error")
            let fields = try #require(response.error?.error.details["fields"])
            guard case .array(let entries) = fields else { Issue.record("fields is not an array"); return }
            #expect(
                entries.contains { entry in
                    if case .object(let object) = entry, object["field"] == .string("password") { return true }
                    return false
                }
            )
            let long = try await server.http.json(
                "POST",
                "/api/v1/auth/register",
                ["email": "dana@northwind.example", "password": String(repeating: "ü", count: 37)]
            )
            #expect(long.status == 422)
            let badEmail = try await server.http.json(
                "POST",
                "/api/v1/auth/register",
                ["email": "a@b@c", "password": "long enough 1"]
            )
            #expect(badEmail.status == 422)
        }
    }

    @Test func formLoginWorksAndFailuresLookAlike() async throws {
        try await TestServer.with { server in
            _ = try await server.register("dana@northwind.example")
            let ok = try await server.login("Dana@Northwind.example")
            #expect(ok.status == 200)
            #expect(ok.header("Cache-Control") == "no-store")
            #expect(try ok.decode(TokenResponse.self).migration == nil)

            let wrong = try await server.login("dana@northwind.example", password: "wrong password")
            let unknown = try await server.login("nobody@northwind.example", password: "wrong password")
            #expect(wrong.status == 401)
            #expect(unknown.status == 401)
            #expect(wrong.code == "invalid_credentials")
            #expect(unknown.code == "invalid_credentials")
            #expect(wrong.error?.detail == unknown.error?.detail)
            #expect(wrong.header("WWW-Authenticate") == "Bearer")

            let json = try await server.http.json(
                "POST",
                "/api/v1/auth/login",
                ["username": "dana@northwind.example", "password": "correct horse 42"]
            )
            #expect(json.status == 415)
            #expect(json.code == "unsupported_content_type")

            let (body, contentType) = Self.multipartForm([
                "username": "dana@northwind.example", "password": "correct horse 42",
            ])
            let multipart = try await server.http.send(
                "POST",
                "/api/v1/auth/login",
                headers: [("Content-Type", contentType)],
                body: body
            )
            #expect(multipart.status == 200)

            let grant = try await server.http.send(
                "POST",
                "/api/v1/auth/login",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(
                    "username=dana%40northwind.example&password=correct+horse+42&grant_type=client_credentials".utf8
                )
            )
            #expect(grant.status == 422)
        }
    }

    @Test func accessTokenIsAnHS256JWTWithTheContractClaims() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let parts = tokens.accessToken.split(separator: ".")
            #expect(parts.count == 3)
            let header = try #require(Self.jsonSegment(parts[0]))
            let claims = try #require(Self.jsonSegment(parts[1]))
            #expect(header["alg"] as? String == "HS256")
            #expect(claims["sub"] as? String == tokens.user.id)
            #expect(claims["role"] as? String == "admin")
            #expect(claims["typ"] as? String == "access")
            #expect(claims["sid"] is String)
            #expect(claims["jti"] is String)
            let iat = try #require(claims["iat"] as? Int)
            let exp = try #require(claims["exp"] as? Int)
            #expect(exp - iat == tokens.expiresIn)
            #expect(tokens.expiresIn == 900)
            #expect(tokens.refreshExpiresIn == 604_800)
        }
    }

    @Test func reusingARotatedRefreshTokenRevokesTheFamily() async throws {
        try await TestServer.with { server in
            let first = try await server.register("dana@northwind.example")
            let rotated = try await server.http.json(
                "POST",
                "/api/v1/auth/refresh",
                ["refresh_token": first.refreshToken]
            )
            #expect(rotated.status == 200)
            #expect(rotated.header("Cache-Control") == "no-store")
            let second = try rotated.decode(TokenResponse.self)
            #expect(second.refreshToken != first.refreshToken)
            let me = try await server.http.send("GET", "/api/v1/auth/me", headers: Auth.bearer(second))
            #expect(me.status == 200)

            let reused = try await server.http.json(
                "POST",
                "/api/v1/auth/refresh",
                ["refresh_token": first.refreshToken]
            )
            #expect(reused.status == 401)
            #expect(reused.code == "refresh_token_reused")

            let newest = try await server.http.json(
                "POST",
                "/api/v1/auth/refresh",
                ["refresh_token": second.refreshToken]
            )
            #expect(newest.status == 401)
            #expect(newest.code == "refresh_token_invalid")
            let revokedAccess = try await server.http.send("GET", "/api/v1/auth/me", headers: Auth.bearer(second))
            #expect(revokedAccess.status == 401)
            #expect(revokedAccess.code == "invalid_token")

            let unknown = try await server.http.json("POST", "/api/v1/auth/refresh", ["refresh_token": "rt_nothing"])
            #expect(unknown.code == "refresh_token_invalid")
        }
    }

    @Test func logoutRevokesAccessAndRefreshTokensAndRepeats() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let logout = try await server.http.json(
                "POST",
                "/api/v1/auth/logout",
                ["refresh_token": tokens.refreshToken],
                headers: Auth.bearer(tokens)
            )
            #expect(logout.status == 200)
            #expect(logout.json?["logged_out"] as? Bool == true)

            let me = try await server.http.send("GET", "/api/v1/auth/me", headers: Auth.bearer(tokens))
            #expect(me.status == 401)
            let refresh = try await server.http.json(
                "POST",
                "/api/v1/auth/refresh",
                ["refresh_token": tokens.refreshToken]
            )
            #expect(refresh.status == 401)

            let again = try await server.http.json(
                "POST",
                "/api/v1/auth/logout",
                ["refresh_token": tokens.refreshToken]
            )
            #expect(again.status == 200)
            let bearerOnly = try await server.http.send("POST", "/api/v1/auth/logout", headers: Auth.bearer(tokens))
            #expect(bearerOnly.status == 200)

            let nothing = try await server.http.send("POST", "/api/v1/auth/logout")
            #expect(nothing.status == 401)
            #expect(nothing.code == "auth_required")
        }
    }

    @Test func expiredAccessTokenGivesTokenExpiredWithChallenge() async throws {
        let clock = TestClock()
        var options = TestServer.Options()
        options.accessTokenLifetime = 1
        options.now = { clock.now }
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            #expect(tokens.expiresIn == 1)
            clock.advance(by: 2)
            let response = try await server.http.send("GET", "/api/v1/auth/me", headers: Auth.bearer(tokens))
            #expect(response.status == 401)
            #expect(response.code == "token_expired")
            #expect(response.header("WWW-Authenticate") == "Bearer")
        }
    }

    @Test func badBearerTokensGet401NeverAnonymousAccess() async throws {
        try await TestServer.with { server in
            for authorization in ["Bearer garbage", "Bearer ", "Basic ZGFuYTpwdw==", "bearer a.b.c"] {
                let response = try await server.http.send(
                    "GET",
                    "/api/v1/documents",
                    headers: [("Authorization", authorization)]
                )
                #expect(response.status == 401, "\(authorization)")
                #expect(response.code == "invalid_token", "\(authorization)")
                #expect(response.header("X-Anon-Session-Id") == nil)
                #expect(response.header("WWW-Authenticate") == "Bearer")
            }
            // Endpoints that need no identity ignore Authorization.
            let health = try await server.http.send(
                "GET",
                "/api/v1/health",
                headers: [("Authorization", "Bearer garbage")]
            )
            #expect(health.status == 200)
        }
    }

    @Test func anonymousSessionsAreOpenedAndReached() async throws {
        try await TestServer.with { server in
            let first = try await server.http.send("GET", "/api/v1/documents")
            #expect(first.status == 200)
            let id = try #require(first.header("X-Anon-Session-Id"))
            #expect(id.hasPrefix("anon_"))
            #expect(id.count >= 27)
            let cookie = try #require(first.headers("Set-Cookie").first)
            #expect(cookie == "session_id=\(id); Path=/api/v1; HttpOnly; SameSite=Lax; Max-Age=604800")

            let byHeader = try await server.http.send("GET", "/api/v1/documents", headers: Auth.anonymous(id))
            #expect(byHeader.header("X-Anon-Session-Id") == id)
            let byCookie = try await server.http.send(
                "GET",
                "/api/v1/documents",
                headers: [("Cookie", "session_id=\(id)")]
            )
            #expect(byCookie.header("X-Anon-Session-Id") == id)

            let unknown = try await server.http.send(
                "GET",
                "/api/v1/documents",
                headers: Auth.anonymous("anon_AAAAAAAAAAAAAAAAAAAAAAAA")
            )
            let replacement = try #require(unknown.header("X-Anon-Session-Id"))
            #expect(replacement != id && replacement != "anon_AAAAAAAAAAAAAAAAAAAAAAAA")
            let malformed = try await server.http.send("GET", "/api/v1/documents", headers: Auth.anonymous("not-an-id"))
            #expect(malformed.status == 200)
            #expect(malformed.header("X-Anon-Session-Id")?.hasPrefix("anon_") == true)

            let me = try await server.http.send("GET", "/api/v1/auth/me", headers: Auth.anonymous(id))
            let identity = try me.decode(Identity.self)
            #expect(identity.id == id)
            #expect(identity.anonSessionId == id)
            #expect(identity.email == nil)
            #expect(identity.role == .anonymous)
            #expect(identity.isAnonymous)
        }
    }

    @Test func anonymousEndpointOpensRenewsOrDeclines() async throws {
        try await TestServer.with { server in
            let opened = try await server.http.send("POST", "/api/v1/auth/anonymous")
            #expect(opened.status == 201)
            let session = try opened.decode(AnonymousSession.self)
            let id = try #require(session.anonSessionId)
            #expect(opened.header("X-Anon-Session-Id") == id)
            #expect(session.role == .anonymous)
            #expect(session.expiresAt != nil)

            let renewed = try await server.http.send("POST", "/api/v1/auth/anonymous", headers: Auth.anonymous(id))
            #expect(renewed.status == 200)
            #expect(try renewed.decode(AnonymousSession.self).anonSessionId == id)

            let tokens = try await server.register("dana@northwind.example")
            let bearer = try await server.http.send("POST", "/api/v1/auth/anonymous", headers: Auth.bearer(tokens))
            #expect(bearer.status == 200)
            #expect(bearer.json?["anon_session_id"] is NSNull)
            #expect(bearer.header("X-Anon-Session-Id") == nil)
        }
    }

    @Test func anonymousDataMovesToTheAccountOnRegister() async throws {
        try await TestServer.with { server in
            let opened = try await server.http.send("POST", "/api/v1/auth/anonymous")
            let anonymous = try #require(opened.header("X-Anon-Session-Id"))
            let ids = try await server.ingest(["warranty-terms.txt"], headers: Auth.anonymous(anonymous))
            let remembered = try await server.http.json(
                "POST",
                "/api/v1/memory/personal",
                ["content": "My desk is in room B-12."],
                headers: Auth.anonymous(anonymous)
            )
            #expect(remembered.status == 201)

            let registered = try await server.http.json(
                "POST",
                "/api/v1/auth/register",
                ["email": "dana@northwind.example", "password": "correct horse 42"],
                headers: Auth.anonymous(anonymous)
            )
            #expect(registered.status == 201)
            let tokens = try registered.decode(TokenResponse.self)
            #expect(tokens.migration == Migration(from: anonymous, documents: 1, memories: 1, conversations: 0))
            #expect(
                registered.headers("Set-Cookie").contains { $0.hasPrefix("session_id=;") && $0.contains("Max-Age=0") }
            )

            let list = try await server.http.send("GET", "/api/v1/documents", headers: Auth.bearer(tokens))
            let page = try list.decode(Page<Document>.self)
            #expect(page.items.map(\.id) == [try #require(ids["warranty-terms.txt"])])

            // The anonymous id owns nothing afterwards: it is gone, and a new session opens.
            let after = try await server.http.send("GET", "/api/v1/documents", headers: Auth.anonymous(anonymous))
            #expect(after.header("X-Anon-Session-Id") != anonymous)
            #expect(try after.decode(Page<Document>.self).total == 0)
        }
    }

    @Test func loginMigratesWithTheFormFieldAndDropsDuplicates() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["glossary.txt"], headers: Auth.bearer(tokens))
            let opened = try await server.http.send("POST", "/api/v1/auth/anonymous")
            let anonymous = try #require(opened.header("X-Anon-Session-Id"))
            try await server.ingest(["glossary.txt", "faq.md"], headers: Auth.anonymous(anonymous))
            let login = try await server.http.send(
                "POST",
                "/api/v1/auth/login",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(
                    "username=dana%40northwind.example&password=correct+horse+42&anon_session_id=\(anonymous)".utf8
                )
            )
            #expect(login.status == 200)
            let migrated = try login.decode(TokenResponse.self)
            #expect(migrated.migration?.documents == 1)
            let list = try await server.http.send("GET", "/api/v1/documents", headers: Auth.bearer(migrated))
            #expect(try list.decode(Page<Document>.self).total == 2)
        }
    }

    @Test func lastAdminCannotBeDemotedAndPromotionAppliesToIssuedTokens() async throws {
        try await TestServer.with { server in
            let admin = try await server.register("dana@northwind.example")
            let user = try await server.register("lee@northwind.example")
            let demote = try await server.http.json(
                "PATCH",
                "/api/v1/admin/users/\(admin.user.id)",
                ["role": "user"],
                headers: Auth.bearer(admin)
            )
            #expect(demote.status == 409)
            #expect(demote.code == "last_admin")

            let before = try await server.http.send("GET", "/api/v1/admin/users", headers: Auth.bearer(user))
            #expect(before.status == 403)
            let promote = try await server.http.json(
                "PATCH",
                "/api/v1/admin/users/\(user.user.id)",
                ["role": "admin"],
                headers: Auth.bearer(admin)
            )
            #expect(promote.status == 200)
            #expect(try promote.decode(UserInfo.self).role == .admin)
            let after = try await server.http.send("GET", "/api/v1/admin/users", headers: Auth.bearer(user))
            #expect(after.status == 200)
            let users = try after.decode(Page<AdminUser>.self)
            #expect(users.total == 2)

            let badRole = try await server.http.json(
                "PATCH",
                "/api/v1/admin/users/\(user.user.id)",
                ["role": "anonymous"],
                headers: Auth.bearer(admin)
            )
            #expect(badRole.status == 422)
            let missing = try await server.http.json(
                "PATCH",
                "/api/v1/admin/users/usr_missing",
                ["role": "user"],
                headers: Auth.bearer(admin)
            )
            #expect(missing.code == "user_not_found")
        }
    }

    @Test func eleventhFailedLoginIsRateLimited() async throws {
        var options = TestServer.Options()
        options.rateLimits = .init(failedLogins: 10, loginWindowSeconds: 300, requestsPerMinute: 0)
        // A stopped clock: eleven bcrypt checks on a loaded machine must not outlast the window they are counted in.
        let start = Date()
        options.now = { start }
        try await TestServer.with(options) { server in
            _ = try await server.register("dana@northwind.example")
            for attempt in 1...10 {
                let response = try await server.login("dana@northwind.example", password: "wrong guess \(attempt)")
                #expect(response.status == 401)
            }
            let eleventh = try await server.login("dana@northwind.example", password: "wrong guess 11")
            #expect(eleventh.status == 429)
            #expect(eleventh.code == "rate_limited")
            let retryAfter = try #require(eleventh.header("Retry-After").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 300)
            #expect(eleventh.error?.error.details["retry_after_s"] == .number(Double(retryAfter)))
            // Another username from the same address is not affected.
            let other = try await server.login("lee@northwind.example", password: "wrong guess")
            #expect(other.status == 401)
        }
    }

    @Test func perCallerRequestLimitAnswers429() async throws {
        var options = TestServer.Options()
        options.rateLimits = .init(requestsPerMinute: 5)
        // A stopped clock: the bucket refills one request every 12 s, which a loaded machine could spend between
        // two of the six requests.
        let start = Date()
        options.now = { start }
        try await TestServer.with(options) { server in
            let opened = try await server.http.send("POST", "/api/v1/auth/anonymous")
            let id = try #require(opened.header("X-Anon-Session-Id"))
            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(
                    try await server.http.send("GET", "/api/v1/documents", headers: Auth.anonymous(id)).status
                )
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == 200 })
            #expect(statuses.last == 429)
        }
    }

    // MARK: - Helpers

    static func jsonSegment(_ segment: Substring) -> [String: Any]? {
        var base64 = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func multipartForm(_ fields: [String: String]) -> (Data, String) {
        let boundary = "form-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            )
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }
}
