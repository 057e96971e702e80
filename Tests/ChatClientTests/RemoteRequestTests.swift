import ChatAPI
import Foundation
import Testing

@testable import ChatClient

@Suite struct RemoteRequestTests {
    static func backend(_ server: String = "http://127.0.0.1:8000") throws -> RemoteBackend {
        try RemoteBackend(server: server, options: TransportOptions(environment: [:]))
    }

    // MARK: - Origin

    @Test func normalisesTheServerAddress() throws {
        #expect(try Self.backend("127.0.0.1:8000").server == "http://127.0.0.1:8000")
        #expect(try Self.backend("HTTP://Docs.Example.COM/").server == "http://docs.example.com")
        #expect(
            try Self.backend("https://docs.example.com:8443/api/v1/").apiBase == "https://docs.example.com:8443/api/v1"
        )
        #expect(try Self.backend("https://example.com/chatshell").apiBase == "https://example.com/chatshell/api/v1")
        #expect(try Self.backend("http://[::1]:8000").target == "[::1]:8000")
        #expect(try Self.backend("https://docs.example.com").target == "docs.example.com:443")
        #expect(try Self.backend().kind == .remote(server: "http://127.0.0.1:8000"))
    }

    @Test func rejectsAnAddressThatIsNotAnHTTPOrigin() {
        #expect(
            throws: BackendError.local(
                "Invalid server address 'ftp://files'. Use a URL like http://127.0.0.1:8000.",
                details: ["server": "ftp://files"]
            )
        ) {
            _ = try Self.backend("ftp://files")
        }
        #expect(throws: BackendError.self) { _ = try Self.backend("http://h:8000/?x=1") }
        #expect(throws: BackendError.self) { _ = try Self.backend("") }
    }

    // MARK: - Identity headers

    @Test func loggedInRequestsCarryOnlyTheBearerToken() throws {
        let backend = try Self.backend()
        let credentials = ServerCredentials(accessToken: "eyJ.a.b", refreshToken: "rt_1", anonSessionId: "anon_x")
        let request = backend.makeRequest(.get("/documents?limit=50&offset=0"), credentials: credentials)
        #expect(request.method == "GET")
        #expect(request.url == "http://127.0.0.1:8000/api/v1/documents?limit=50&offset=0")
        #expect(
            request.headers == [
                HTTPHeader("Accept", "application/json"), HTTPHeader("Authorization", "Bearer eyJ.a.b"),
            ]
        )
        #expect(request.body == .none)
    }

    @Test func anonymousRequestsCarryTheSessionId() throws {
        let backend = try Self.backend()
        let request = backend.makeRequest(.get("/auth/me"), credentials: ServerCredentials(anonSessionId: "anon_7Qm2"))
        #expect(request.header("X-Anon-Session-Id") == "anon_7Qm2")
        #expect(request.header("Authorization") == nil)
        // A first request has no identity at all; the server then opens a session.
        #expect(
            backend.makeRequest(.get("/auth/me"), credentials: ServerCredentials()).header("X-Anon-Session-Id") == nil
        )
    }

    @Test func endpointsThatNeedNoIdentitySendNone() throws {
        let backend = try Self.backend()
        let credentials = ServerCredentials(accessToken: "t", anonSessionId: "anon_x")
        let request = backend.makeRequest(.get("/capabilities", authentication: .none), credentials: credentials)
        #expect(request.headers == [HTTPHeader("Accept", "application/json")])
    }

    @Test func streamsAskForEventStreamsAndSendJSON() throws {
        let backend = try Self.backend()
        let endpoint = try Endpoint.json(
            "POST",
            "/query/stream",
            QueryRequest(query: "What is the rated payload?", topK: 5),
            streaming: true
        )
        let request = backend.makeRequest(endpoint, credentials: ServerCredentials())
        #expect(request.url == "http://127.0.0.1:8000/api/v1/query/stream")
        #expect(request.streaming)
        #expect(request.header("Accept") == "text/event-stream")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.body == .bytes(Data(#"{"query":"What is the rated payload?","top_k":5}"#.utf8)))
    }

    // MARK: - Bodies

    @Test func loginIsAURLEncodedFormWithTheAnonymousSession() throws {
        let endpoint = RemoteBackend.loginEndpoint(
            email: "dana@northwind.example",
            password: "correct horse 42",
            credentials: ServerCredentials(anonSessionId: "anon_7Qm2")
        )
        #expect(endpoint.method == "POST")
        #expect(endpoint.path == "/auth/login")
        #expect(endpoint.contentType == "application/x-www-form-urlencoded")
        #expect(endpoint.authentication == .none)
        #expect(
            endpoint.body
                == .bytes(
                    Data("username=dana%40northwind.example&password=correct+horse+42&anon_session_id=anon_7Qm2".utf8)
                )
        )
    }

    @Test func formEncodingEscapesEverythingButUnreservedCharacters() {
        #expect(FormURLEncoding.escape("a+b&c=d é/~*-._") == "a%2Bb%26c%3Dd+%C3%A9%2F%7E*-._")
    }

    @Test func listPathsCarryPagingAndFilters() {
        #expect(
            Endpoint.page("/documents", limit: 50, offset: 0, [("scope", "shared")])
                == "/documents?scope=shared&limit=50&offset=0"
        )
        #expect(Endpoint.page("/documents", limit: 10, offset: 20, [("scope", nil)]) == "/documents?limit=10&offset=20")
    }

    @Test func idsAreEscapedAsOnePathSegment() {
        #expect(URLPath.segment("doc_A1") == "doc_A1")
        #expect(URLPath.segment("../x y?#") == "..%2Fx%20y%3F%23")
    }

    @Test func uploadIsMultipartWithTitleAndFile() throws {
        // Given a file
        let directory = try RemoteScratchDirectory()
        let file = directory.url.appendingPathComponent("notes.txt")
        try Data("Rated payload 8 kg\n".utf8).write(to: file)

        // When its upload request is built
        let endpoint = try RemoteBackend.uploadEndpoint(file: file, title: "Notes", shared: false, boundary: "XyZ")

        // Then it is exactly this multipart body
        #expect(endpoint.path == "/documents/upload")
        #expect(endpoint.contentType == "multipart/form-data; boundary=XyZ")
        guard case .multipart(let body) = endpoint.body else {
            Issue.record("upload body is not multipart")
            return
        }
        let expected = """
            --XyZ\r
            Content-Disposition: form-data; name="title"\r
            \r
            Notes\r
            --XyZ\r
            Content-Disposition: form-data; name="file"; filename="notes.txt"\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Rated payload 8 kg
            \r
            --XyZ--\r

            """
        #expect(String(decoding: try body.materialized(), as: UTF8.self) == expected)
        #expect(body.length == Int64(expected.utf8.count))
    }

    @Test func sharedUploadGoesToTheAdminRoute() throws {
        let directory = try RemoteScratchDirectory()
        let file = directory.url.appendingPathComponent("warranty-terms.txt")
        try Data("x".utf8).write(to: file)
        let endpoint = try RemoteBackend.uploadEndpoint(file: file, title: nil, shared: true)
        #expect(endpoint.path == "/admin/documents/upload")
        guard case .multipart(let body) = endpoint.body else {
            Issue.record("upload body is not multipart")
            return
        }
        #expect(!String(decoding: try body.materialized(), as: UTF8.self).contains("name=\"title\""))
    }

    @Test func nonASCIIFilenamesAlsoTravelAsFilenameStar() {
        #expect(MultipartBody.dispositionFilename("spec.pdf") == #"filename="spec.pdf""#)
        #expect(
            MultipartBody.dispositionFilename("Größe 🤖.pdf")
                == #"filename="Größe 🤖.pdf"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%F0%9F%A4%96.pdf"#
        )
        #expect(
            MultipartBody.dispositionFilename("a\"b.txt") == #"filename="a%22b.txt"; filename*=UTF-8''a%22b.txt"#
        )
    }

    @Test func missingUploadFileIsALocalError() {
        #expect(
            throws: BackendError.local(
                "Cannot read 'nope.pdf': no such file.",
                details: ["path": "/nonexistent/nope.pdf"]
            )
        ) {
            _ = try RemoteBackend.uploadEndpoint(
                file: URL(fileURLWithPath: "/nonexistent/nope.pdf"),
                title: nil,
                shared: false
            )
        }
    }

    // MARK: - Error bodies

    static let head404 = HTTPResponseHead(
        status: 404,
        reason: "Not Found",
        headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Request-Id", "req_9Vd2")]
    )

    @Test func errorBodiesBecomeAPIErrors() throws {
        let body = """
            {"detail":"Document not found","error":{"code":"document_not_found","message":"Document not found",
             "status":404,"request_id":"req_9Vd2","details":{"document_id":"doc_A1"}}}
            """
        let error = try Self.backend().apiError(
            Self.head404,
            body: Data(body.utf8),
            endpoint: .get("/documents/doc_A1")
        )
        #expect(
            error
                == .api(
                    ErrorBody.Detail(
                        code: .documentNotFound,
                        message: "Document not found",
                        status: 404,
                        requestId: "req_9Vd2",
                        details: ["document_id": "doc_A1"]
                    )
                )
        )
    }

    @Test func nonJSONErrorBodiesSayWhatCameBack() throws {
        let head = HTTPResponseHead(
            status: 502,
            reason: "Bad Gateway",
            headers: [HTTPHeader("Content-Type", "text/html")]
        )
        let body = Data("<html>\n<body>502 Bad Gateway</body>\n</html>".utf8)
        let error = try Self.backend().apiError(head, body: body, endpoint: .get("/documents?limit=50&offset=0"))
        #expect(
            error.errorDescription
                == "127.0.0.1:8000 answered GET /api/v1/documents with HTTP 502 Bad Gateway and a body that is not a "
                + "chatshell error (text/html: \"<html> <body>502 Bad Gateway</body> </html>\"). Is the address a "
                + "chatshell server, and is any proxy in between working?"
        )
        #expect(error.code == .serviceUnavailable)
    }

    @Test func detailOnlyBodiesKeepTheirMessage() throws {
        let head = HTTPResponseHead(status: 401, reason: "Unauthorized", headers: [])
        let error = try Self.backend().apiError(
            head,
            body: Data(#"{"detail":"Not authenticated"}"#.utf8),
            endpoint: .get("/x")
        )
        #expect(error == .api(ErrorBody.Detail(code: .authRequired, message: "Not authenticated", status: 401)))
    }
}
