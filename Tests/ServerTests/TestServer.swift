import ChatAPI
import Engine
import Foundation
import Hummingbird
import Logging
import Server
import Synchronization

/// A live server on 127.0.0.1 and an ephemeral port, with its own temporary data directory, for black-box tests.
///
/// ```swift
/// try await TestServer.with { server in
///     let response = try await server.http.send("GET", "/api/v1/health")
/// }
/// ```
struct TestServer: Sendable {
    /// Knobs tests turn; the defaults are the contract's, with fast bcrypt.
    struct Options: Sendable {
        var maxUploadBytes = 52_428_800
        var rateLimits = ServerConfiguration.RateLimits(requestsPerMinute: 0, anonymousUploadsPerHour: 0)
        var accessTokenLifetime = 900
        /// The engine's clock (token expiry, timestamps).
        var now: @Sendable () -> Date = { Date() }
        var heartbeatSeconds = 15.0
        var generationTimeoutSeconds = 120.0
        var answerer: (any Answerer)?
        var dataDirectory: URL?
        var requestHeadTimeoutSeconds = 30.0
        var bodyGraceSeconds = 60.0
        var minimumBodyBytesPerSecond = 1024
        /// Receives the server's logs instead of the quiet default.
        var logs: LogCapture?
        /// Per-document processing limits and the pause after extraction starts (the engine's defaults otherwise).
        var processingTimeLimit = ExtractionLimits.processingTimeLimit
        var extractedTextLimit = ExtractionLimits.maxExtractedTextBytes
        var ingestionPause: Duration?
    }

    let port: Int
    let http: RawHTTPClient
    let knowledgeBase: KnowledgeBase
    let configuration: ServerConfiguration
    let dataDirectory: URL

    var origin: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` against a fresh server, then stops it and removes its data (unless the directory was given).
    static func with<T: Sendable>(
        _ options: Options = Options(),
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let directory =
            options.dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("chatshell-server-\(UUID().uuidString)")
        defer { if options.dataDirectory == nil { try? FileManager.default.removeItem(at: directory) } }
        let knowledgeBase = try KnowledgeBase(
            configuration: EngineConfiguration(
                dataDirectory: directory,
                maxUploadBytes: options.maxUploadBytes,
                now: options.now,
                answerer: options.answerer,
                ingestionPause: options.ingestionPause,
                processingTimeLimit: options.processingTimeLimit,
                extractedTextLimit: options.extractedTextLimit
            )
        )
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = options.logs?.logger(label: "chatshell.server.test") ?? Logger(label: "chatshell.server.test")
        if options.logs == nil {
            logger.logLevel =
                ProcessInfo.processInfo.environment["CHATSHELL_TEST_SERVER_LOGS"] == "1" ? .debug : .critical
        }
        let configuration = ServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            accounts: AccountsConfiguration(
                secret: try SigningSecret(bytes: Array("test-secret-test-secret-test-secret-0123456789".utf8)),
                bcryptCost: 10,
                accessTokenLifetime: options.accessTokenLifetime
            ),
            rateLimits: options.rateLimits,
            heartbeatSeconds: options.heartbeatSeconds,
            generationTimeoutSeconds: options.generationTimeoutSeconds,
            requestHeadTimeoutSeconds: options.requestHeadTimeoutSeconds,
            bodyGraceSeconds: options.bodyGraceSeconds,
            minimumBodyBytesPerSecond: options.minimumBodyBytesPerSecond,
            logger: logger,
            onListening: { _, port in
                portContinuation.yield(port)
                portContinuation.finish()
            }
        )
        let app = buildApplication(configuration: configuration, knowledgeBase: knowledgeBase)
        let running = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            running.cancel()
            throw POSIXError(.EADDRNOTAVAIL)
        }
        let server = TestServer(
            port: port,
            http: RawHTTPClient(port: port),
            knowledgeBase: knowledgeBase,
            configuration: configuration,
            dataDirectory: directory
        )
        do {
            let result = try await body(server)
            running.cancel()
            _ = await running.result
            return result
        } catch {
            running.cancel()
            _ = await running.result
            throw error
        }
    }

    // MARK: - Accounts

    /// Registers an account and returns its tokens.
    func register(
        _ email: String,
        password: String = "correct horse 42",
        anonymous: String? = nil
    ) async throws
        -> TokenResponse
    {
        var headers: [(String, String)] = []
        if let anonymous { headers.append(("X-Anon-Session-Id", anonymous)) }
        let response = try await http.json(
            "POST",
            "/api/v1/auth/register",
            ["email": email, "password": password],
            headers: headers
        )
        guard response.status == 201 else {
            throw TestFailure("register \(email): \(response.status) \(response.text)")
        }
        return try response.decode(TokenResponse.self)
    }

    /// Logs in with the form.
    func login(_ email: String, password: String = "correct horse 42") async throws -> RawResponse {
        try await http.send(
            "POST",
            "/api/v1/auth/login",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("username=\(Self.formEscape(email))&password=\(Self.formEscape(password))".utf8)
        )
    }

    static func formEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)?.replacingOccurrences(of: "%20", with: "+")
            ?? text
    }

    // MARK: - Documents

    /// Uploads bytes as a multipart file part.
    func upload(
        filename: String,
        data: Data,
        headers: [(String, String)],
        title: String? = nil,
        path: String = "/api/v1/documents/upload",
        extendedFilename: Bool = false
    ) async throws -> RawResponse {
        let (body, contentType) = Self.multipart(
            filename: filename,
            data: data,
            title: title,
            extended: extendedFilename
        )
        return try await http.send("POST", path, headers: headers + [("Content-Type", contentType)], body: body)
    }

    static func multipart(filename: String?, data: Data, title: String? = nil, extended: Bool = false) -> (Data, String)
    {
        let boundary = "test-boundary-\(UUID().uuidString)"
        var body = Data()
        if let title {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\(title)\r\n".utf8)
            )
        }
        var disposition = "form-data; name=\"file\""
        if let filename {
            disposition += "; filename=\"\(filename)\""
            if extended {
                let escaped = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filename
                disposition += "; filename*=UTF-8''\(escaped)"
            }
        }
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: \(disposition)\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8
            )
        )
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// Polls a document's status until it finishes; returns every progress value seen.
    func waitForDocument(
        _ id: String,
        headers: [(String, String)]
    ) async throws -> (status: DocumentStatus, progress: [Int]) {
        var seen: [Int] = []
        for _ in 0..<6_000 {
            let response = try await http.send("GET", "/api/v1/documents/\(id)/status", headers: headers)
            guard response.status == 200 else { throw TestFailure("status \(id): \(response.status) \(response.text)") }
            let status = try response.decode(DocumentStatus.self)
            seen.append(status.progress)
            if status.isFinished { return (status, seen) }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("document \(id) did not finish processing")
    }

    /// Uploads corpus files and waits until every one is processed; returns filename → document id.
    @discardableResult
    func ingest(
        _ filenames: [String],
        headers: [(String, String)],
        shared: Bool = false
    ) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for name in filenames {
            let data = try Data(contentsOf: Corpus.docs.appendingPathComponent(name))
            let response = try await upload(
                filename: name,
                data: data,
                headers: headers,
                path: shared ? "/api/v1/admin/documents/upload" : "/api/v1/documents/upload"
            )
            guard response.status == 202 || response.status == 200 else {
                throw TestFailure("upload \(name): \(response.status) \(response.text)")
            }
            ids[name] = try response.decode(UploadResponse.self).documentId
        }
        for (name, id) in ids {
            let (status, _) = try await waitForDocument(id, headers: headers)
            guard status.status == "completed" else { throw TestFailure("\(name) failed: \(status.error ?? "?")") }
        }
        return ids
    }
}

/// The Northwind corpus of the repository.
enum Corpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples/northwind")
    static let docs = root.appendingPathComponent("docs")
    static let bad = root.appendingPathComponent("bad")

    static var allDocuments: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}

/// A failure inside a test helper, with what went wrong.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Header helpers.
enum Auth {
    static func bearer(_ tokens: TokenResponse) -> [(String, String)] {
        [("Authorization", "Bearer \(tokens.accessToken)")]
    }

    static func anonymous(_ id: String) -> [(String, String)] {
        [("X-Anon-Session-Id", id)]
    }
}
