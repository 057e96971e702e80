import ChatAPI
public import Foundation
import Synchronization

/// The `Backend` that speaks the HTTP API of a `chatshell serve` instance (http-api.md), over libcurl.
///
/// Tokens and the anonymous session id live in memory behind a mutex and, when a `CredentialStore` is given, in
/// the credentials file, so a later run continues the same login or anonymous session. Access tokens are refreshed
/// when they are within 60 s of expiry or after a `token_expired` answer, and the request is then retried once.
///
/// ```swift
/// let backend = try RemoteBackend(
///     server: "http://127.0.0.1:8000",
///     credentials: CredentialStore(path: configHome + "/chatshell/credentials")
/// )
/// for try await event in try await backend.ask(QueryRequest(query: "What is the rated payload?")) { ... }
/// ```
public final class RemoteBackend: Backend {
    /// A refresh starts this long before the access token expires, so a request never races the expiry.
    static let refreshMargin: TimeInterval = 60

    public let kind: BackendKind
    /// The normalised origin (`http://127.0.0.1:8000`), the key of the stored credentials.
    public let server: String
    /// The origin plus `/api/v1`, the prefix of every endpoint.
    let apiBase: String
    /// `host:port` of the server, for messages.
    let target: String
    let options: TransportOptions
    let store: CredentialStore?
    let now: @Sendable () -> Date
    let onNotice: (@Sendable (String) -> Void)?
    let state = Mutex(SessionState())

    /// In-memory session state; `credentials` are loaded from the store on first use.
    struct SessionState {
        var credentials = ServerCredentials()
        var loaded = false
        var refreshing: Task<ServerCredentials, any Error>?
    }

    /// Creates a backend for a server.
    ///
    /// - Parameters:
    ///   - server: The server's origin, such as `http://127.0.0.1:8000` (`/api/v1` is added here); a bare
    ///     `host:port` means `http://`.
    ///   - credentials: Where tokens and the anonymous session persist; `nil` keeps them in memory only.
    ///   - options: CA bundle, timeouts and the proxy environment.
    ///   - onNotice: Told about things the user should know that are not errors, such as a new anonymous
    ///     session replacing an expired one or credentials that could not be saved.
    ///   - now: The clock, for token expiry.
    /// - Throws: `BackendError` when `server` is not an http or https origin.
    public init(
        server: String,
        credentials: CredentialStore? = nil,
        options: TransportOptions = TransportOptions(),
        onNotice: (@Sendable (String) -> Void)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let origin = try Self.normalizedOrigin(server)
        self.server = origin.origin
        self.apiBase = origin.origin + origin.pathPrefix + "/api/v1"
        self.target = origin.target
        self.kind = .remote(server: origin.origin)
        self.options = options
        self.store = credentials
        self.onNotice = onNotice
        self.now = now
    }

    // MARK: - Origin

    /// Splits a user-given server address into the canonical origin, an optional path prefix (a server behind a
    /// reverse proxy at `/chatshell`) and `host:port`.
    static func normalizedOrigin(_ text: String) throws -> (origin: String, pathPrefix: String, target: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let invalid = BackendError.local(
            "Invalid server address '\(trimmed)'. Use a URL like http://127.0.0.1:8000.",
            details: ["server": .string(trimmed)]
        )
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let components = URLComponents(string: withScheme),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil
        else { throw invalid }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var origin = "\(scheme)://\(shownHost)"
        if let port = components.port { origin += ":\(port)" }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/api/v1") { path.removeLast("/api/v1".count) }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        return (origin, path, "\(shownHost):\(port)")
    }

    // MARK: - Credentials

    /// The current credentials, loaded from the store on first use.
    ///
    /// - Throws: `BackendError` when the credentials file is unsafe or unreadable.
    func currentCredentials() throws -> ServerCredentials {
        try state.withLock { state in
            if !state.loaded {
                state.credentials = try store?.credentials(for: server) ?? ServerCredentials()
                state.loaded = true
            }
            return state.credentials
        }
    }

    /// Changes the credentials in memory and in the store.
    ///
    /// - Parameters:
    ///   - strict: Throw when they cannot be saved (login, logout); otherwise only tell the user.
    ///   - change: The change to apply.
    /// - Returns: The changed credentials.
    /// - Throws: `BackendError` when `strict` and the credentials file cannot be written.
    @discardableResult
    func updateCredentials(
        strict: Bool = false,
        _ change: (inout ServerCredentials) -> Void
    ) throws -> ServerCredentials {
        let updated = state.withLock { state in
            change(&state.credentials)
            state.loaded = true
            return state.credentials
        }
        do {
            try store?.save(updated, for: server)
        } catch {
            if strict { throw error }
            notice("Could not save credentials: \(error.localizedDescription)")
        }
        return updated
    }

    func notice(_ message: String) {
        onNotice?(message)
    }

    /// Stores the tokens of a register, login or refresh answer.
    @discardableResult
    func storeTokens(_ tokens: TokenResponse, strict: Bool, dropAnonymousSession: Bool) throws -> ServerCredentials {
        let issued = now()
        return try updateCredentials(strict: strict) { credentials in
            credentials.accessToken = tokens.accessToken
            credentials.refreshToken = tokens.refreshToken
            credentials.accessExpiresAt = issued.addingTimeInterval(TimeInterval(tokens.expiresIn))
            credentials.refreshExpiresAt = issued.addingTimeInterval(TimeInterval(tokens.refreshExpiresIn))
            credentials.email = tokens.user.email
            credentials.userId = tokens.user.id
            credentials.role = tokens.role
            // The server deletes an anonymous session once it has been carried into an account.
            if dropAnonymousSession { credentials.anonSessionId = nil }
        }
    }

    /// Adopts the anonymous session id a response names (http-api.md section 1: clients MUST adopt it).
    ///
    /// - Parameters:
    ///   - head: The response.
    ///   - sent: The id the request carried; when the server answers with another one, the old session is gone
    ///     and the user is told.
    func adoptAnonymousSession(from head: HTTPResponseHead, sent: String?) {
        guard let id = head.header("X-Anon-Session-Id")?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
            return
        }
        let current = state.withLock { $0.credentials.anonSessionId }
        if current != id { _ = try? updateCredentials { $0.anonSessionId = id } }
        if let sent, sent != id {
            notice(
                "\(target) started a new anonymous session: the previous one had expired, "
                    + "with the documents and memories uploaded in it."
            )
        }
    }
}
