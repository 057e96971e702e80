import ChatAPI
import Engine
import Foundation
import Server
import Testing

/// Health, capabilities, request ids, the error shape and the headers every response carries
/// (http-api.md section 11, items 1-4 and 43).
@Suite struct MetaEndpointTests {
    @Test func healthAnswersAtBothPathsWithoutOpeningASession() async throws {
        try await TestServer.with { server in
            for path in ["/api/v1/health", "/health"] {
                let response = try await server.http.send("GET", path)
                #expect(response.status == 200)
                #expect(response.json?["status"] as? String == "ok")
                #expect(response.json?["api_version"] as? String == "1")
                #expect(response.header("X-Anon-Session-Id") == nil)
                #expect(response.headers("Set-Cookie").isEmpty)
            }
        }
    }

    @Test func requestIdIsEchoedWhenValidAndGeneratedOtherwise() async throws {
        try await TestServer.with { server in
            let echoed = try await server.http.send(
                "GET",
                "/api/v1/health",
                headers: [("X-Request-Id", "trace-42:a.b_c")]
            )
            #expect(echoed.header("X-Request-Id") == "trace-42:a.b_c")

            let replaced = try await server.http.send("GET", "/api/v1/health", headers: [("X-Request-Id", "bad id!")])
            #expect(replaced.header("X-Request-Id")?.hasPrefix("req_") == true)

            let generated = try await server.http.send("GET", "/api/v1/capabilities")
            #expect(generated.header("X-Request-Id")?.hasPrefix("req_") == true)

            let error = try await server.http.send("GET", "/api/v1/nope", headers: [("X-Request-Id", "err-1")])
            #expect(error.header("X-Request-Id") == "err-1")
            #expect(error.error?.error.requestId == "err-1")
        }
    }

    @Test func unknownPathGivesNotFoundInTheErrorShape() async throws {
        try await TestServer.with { server in
            let response = try await server.http.send("GET", "/api/v1/no/such/route")
            #expect(response.status == 404)
            let object = try #require(response.json)
            let error = try #require(object["error"] as? [String: Any])
            #expect(object["detail"] as? String == error["message"] as? String)
            #expect(error["code"] as? String == "not_found")
            #expect(error["status"] as? Int == 404)
            #expect(error["request_id"] as? String == response.header("X-Request-Id"))
            #expect(error["details"] is [String: Any])
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
        }
    }

    @Test func unknownMethodOnAKnownPathGivesMethodNotAllowedWithAllow() async throws {
        try await TestServer.with { server in
            let response = try await server.http.send("DELETE", "/api/v1/capabilities")
            #expect(response.status == 405)
            #expect(response.code == "method_not_allowed")
            #expect(response.header("Allow") == "GET")

            let documents = try await server.http.send("PUT", "/api/v1/documents/doc_x")
            #expect(documents.status == 405)
            #expect(documents.header("Allow") == "DELETE, GET")

            let upload = try await server.http.send("GET", "/api/v1/documents/upload")
            #expect(upload.status == 405)
            #expect(upload.header("Allow") == "POST")
        }
    }

    @Test func capabilitiesReportTheContractDefaults() async throws {
        try await TestServer.with { server in
            let response = try await server.http.send("GET", "/api/v1/capabilities")
            #expect(response.status == 200)
            let capabilities = try response.decode(Capabilities.self)
            #expect(capabilities.limits.maxUploadBytes == 52_428_800)
            #expect(capabilities.upload.types.count == 5)
            #expect(capabilities.stream.events == ["meta", "status", "sources", "token", "citation", "done", "error"])
            #expect(capabilities.stream.heartbeatS == 15)
            #expect(response.header("X-Anon-Session-Id") == nil)
        }
    }

    @Test func everyResponseIsNosniffAndNoneAllowsCrossOrigin() async throws {
        #expect(ServerConfiguration(accounts: .init(secret: .random())).host == "127.0.0.1")
        #expect(ServerConfiguration(accounts: .init(secret: .random())).port == 8000)
        try await TestServer.with { server in
            let origin = [("Origin", "https://evil.example")]
            let responses = [
                try await server.http.send("GET", "/api/v1/health", headers: origin),
                try await server.http.send(
                    "OPTIONS",
                    "/api/v1/documents",
                    headers: origin + [("Access-Control-Request-Method", "GET")]
                ),
                try await server.http.send("GET", "/api/v1/documents", headers: origin),
                try await server.http.send("GET", "/api/v1/missing", headers: origin),
            ]
            for response in responses {
                #expect(response.header("X-Content-Type-Options") == "nosniff")
                #expect(response.header("Access-Control-Allow-Origin") == nil)
                #expect(response.header("X-Request-Id") != nil)
            }
        }
    }

    @Test func badInputNeverGivesInternalErrors() async throws {
        try await TestServer.with { server in
            let json = [("Content-Type", "application/json")]
            let cases: [(String, String, [(String, String)], Data?, Int, String)] = [
                ("POST", "/api/v1/query", json, Data("{not json".utf8), 400, "invalid_request"),
                ("POST", "/api/v1/query", json, Data("[1,2]".utf8), 400, "invalid_request"),
                ("POST", "/api/v1/query", json, Data(#"{"query": 5}"#.utf8), 400, "invalid_request"),
                ("POST", "/api/v1/query", json, Data(#"{"top_k": 3}"#.utf8), 422, "validation_error"),
                (
                    "POST", "/api/v1/query", [("Content-Type", "text/plain")], Data("hello".utf8), 415,
                    "unsupported_content_type"
                ),
                ("POST", "/api/v1/query", json, Data(#"{"query":"x","top_k":99}"#.utf8), 422, "validation_error"),
                ("GET", "/api/v1/documents?limit=abc", [], nil, 400, "invalid_request"),
                ("GET", "/api/v1/documents?limit=0", [], nil, 422, "validation_error"),
                ("GET", "/api/v1/documents?scope=everything", [], nil, 422, "validation_error"),
                ("GET", "/api/v1/documents?x=%zz", [], nil, 400, "invalid_request"),
                ("POST", "/api/v1/memory/personal", json, Data(#"{"content": ""}"#.utf8), 422, "validation_error"),
                ("POST", "/api/v1/auth/refresh", json, Data("{}".utf8), 422, "validation_error"),
                ("POST", "/api/v1/auth/register", json, Data(#"{"email": "a@b"}"#.utf8), 422, "validation_error"),
                ("POST", "/api/v1/compare", json, Data(#"{"document_ids": ["a"]}"#.utf8), 422, "validation_error"),
            ]
            for (method, path, headers, body, status, code) in cases {
                let response = try await server.http.send(method, path, headers: headers, body: body)
                #expect(
                    response.status == status,
                    "\(method) \(path) \(body.map { String(decoding: $0, as: UTF8.self) } ?? "")"
                )
                #expect(response.code == code, "\(method) \(path): \(response.text)")
            }
            let tooBig =
                Data(#"{"query":""#.utf8) + Data(repeating: UInt8(ascii: "a"), count: 1_100_000) + Data(#""}"#.utf8)
            let large = try await server.http.send("POST", "/api/v1/query", headers: json, body: tooBig)
            #expect(large.status == 413)
            #expect(large.code == "payload_too_large")
        }
    }

    @Test func logsCarryRequestIdsButNeverSecretsOrQuestions() async throws {
        let logs = LogCapture()
        var options = TestServer.Options()
        options.logs = logs
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example", password: "very secret words 77")
            let question = "What does the unusual phrase zebra-kettle-9431 mean?"
            let answer = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": question],
                headers: Auth.bearer(tokens) + [("X-Request-Id", "logged-1")]
            )
            #expect(answer.status == 200)
            let anonymous = try #require(
                try await server.http.send("GET", "/api/v1/documents").header("X-Anon-Session-Id")
            )
            _ = try await server.login("dana@northwind.example", password: "very secret words 77")
            let text = logs.all.joined(separator: "\n")
            #expect(text.contains("request_id=logged-1"))
            #expect(text.contains("POST /api/v1/query 200"))
            for secret in ["zebra-kettle", "very secret words", tokens.accessToken, tokens.refreshToken, anonymous] {
                #expect(!text.contains(secret), "a log line holds \(secret.prefix(12))…")
            }
        }
    }
}
