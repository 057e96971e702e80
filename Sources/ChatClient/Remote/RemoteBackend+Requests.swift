import ChatAPI
import Foundation
import Synchronization

/// One call of the HTTP API, before its authentication is added.
struct Endpoint: Sendable, Equatable {
    /// How a request proves who sends it.
    enum Authentication: Sendable, Equatable {
        /// None: health, capabilities, refresh, login.
        case none
        /// The anonymous session only, to carry it into an account (register).
        case anonymousSession
        /// The caller: the bearer token when logged in, else the anonymous session.
        case caller
    }

    var method: String
    /// The path below `/api/v1`, segments escaped, query included.
    var path: String
    var body: RequestBody = .none
    var contentType: String?
    var authentication: Authentication = .caller
    /// A Server-Sent Events response.
    var streaming = false

    static func get(_ path: String, authentication: Authentication = .caller) -> Endpoint {
        Endpoint(method: "GET", path: path, authentication: authentication)
    }

    static func delete(_ path: String) -> Endpoint {
        Endpoint(method: "DELETE", path: path)
    }

    /// A request with a JSON body.
    static func json(
        _ method: String,
        _ path: String,
        _ body: some Encodable,
        authentication: Authentication = .caller,
        streaming: Bool = false
    ) throws -> Endpoint {
        Endpoint(
            method: method,
            path: path,
            body: .bytes(try APIJSON.encode(body)),
            contentType: "application/json",
            authentication: authentication,
            streaming: streaming
        )
    }

    /// The path of a list endpoint with its paging parameters.
    static func page(_ path: String, limit: Int, offset: Int, _ extra: [(name: String, value: String?)] = []) -> String
    {
        path + URLPath.query(extra + [("limit", String(limit)), ("offset", String(offset))])
    }
}

extension RemoteBackend {
    // MARK: - Building

    /// The HTTP request for an endpoint with the given credentials: pure, so tests can check URL, headers and body.
    func makeRequest(_ endpoint: Endpoint, credentials: ServerCredentials) -> HTTPRequest {
        var headers = [HTTPHeader("Accept", endpoint.streaming ? "text/event-stream" : "application/json")]
        if let contentType = endpoint.contentType {
            headers.append(HTTPHeader("Content-Type", contentType))
        }
        switch endpoint.authentication {
        case .none:
            break
        case .anonymousSession:
            if let anon = credentials.anonSessionId { headers.append(HTTPHeader("X-Anon-Session-Id", anon)) }
        case .caller:
            // A bearer token takes precedence on the server anyway; sending only one keeps the identity plain.
            if let token = credentials.accessToken {
                headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
            } else if let anon = credentials.anonSessionId {
                headers.append(HTTPHeader("X-Anon-Session-Id", anon))
            }
        }
        return HTTPRequest(
            method: endpoint.method,
            url: apiBase + endpoint.path,
            headers: headers,
            body: endpoint.body,
            streaming: endpoint.streaming
        )
    }

    // MARK: - Sending

    /// Sends an endpoint's request and returns the transfer once a 2xx head has arrived.
    ///
    /// Refreshes a nearly expired access token first, and once more after a `token_expired` answer, retrying the
    /// request once. Adopts the anonymous session id the server names.
    ///
    /// - Throws: `BackendError.api` decoded from the error body, `BackendError.transport`, or `CancellationError`.
    func open(_ endpoint: Endpoint, uploadProgress: UploadProgress? = nil) async throws -> CurlTransfer {
        var credentials = try currentCredentials()
        if endpoint.authentication == .caller, needsRefresh(credentials) {
            credentials = try await refreshedCredentials(replacing: credentials.accessToken)
        }
        var retried = false
        while true {
            let request = makeRequest(endpoint, credentials: credentials)
            let transfer = try await CurlTransfer.start(request, options: options, uploadProgress: uploadProgress)
            let sentBearer = request.header("Authorization") != nil
            if endpoint.authentication == .caller && !sentBearer {
                adoptAnonymousSession(from: transfer.head, sent: request.header("X-Anon-Session-Id"))
            }
            if transfer.head.isSuccess { return transfer }
            let error = apiError(transfer.head, body: try await transfer.collect(), endpoint: endpoint)
            if !retried, sentBearer, case .api(let detail) = error, detail.code == .tokenExpired,
                credentials.refreshToken != nil
            {
                retried = true
                credentials = try await refreshedCredentials(replacing: credentials.accessToken)
                continue
            }
            if sentBearer, case .api(let detail) = error, detail.code == .invalidToken {
                throw endLogin(detail)
            }
            throw error
        }
    }

    /// Sends a request and decodes its JSON answer.
    func call<Response: Decodable>(
        _ endpoint: Endpoint,
        as type: Response.Type = Response.self,
        uploadProgress: UploadProgress? = nil
    ) async throws -> Response {
        let transfer = try await open(endpoint, uploadProgress: uploadProgress)
        let body = try await transfer.collect()
        return try decodeSuccess(type, from: body, endpoint: endpoint)
    }

    func decodeSuccess<Response: Decodable>(
        _ type: Response.Type,
        from body: Data,
        endpoint: Endpoint
    ) throws -> Response {
        do {
            return try APIJSON.decode(type, from: body)
        } catch {
            throw BackendError.transport(
                "\(target) sent an unexpected answer to \(endpoint.method) /api/v1\(Self.pathWithoutQuery(endpoint)) "
                    + "(\(StreamEventDecoder.describe(error))). Is the address a chatshell server of API version 1?"
            )
        }
    }

    // MARK: - Tokens

    /// Whether the access token is within the refresh margin of its expiry (and can be refreshed).
    func needsRefresh(_ credentials: ServerCredentials) -> Bool {
        guard credentials.accessToken != nil, credentials.refreshToken != nil,
            let expiry = credentials.accessExpiresAt
        else { return false }
        return expiry.timeIntervalSince(now()) < Self.refreshMargin
    }

    /// New credentials after a refresh, shared by all requests that need one at the same time.
    ///
    /// Refresh tokens rotate and a reused one revokes the whole login (http-api.md section 4), so exactly one
    /// refresh may be in flight: later callers wait for it. A caller whose stale token was already replaced gets
    /// the current credentials without another refresh. The refresh runs in its own task, so a cancelled caller
    /// cannot abandon a rotation halfway and lose the new tokens.
    func refreshedCredentials(replacing staleAccessToken: String?) async throws -> ServerCredentials {
        enum Next {
            case ready(ServerCredentials)
            case wait(Task<ServerCredentials, any Error>)
        }
        let next: Next = state.withLock { state in
            if let running = state.refreshing { return .wait(running) }
            if state.credentials.accessToken != nil, state.credentials.accessToken != staleAccessToken,
                !needsRefresh(state.credentials)
            {
                return .ready(state.credentials)
            }
            let task = Task { try await self.performRefresh() }
            state.refreshing = task
            return .wait(task)
        }
        switch next {
        case .ready(let credentials): return credentials
        case .wait(let task): return try await task.value
        }
    }

    private struct RefreshBody: Encodable {
        var refreshToken: String
    }

    private func performRefresh() async throws -> ServerCredentials {
        defer { state.withLock { $0.refreshing = nil } }
        guard let refreshToken = state.withLock({ $0.credentials.refreshToken }) else {
            throw BackendError.api(
                ErrorBody.Detail(code: .authRequired, message: "Not logged in to \(server).", status: 401)
            )
        }
        do {
            let endpoint = try Endpoint.json(
                "POST",
                "/auth/refresh",
                RefreshBody(refreshToken: refreshToken),
                authentication: .none
            )
            let tokens = try await call(endpoint, as: TokenResponse.self)
            return try storeTokens(tokens, strict: false, dropAnonymousSession: false)
        } catch BackendError.api(let detail) where detail.status == 401 {
            throw endLogin(detail)
        }
    }

    /// Forgets a login the server no longer accepts (expired, revoked, reused or its account gone), so later
    /// requests are not refused forever, and says so.
    func endLogin(_ detail: ErrorBody.Detail) -> BackendError {
        _ = try? updateCredentials { $0.clearTokens() }
        return .api(
            ErrorBody.Detail(
                code: detail.code,
                message: "Your login on \(server) has ended (\(detail.message)). Log in again with /login.",
                status: detail.status,
                requestId: detail.requestId,
                details: detail.details
            )
        )
    }

    // MARK: - Errors

    /// The error for a non-2xx response: the API's error body when there is one, else a message with the status.
    func apiError(_ head: HTTPResponseHead, body: Data, endpoint: Endpoint) -> BackendError {
        let decoder = APIJSON.decoder()
        if let errorBody = try? decoder.decode(ErrorBody.self, from: body) {
            return .api(errorBody.error)
        }
        let code = Self.errorCode(forStatus: head.status)
        let requestId = head.header("X-Request-Id")
        // A `{"detail": "..."}` body is still a readable message, from a server or proxy of another make.
        struct DetailOnly: Decodable { var detail: String }
        if let detailOnly = try? decoder.decode(DetailOnly.self, from: body) {
            return .api(
                ErrorBody.Detail(code: code, message: detailOnly.detail, status: head.status, requestId: requestId)
            )
        }
        let what = "\(endpoint.method) /api/v1\(Self.pathWithoutQuery(endpoint))"
        var message = "\(target) answered \(what) with HTTP \(head.statusText)"
        let text = String(decoding: body.prefix(400), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.isEmpty {
            message += " and an empty body."
        } else {
            let media = head.mediaType ?? "no content type"
            let excerpt = text.count > 120 ? String(text.prefix(120)) + "…" : text
            message += " and a body that is not a chatshell error (\(media): \"\(excerpt)\")."
        }
        message +=
            head.status >= 500 || head.status == 404
            ? " Is the address a chatshell server, and is any proxy in between working?"
            : ""
        return .api(ErrorBody.Detail(code: code, message: message, status: head.status, requestId: requestId))
    }

    /// The code a response without an error body stands for, by its status (http-api.md section 2).
    static func errorCode(forStatus status: Int) -> ErrorCode {
        switch status {
        case 400: .invalidRequest
        case 401: .authRequired
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 413: .payloadTooLarge
        case 415: .unsupportedContentType
        case 422: .validationError
        case 429: .rateLimited
        case 502, 503: .serviceUnavailable
        case 504: .timeout
        case 400..<500: .invalidRequest
        default: .internalError
        }
    }

    static func pathWithoutQuery(_ endpoint: Endpoint) -> String {
        String(endpoint.path.prefix { $0 != "?" })
    }
}
