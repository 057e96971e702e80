import ChatAPI
import Engine
import Foundation
import Server
import Testing

/// Requests a broken or hostile client sends, over a raw socket against a live server (issue 15, item 5).
@Suite struct HTTPEdgeCaseTests {
    /// The contract's error body whose request id matches the header.
    private func expectErrorBody(_ response: RawResponse, status: Int, code: String) throws {
        #expect(response.status == status, "\(response.status) \(response.text)")
        let body = try #require(response.error, "no JSON error body: \(response.text)")
        #expect(body.error.code.rawValue == code)
        #expect(body.error.status == status)
        #expect(body.detail == body.error.message)
        let requestId = try #require(response.header("X-Request-Id"))
        #expect(body.error.requestId == requestId)
        #expect(response.header("X-Content-Type-Options") == "nosniff")
    }

    @Test func aMalformedRequestLineGetsTheJSONErrorBodyAndARequestId() async throws {
        try await TestServer.with { server in
            let (response, _) = try await server.http.exchange(raw: Data("GARBAGE\r\n\r\n".utf8))
            let answer = try #require(response, "the server closed without answering")
            try expectErrorBody(answer, status: 400, code: "invalid_request")
            #expect(answer.error?.error.message.contains("request line") == true)
            #expect(answer.header("Connection")?.lowercased() == "close")
        }
    }

    @Test func aMalformedHeaderGetsTheJSONErrorBody() async throws {
        try await TestServer.with { server in
            let request = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n"
            let (response, _) = try await server.http.exchange(raw: Data(request.utf8))
            let answer = try #require(response, "the server closed without answering")
            try expectErrorBody(answer, status: 400, code: "invalid_request")
            #expect(answer.error?.error.message.contains("header") == true)
        }
    }

    @Test func aMalformedChunkedBodyGets400NotInternalError() async throws {
        try await TestServer.with { server in
            // Keep-alive on purpose: the server must close the connection itself after the answer.
            let request =
                "POST /api/v1/memory/personal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"content\":\"x\"}\r\n0\r\n\r\n"
            let (response, _) = try await server.http.exchange(raw: Data(request.utf8))
            let answer = try #require(response, "the server closed without answering")
            try expectErrorBody(answer, status: 400, code: "invalid_request")
            #expect(answer.error?.error.message.contains("chunked") == true)
            #expect(answer.header("Connection")?.lowercased() == "close")
            // Exactly one response: no second, framework-made 400 after the JSON one.
            #expect(answer.text.components(separatedBy: "HTTP/1.1").count == 1)
        }
    }

    @Test func aMalformedChunkedUploadGets400() async throws {
        try await TestServer.with { server in
            let (body, contentType) = TestServer.multipart(filename: "notes.txt", data: Data("Some notes.".utf8))
            var request = Data(
                ("POST /api/v1/documents/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").utf8
            )
            // The first half of the multipart body as a good chunk, then a chunk size that is not hexadecimal.
            let half = body.prefix(body.count / 2)
            request.append(Data("\(String(half.count, radix: 16))\r\n".utf8))
            request.append(half)
            request.append(Data("\r\nnot-a-size\r\n".utf8))
            let (response, _) = try await server.http.exchange(raw: request)
            let answer = try #require(response, "the server closed without answering")
            try expectErrorBody(answer, status: 400, code: "invalid_request")
        }
    }

    @Test func theRequestHeadTimeoutIsThirtySecondsByDefault() throws {
        let configuration = ServerConfiguration(
            accounts: AccountsConfiguration(
                secret: try SigningSecret(bytes: Array("test-secret-test-secret-test-secret-0123456789".utf8))
            )
        )
        #expect(configuration.requestHeadTimeoutSeconds == 30)
        #expect(configuration.idleTimeoutSeconds == 60)
    }

    @Test func anUnfinishedRequestHeadIsClosedAtTheHeadTimeout() async throws {
        var options = TestServer.Options()
        options.requestHeadTimeoutSeconds = 1
        try await TestServer.with(options) { server in
            let (response, elapsed) = try await server.http.exchange(
                raw: Data("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
            )
            #expect(response?.status == nil, "answered instead of closing: \(response?.text ?? "")")
            // Not before the head timeout (a lower bound, which load can only lengthen); the client socket's own
            // read timeout would throw instead of returning.
            #expect(elapsed >= .milliseconds(900))
        }
    }

    @Test func aBodyTrickledByteByByteEndsWith408AndAClosedConnection() async throws {
        var options = TestServer.Options()
        options.bodyGraceSeconds = 1
        options.minimumBodyBytesPerSecond = 200
        try await TestServer.with(options) { server in
            let body = Data(repeating: UInt8(ascii: " "), count: 10_000)
            let head = Data(
                ("POST /api/v1/memory/personal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.count)\r\n\r\n").utf8
            )
            let (response, sent) = try await server.http.trickle(head: head, body: body, interval: .milliseconds(50))
            let answer = try #require(response, "the server closed without answering")
            try expectErrorBody(answer, status: 408, code: "request_timeout")
            #expect(answer.error?.error.message.contains("200 bytes/s") == true)
            #expect(answer.header("Connection")?.lowercased() == "close")
            #expect(sent < body.count)
        }
    }

    @Test func aSlowButSteadyBodyIsStillAccepted() async throws {
        var options = TestServer.Options()
        options.bodyGraceSeconds = 1
        options.minimumBodyBytesPerSecond = 200
        try await TestServer.with(options) { server in
            // About 10,000 bytes/s for 2 s: fifty times the minimum rate (a loaded machine that stretches the
            // pauses cannot bring it near), past the grace period.
            let json = "{\"content\":\"My desk is in building C.\"}"
            let body = Data((json + String(repeating: " ", count: 20_000 - json.utf8.count)).utf8)
            let head = Data(
                ("POST /api/v1/memory/personal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: \(body.count)\r\n\r\n").utf8
            )
            let (response, sent) = try await server.http.trickle(
                head: head,
                body: body,
                bytesPerStep: 500,
                interval: .milliseconds(50)
            )
            let answer = try #require(response)
            #expect(answer.status == 201, "\(answer.text)")
            #expect(sent == body.count)
        }
    }

    @Test func aFilenameWithNULIsRefusedNotCutShort() async throws {
        try await TestServer.with { server in
            let first = try await server.upload(
                filename: "report\u{0}.exe.txt",
                data: Data("Plain text.".utf8),
                headers: []
            )
            try expectErrorBody(first, status: 422, code: "validation_error")
            #expect(first.text.contains("NUL byte"))
            let session = try #require(first.header("X-Anon-Session-Id"))
            // RFC 5987 `filename*` with %00 is the same name.
            let extended = try await server.upload(
                filename: "report\u{0}.exe.txt",
                data: Data("Plain text.".utf8),
                headers: Auth.anonymous(session),
                extendedFilename: true
            )
            try expectErrorBody(extended, status: 422, code: "validation_error")
            let list = try await server.http.send("GET", "/api/v1/documents", headers: Auth.anonymous(session))
            #expect(list.json?["total"] as? Int == 0)
        }
    }

    @Test func anOverlongTitleGetsTheTitleLimitNotTheBodyLimit() async throws {
        try await TestServer.with { server in
            let limit = UploadValidator.maxTitleCharacters
            let huge = try await server.upload(
                filename: "notes.txt",
                data: Data("Some notes.".utf8),
                headers: [],
                title: String(repeating: "t", count: 100_000)
            )
            try expectErrorBody(huge, status: 422, code: "validation_error")
            #expect(huge.text.contains("title"))
            #expect(huge.text.contains("\(limit) characters"))
            #expect(!huge.text.contains("53477376"))
            let session = try #require(huge.header("X-Anon-Session-Id"))
            let justOver = try await server.upload(
                filename: "notes.txt",
                data: Data("Some notes.".utf8),
                headers: Auth.anonymous(session),
                title: String(repeating: "é", count: limit + 1)
            )
            try expectErrorBody(justOver, status: 422, code: "validation_error")
            #expect(justOver.text.contains("has \(limit + 1) characters"))
            let atLimit = try await server.upload(
                filename: "notes.txt",
                data: Data("Some notes.".utf8),
                headers: Auth.anonymous(session),
                title: String(repeating: "é", count: limit)
            )
            #expect(atLimit.status == 202, "\(atLimit.text)")
        }
    }
}
