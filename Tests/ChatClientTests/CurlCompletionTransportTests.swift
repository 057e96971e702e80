import ChatAPI
import ChatTestSupport
import Engine
import Foundation
import Testing

@testable import ChatClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct CurlCompletionTransportTests {
    static func request(_ server: FakeOpenAIServer, method: String = "POST", key: String? = nil) -> CompletionRequest {
        CompletionRequest(
            method: method,
            url: server.baseURL.appendingPathComponent(method == "GET" ? "models" : "chat/completions"),
            body: method == "GET" ? nil : Data(#"{"stream":true}"#.utf8),
            apiKey: key,
            connectTimeout: .seconds(60),
            idleTimeout: .seconds(120)
        )
    }

    @Test func eventsYieldEachDataPayloadEvenWhenFramesArriveSplit() async throws {
        // Given a server that splits a frame mid-line, with a pause, and sends a keep-alive comment
        let server = try FakeOpenAIServer { _ in
            [
                .send(FakeOpenAIServer.streamHead), .send(Data(": keep-alive\n\n".utf8)),
                .send(Data(#"data: {"choices":[{"delta":{"con"#.utf8)), .pause(.milliseconds(100)),
                .send(Data("tent\":\"Grüße\"}}]}\r\n\r\n".utf8)), .send(FakeOpenAIServer.doneFrame),
            ]
        }

        // When the stream is read
        var payloads: [String] = []
        for try await payload in try await CurlCompletionTransport(environment: [:])
            .events(for: Self.request(server, key: "sk-1"))
        {
            payloads.append(payload)
        }

        // Then each data payload arrives whole, comments dropped, and the request carried the key as a bearer token
        #expect(payloads == [#"{"choices":[{"delta":{"content":"Grüße"}}]}"#, "[DONE]"])
        let received = try #require(server.completionRequests.first)
        #expect(received.headers["authorization"] == "Bearer sk-1")
        #expect(received.headers["accept"] == "text/event-stream")
        #expect(received.bodyText == #"{"stream":true}"#)
    }

    @Test func errorStatusThrowsWithTheBody() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.error(status: 503, reason: "Service Unavailable", message: "loading model")
        }
        await #expect(
            throws: CompletionTransportError.httpStatus(
                503,
                body: #"{"error":{"message":"loading model","type":"server_error"}}"#
            )
        ) {
            _ = try await CurlCompletionTransport(environment: [:]).events(for: Self.request(server))
        }
    }

    @Test func fetchReadsTheModelList() async throws {
        let server = try FakeOpenAIServer(models: ["m1"]) { _ in [] }
        let data = try await CurlCompletionTransport(environment: [:]).fetch(Self.request(server, method: "GET"))
        #expect(String(decoding: data, as: UTF8.self).contains(#""id":"m1""#))
        #expect(server.requests.first?.headers["authorization"] == nil)
    }

    @Test func refusedConnectionIsUnreachableWithoutChatshellServerHints() async throws {
        let port = try FakeOpenAIServer.closedPort()
        let request = CompletionRequest(
            method: "POST",
            url: try #require(URL(string: "http://127.0.0.1:\(port)/v1/chat/completions"))
        )
        await #expect(
            throws: CompletionTransportError.unreachable("Cannot connect to 127.0.0.1:\(port): connection refused.")
        ) {
            _ = try await CurlCompletionTransport(environment: [:]).events(for: request)
        }
    }

    @Test func libcurlTimeoutsAreRecognisedByTheirExactMessages() throws {
        let request = CompletionRequest(
            method: "POST",
            url: try #require(URL(string: "http://10.1.2.3:11434/v1/chat/completions")),
            connectTimeout: .seconds(7),
            idleTimeout: .seconds(90)
        )
        // 28 and 56 are libcurl's CURLE_OPERATION_TIMEDOUT and CURLE_RECV_ERROR.
        let classifier = FailureClassifier(request: request, environment: [:], caFile: nil)
        let connect = TransportFailure(
            code: 28,
            url: request.url,
            connected: false,
            connectTimeout: .seconds(7),
            idleTimeout: .seconds(90)
        )
        var idle = connect
        idle.connected = true
        #expect(
            classifier.classify(connect.error, responseStarted: false) as? CompletionTransportError == .connectTimedOut
        )
        #expect(classifier.classify(idle.error, responseStarted: true) as? CompletionTransportError == .idleTimedOut)
        let broken = TransportFailure(code: 56, url: request.url, responseStarted: true)
        #expect(
            classifier.classify(broken.error, responseStarted: true) as? CompletionTransportError
                == .broken("The connection to 10.1.2.3:11434 broke in the middle of the response. Try again.")
        )
    }

    // MARK: - API key in the credentials file

    @Test func apiKeyComesFromTheCredentialsFileTopLevel() throws {
        let home = try RemoteScratchDirectory()
        let path = home.path + "/credentials"
        try Data(#"{"llm_api_key":" sk-file ","servers":{}}"#.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        #expect(try CredentialStore(path: path).languageModelAPIKey() == "sk-file")
        #expect(try CredentialStore(path: home.path + "/missing").languageModelAPIKey() == nil)
    }

    @Test func apiKeyInALooseFileIsRefused() throws {
        let home = try RemoteScratchDirectory()
        let path = home.path + "/credentials"
        try Data(#"{"llm_api_key":"sk-file"}"#.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect(throws: BackendError.self) { _ = try CredentialStore(path: path).languageModelAPIKey() }
    }
}
