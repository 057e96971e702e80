import ChatAPI
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@testable import ChatClient

/// RemoteBackend against a scripted loopback server: streaming, errors, sessions and token rotation.
///
/// Endpoint conformance against the real server belongs to the server's tests.
@Suite struct RemoteBackendTests {
    typealias Server = LoopbackHTTPServer

    static func backend(
        _ server: Server,
        store: CredentialStore? = nil,
        notices: NoticeLog? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> RemoteBackend {
        var onNotice: (@Sendable (String) -> Void)?
        if let notices { onNotice = { notices.record($0) } }
        return try RemoteBackend(
            server: server.origin,
            credentials: store,
            options: TransportOptions(environment: [:]),
            onNotice: onNotice,
            now: now
        )
    }

    static func tokens(access: String, refresh: String, expiresIn: Int = 900) -> String {
        """
        {"access_token":"\(access)","refresh_token":"\(refresh)","token_type":"bearer","expires_in":\(expiresIn),\
        "refresh_expires_in":604800,"role":"user","user":{"id":"usr_1","email":"dana@northwind.example",\
        "role":"user","created_at":"2026-03-14T09:30:05.120Z"},"migration":null}
        """
    }

    static let emptyPage = #"{"items":[],"total":0,"limit":50,"offset":0}"#

    static func errorBody(_ code: String, _ message: String, status: Int) -> String {
        """
        {"detail":"\(message)","error":{"code":"\(code)","message":"\(message)","status":\(status),\
        "request_id":"req_1","details":{}}}
        """
    }

    static let answer: [Server.Step] = [
        .send(Server.eventStreamHead()),
        .send(
            Server.event(
                "meta",
                #"{"type":"meta","api_version":"1","request_id":"req_9","conversation_id":"cnv_1","message_id":"msg_2","model":"extractive"}"#
            )
        ),
        .send(Data(": keep-alive\n\n".utf8)),
        .send(Server.event("sources", #"{"type":"sources","sources":[]}"#)),
        .send(Server.event("token", #"{"type":"token","chunk":"I could not find this "}"#)),
        .send(Server.event("hint", #"{"type":"hint","text":"from a newer server"}"#)),
        .send(Server.event("token", #"{"type":"token","chunk":"in the available documents."}"#)),
        .send(
            Server.event(
                "done",
                #"{"type":"done","finish_reason":"no_context","answer":"I could not find this in the available documents.","citations":[],"memory_added":null,"usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12},"timings_ms":{"retrieval":1,"first_token":2,"total":3},"conversation_id":"cnv_1","message_id":"msg_2"}"#
            )
        ),
    ]

    // MARK: - Streams

    @Test func askStreamsParsedEventsAndSkipsUnknownTypes() async throws {
        let server = try Server { _ in Self.answer }
        defer { server.stop() }
        let backend = try Self.backend(server)

        var types: [String] = []
        var text = ""
        for try await event in try await backend.ask(QueryRequest(query: "What is the maximum payload of the NR-X400?"))
        {
            types.append(event.type)
            if case .token(let chunk) = event { text += chunk }
        }

        #expect(types == ["meta", "sources", "token", "token", "done"])
        #expect(text == "I could not find this in the available documents.")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.target == "/api/v1/query/stream")
        #expect(request.headers["accept"] == "text/event-stream")
        #expect(request.bodyText == #"{"query":"What is the maximum payload of the NR-X400?"}"#)
    }

    @Test func queryFoldsTheStreamIntoTheJSONTwin() async throws {
        let server = try Server { _ in Self.answer }
        defer { server.stop() }
        let response = try await Self.backend(server).query(QueryRequest(query: "q"))
        #expect(response.finishReason == .noContext)
        #expect(response.requestId == "req_9")
        #expect(response.conversationId == "cnv_1")
    }

    @Test func validationErrorsAreThrownBeforeTheStream() async throws {
        let server = try Server { _ in
            [
                .send(
                    Server.json(
                        status: 422,
                        reason: "Unprocessable Entity",
                        Self.errorBody("validation_error", "query must not be empty", status: 422)
                    )
                )
            ]
        }
        defer { server.stop() }
        await #expect(
            throws: BackendError.api(
                ErrorBody.Detail(
                    code: .validationError,
                    message: "query must not be empty",
                    status: 422,
                    requestId: "req_1"
                )
            )
        ) {
            _ = try await Self.backend(server).ask(QueryRequest(query: ""))
        }
    }

    @Test func aStreamCutShortIsATransportError() async throws {
        let server = try Server { _ in Array(Self.answer.prefix(4)) }
        defer { server.stop() }
        let stream = try await Self.backend(server).ask(QueryRequest(query: "q"))
        var seen = 0
        await #expect(
            throws: BackendError.transport(
                "The answer stream from 127.0.0.1:\(server.port) ended before its done event. Ask again."
            )
        ) {
            for try await _ in stream { seen += 1 }
        }
        #expect(seen == 2)
    }

    @Test func aJSONAnswerWhereAStreamWasExpectedIsExplained() async throws {
        let server = try Server { _ in [.send(Server.json(#"{"answer":"x"}"#))] }
        defer { server.stop() }
        await #expect(
            throws: BackendError.transport(
                "127.0.0.1:\(server.port) answered POST /api/v1/compare/stream with application/json instead of an "
                    + "event stream. Is the address a chatshell server, and does any proxy in between pass streams "
                    + "through?"
            )
        ) {
            _ = try await Self.backend(server).compare(CompareRequest(documentIds: ["doc_A1", "doc_B2"]))
        }
        #expect(server.requests.first?.target == "/api/v1/compare/stream")
    }

    @Test func cancellingTheAnswerConsumerDisconnectsFromTheServer() async throws {
        // Given an answer that stops after meta and keeps the connection open
        let server = try Server { _ in Array(Self.answer.prefix(2)) + [.hang] }
        defer { server.stop() }
        let stream = try await Self.backend(server).ask(QueryRequest(query: "q"))
        let consumer = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }

        // When the consumer is cancelled, as Ctrl-C does
        consumer.cancel()
        _ = await consumer.result

        // Then the server sees the disconnect (it would hang forever otherwise)
        #expect(await server.waitForDisconnect())
    }

    // MARK: - Anonymous sessions

    @Test func adoptsPersistsAndSendsBackTheAnonymousSession() async throws {
        // Given a server that opens a session for a caller without one, and a fresh credentials file
        let server = try Server { request in
            let id = request.headers["x-anon-session-id"] ?? "anon_first"
            return [
                .send(
                    Server.json(
                        #"{"id":"\#(id)","email":null,"role":"anonymous","is_anonymous":true,"anon_session_id":"\#(id)","created_at":null}"#,
                        headers: [("X-Anon-Session-Id", id)]
                    )
                )
            ]
        }
        defer { server.stop() }
        let home = try RemoteScratchDirectory()
        let store = CredentialStore(path: home.path + "/chatshell/credentials")
        let backend = try Self.backend(server, store: store)

        // When the caller asks twice
        let first = try await backend.whoAmI()
        let second = try await backend.whoAmI()

        // Then the second request carried the adopted id, which is also stored for the next run
        #expect(first.id == "anon_first")
        #expect(second.isAnonymous)
        #expect(server.requests.map { $0.headers["x-anon-session-id"] } == [nil, "anon_first"])
        #expect(try store.credentials(for: server.origin).anonSessionId == "anon_first")
    }

    @Test func aReplacedAnonymousSessionIsAdoptedAndReported() async throws {
        let server = try Server { _ in
            [.send(Server.json(Self.emptyPage, headers: [("X-Anon-Session-Id", "anon_new")]))]
        }
        defer { server.stop() }
        let home = try RemoteScratchDirectory()
        let store = CredentialStore(path: home.path + "/credentials")
        try store.save(ServerCredentials(anonSessionId: "anon_expired"), for: server.origin)
        let notices = NoticeLog()
        let backend = try Self.backend(server, store: store, notices: notices)

        _ = try await backend.documents(scope: nil, limit: 50, offset: 0)
        _ = try await backend.documents(scope: nil, limit: 50, offset: 0)

        #expect(server.requests.map { $0.headers["x-anon-session-id"] } == ["anon_expired", "anon_new"])
        #expect(try store.credentials(for: server.origin).anonSessionId == "anon_new")
        #expect(
            notices.messages
                == [
                    "127.0.0.1:\(server.port) started a new anonymous session: the previous one had expired, "
                        + "with the documents and memories uploaded in it."
                ]
        )
    }

    // MARK: - Tokens

    @Test func loginSendsTheFormStoresTokensAndDropsTheAnonymousSession() async throws {
        let server = try Server { _ in [.send(Server.json(Self.tokens(access: "acc_1", refresh: "rt_1")))] }
        defer { server.stop() }
        let home = try RemoteScratchDirectory()
        let store = CredentialStore(path: home.path + "/credentials")
        try store.save(ServerCredentials(anonSessionId: "anon_7Qm2"), for: server.origin)
        let issued = Date(timeIntervalSince1970: 1_773_480_000)
        let backend = try Self.backend(server, store: store, now: { issued })

        let tokens = try await backend.login(email: "dana@northwind.example", password: "correct horse 42")

        #expect(tokens.user.email == "dana@northwind.example")
        let request = try #require(server.requests.first)
        #expect(request.target == "/api/v1/auth/login")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["authorization"] == nil)
        #expect(
            request.bodyText == "username=dana%40northwind.example&password=correct+horse+42&anon_session_id=anon_7Qm2"
        )
        let stored = try store.credentials(for: server.origin)
        #expect(stored.accessToken == "acc_1")
        #expect(stored.refreshToken == "rt_1")
        #expect(stored.accessExpiresAt == issued.addingTimeInterval(900))
        #expect(stored.email == "dana@northwind.example")
        #expect(stored.anonSessionId == nil)
    }

    @Test func anExpiredTokenIsRefreshedAndTheRequestRetriedOnce() async throws {
        // Given a server on which the stored access token has expired
        let server = try Server { request in
            switch (request.target, request.headers["authorization"]) {
            case ("/api/v1/auth/refresh", _):
                return [.send(Server.json(Self.tokens(access: "acc_2", refresh: "rt_2")))]
            case (_, "Bearer acc_2"):
                return [.send(Server.json(Self.emptyPage))]
            default:
                return [
                    .send(
                        Server.json(
                            status: 401,
                            reason: "Unauthorized",
                            Self.errorBody("token_expired", "Access token expired", status: 401),
                            headers: [("WWW-Authenticate", "Bearer")]
                        )
                    )
                ]
            }
        }
        defer { server.stop() }
        let home = try RemoteScratchDirectory()
        let store = CredentialStore(path: home.path + "/credentials")
        let far = Date().addingTimeInterval(600)
        try store.save(
            ServerCredentials(accessToken: "acc_1", refreshToken: "rt_1", accessExpiresAt: far),
            for: server.origin
        )

        // When a list is requested
        let page = try await Self.backend(server, store: store).documents(scope: "all", limit: 50, offset: 0)

        // Then the client refreshed with the stored refresh token and retried with the new access token
        #expect(page.total == 0)
        #expect(
            server.requests.map(\.target) == [
                "/api/v1/documents?scope=all&limit=50&offset=0", "/api/v1/auth/refresh",
                "/api/v1/documents?scope=all&limit=50&offset=0",
            ]
        )
        #expect(server.requests[1].bodyText == #"{"refresh_token":"rt_1"}"#)
        #expect(server.requests[1].headers["authorization"] == nil)
        #expect(try store.credentials(for: server.origin).refreshToken == "rt_2")
    }

    @Test func aTokenNearExpiryIsRefreshedOnceForConcurrentRequests() async throws {
        // Given an access token 30 s from expiry and a refresh that takes a moment
        let refreshes = Atomic<Int>(0)
        let server = try Server { request in
            if request.target == "/api/v1/auth/refresh" {
                refreshes.add(1, ordering: .relaxed)
                return [.pause(milliseconds: 150), .send(Server.json(Self.tokens(access: "acc_2", refresh: "rt_2")))]
            }
            return [.send(Server.json(Self.emptyPage))]
        }
        defer { server.stop() }
        let now = Date()
        let backend = try Self.backend(server, now: { now })
        try backend.updateCredentials {
            $0 = ServerCredentials(
                accessToken: "acc_1",
                refreshToken: "rt_1",
                accessExpiresAt: now.addingTimeInterval(30)
            )
        }

        // When three requests start at once
        async let a = backend.memories(limit: 50, offset: 0)
        async let b = backend.conversations(limit: 50, offset: 0)
        async let c = backend.sharedMemories(limit: 50, offset: 0)
        _ = try await (a, b, c)

        // Then one refresh served them all, and all used the new token
        #expect(refreshes.load(ordering: .relaxed) == 1)
        let others = server.requests.filter { $0.target != "/api/v1/auth/refresh" }
        #expect(others.count == 3)
        #expect(others.allSatisfy { $0.headers["authorization"] == "Bearer acc_2" })
    }

    @Test func aReusedRefreshTokenEndsTheLogin() async throws {
        let server = try Server { _ in
            [
                .send(
                    Server.json(
                        status: 401,
                        reason: "Unauthorized",
                        Self.errorBody("refresh_token_reused", "Refresh token already used; log in again", status: 401)
                    )
                )
            ]
        }
        defer { server.stop() }
        let now = Date()
        let backend = try Self.backend(server, now: { now })
        try backend.updateCredentials {
            $0 = ServerCredentials(accessToken: "acc_1", refreshToken: "rt_1", accessExpiresAt: now, anonSessionId: nil)
        }

        await #expect(
            throws: BackendError.api(
                ErrorBody.Detail(
                    code: .refreshTokenReused,
                    message: "Your login on \(server.origin) has ended (Refresh token already used; log in again). "
                        + "Log in again with /login.",
                    status: 401,
                    requestId: "req_1"
                )
            )
        ) {
            _ = try await backend.whoAmI()
        }
        #expect(try backend.currentCredentials().isLoggedIn == false)
    }

    @Test func aRevokedTokenEndsTheLogin() async throws {
        let server = try Server { _ in
            [
                .send(
                    Server.json(
                        status: 401,
                        reason: "Unauthorized",
                        Self.errorBody("invalid_token", "Invalid token", status: 401)
                    )
                )
            ]
        }
        defer { server.stop() }
        let backend = try Self.backend(server)
        try backend.updateCredentials {
            $0 = ServerCredentials(
                accessToken: "acc_1",
                refreshToken: "rt_1",
                accessExpiresAt: Date().addingTimeInterval(600)
            )
        }

        await #expect(throws: BackendError.self) { _ = try await backend.document(id: "doc_A1") }

        #expect(server.requests.count == 1)
        #expect(try backend.currentCredentials().isLoggedIn == false)
    }

    @Test func logoutSendsTheRefreshTokenAndForgetsTheLogin() async throws {
        let server = try Server { _ in [.send(Server.json(#"{"logged_out":true}"#))] }
        defer { server.stop() }
        let now = Date()
        let backend = try Self.backend(server, now: { now })
        try backend.updateCredentials {
            $0 = ServerCredentials(
                accessToken: "acc_1",
                refreshToken: "rt_1",
                accessExpiresAt: now.addingTimeInterval(600)
            )
        }

        try await backend.logout()

        let request = try #require(server.requests.first)
        #expect(request.target == "/api/v1/auth/logout")
        #expect(request.headers["authorization"] == "Bearer acc_1")
        #expect(request.bodyText == #"{"refresh_token":"rt_1"}"#)
        #expect(try backend.currentCredentials() == ServerCredentials())
        await #expect(throws: BackendError.self) { try await backend.logout() }
    }

    @Test func adminCallsUseTheirRoutes() async throws {
        let server = try Server { request in
            switch request.method {
            case "PATCH":
                return [
                    .send(
                        Server.json(
                            #"{"id":"usr_2","email":"lee@northwind.example","role":"admin","created_at":"2026-03-14T09:30:05.120Z"}"#
                        )
                    )
                ]
            default:
                return [.send(Server.json(#"{"id":"x","deleted":true}"#))]
            }
        }
        defer { server.stop() }
        let backend = try Self.backend(server)

        let user = try await backend.setRole(userId: "usr_2", role: .admin)
        _ = try await backend.deleteDocument(id: "doc_W7", shared: true)
        _ = try await backend.deleteSharedMemory(id: "mem_9")
        _ = try await backend.forget(id: "mem_3")
        _ = try await backend.deleteConversation(id: "cnv_1")

        #expect(user.role == .admin)
        #expect(
            server.requests.map { "\($0.method) \($0.target)" } == [
                "PATCH /api/v1/admin/users/usr_2", "DELETE /api/v1/admin/documents/doc_W7",
                "DELETE /api/v1/admin/shared-memory/mem_9", "DELETE /api/v1/memory/personal/mem_3",
                "DELETE /api/v1/conversations/cnv_1",
            ]
        )
        #expect(server.requests[0].bodyText == #"{"role":"admin"}"#)
    }
}
