public import ChatAPI
public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the client keeps for one server: its tokens and its anonymous session.
public struct ServerCredentials: Codable, Sendable, Equatable {
    /// The bearer token, while logged in.
    public var accessToken: String?
    /// The refresh token of the login family.
    public var refreshToken: String?
    /// When the access token expires.
    public var accessExpiresAt: Date?
    /// When the refresh token expires.
    public var refreshExpiresAt: Date?
    /// The account's email, for `/whoami` without a network call.
    public var email: String?
    /// The account's id.
    public var userId: String?
    /// The account's role when the tokens were issued.
    public var role: Role?
    /// The anonymous session the server gave this client, sent back as `X-Anon-Session-Id`.
    public var anonSessionId: String?

    /// Creates credentials; all fields default to empty.
    public init(
        accessToken: String? = nil,
        refreshToken: String? = nil,
        accessExpiresAt: Date? = nil,
        refreshExpiresAt: Date? = nil,
        email: String? = nil,
        userId: String? = nil,
        role: Role? = nil,
        anonSessionId: String? = nil
    ) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessExpiresAt = accessExpiresAt
        self.refreshExpiresAt = refreshExpiresAt
        self.email = email
        self.userId = userId
        self.role = role
        self.anonSessionId = anonSessionId
    }

    /// Whether there is nothing worth storing.
    public var isEmpty: Bool { self == ServerCredentials() }

    /// Whether an account is logged in.
    public var isLoggedIn: Bool { accessToken != nil || refreshToken != nil }

    /// Forgets the account's tokens, keeping the anonymous session.
    public mutating func clearTokens() {
        self = ServerCredentials(anonSessionId: anonSessionId)
    }
}

/// The credentials file: tokens and anonymous session ids per server origin, in one JSON file readable only by
/// its owner (repl.md section 2, "Secrets").
///
/// The file is `{"servers": {"http://127.0.0.1:8000": {...}}, ...}`; other top-level keys (such as a language-model
/// API key) are kept untouched when it is rewritten. Writes are atomic (a temporary file in the same folder, then a
/// rename) with mode 0600; a missing folder is created with mode 0700. A file that group or others can access, or
/// a folder they can write to, is refused with the `chmod` that fixes it.
///
/// ```swift
/// let store = CredentialStore(path: configHome + "/chatshell/credentials")
/// var credentials = try store.credentials(for: "http://127.0.0.1:8000")
/// ```
public final class CredentialStore: Sendable {
    /// The file's path.
    public let path: String
    /// Serialises read-modify-write cycles within this process.
    private let lock = Mutex(())

    /// Creates a store for the file at `path` (not touched until first use).
    ///
    /// - Parameter path: Usually `$XDG_CONFIG_HOME/chatshell/credentials`.
    public init(path: String) {
        self.path = path
    }

    /// Checks that the file, if present, is safe to use: for startup checks that must fail early.
    ///
    /// - Throws: `BackendError` with the `chmod` command that fixes a loose mode.
    public func validate() throws {
        try lock.withLock { _ in _ = try readFile() }
    }

    /// The stored credentials for a server origin; empty when there are none.
    ///
    /// - Parameter server: The origin, as `RemoteBackend` normalises it (`http://127.0.0.1:8000`).
    /// - Returns: The server's credentials, or empty ones.
    /// - Throws: `BackendError` when the file is unsafe or unreadable.
    public func credentials(for server: String) throws -> ServerCredentials {
        try lock.withLock { _ in
            let servers = try Self.servers(in: try readFile())
            return servers[server] ?? ServerCredentials()
        }
    }

    /// Stores (or, when empty, removes) the credentials for a server origin.
    ///
    /// - Throws: `BackendError` when the file is unsafe or cannot be written.
    public func save(_ credentials: ServerCredentials, for server: String) throws {
        try lock.withLock { _ in
            var top = try readFile()
            var servers = try Self.servers(in: top)
            servers[server] = credentials.isEmpty ? nil : credentials
            let encodedServers = try Self.encoder().encode(servers)
            top["servers"] = try APIJSON.decode(JSONValue.self, from: encodedServers)
            try writeFile(Self.encoder().encode(top))
        }
    }

    // MARK: - File format

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    private static func servers(in top: [String: JSONValue]) throws -> [String: ServerCredentials] {
        guard let servers = top["servers"] else { return [:] }
        return try decoder().decode([String: ServerCredentials].self, from: APIJSON.encode(servers))
    }

    // MARK: - File access

    private var directory: String { (path as NSString).deletingLastPathComponent }

    /// The file's top-level object, after the safety checks; empty when the file does not exist.
    private func readFile() throws -> [String: JSONValue] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return [:] }
            throw Self.failure("Cannot read credentials from \(path): \(Self.systemError()).", path: path)
        }
        try checkDirectory()
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Self.failure("Cannot read credentials from \(path): it is not a regular file.", path: path)
        }
        guard info.st_uid == geteuid() else {
            throw Self.failure(
                "Refusing to read credentials from \(path): it belongs to another user (uid \(info.st_uid)). "
                    + "Remove it, or take ownership with `chown`.",
                path: path
            )
        }
        try requirePrivate(
            info,
            "Refusing to read credentials from \(path)",
            forbidding: 0o077,
            "read your tokens",
            path
        )
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Self.failure("Cannot read credentials from \(path): \(error.localizedDescription).", path: path)
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        do {
            return try APIJSON.decode([String: JSONValue].self, from: data)
        } catch {
            throw Self.failure(
                "Cannot read credentials from \(path): it is not a JSON object. "
                    + "Fix it, or delete it and log in again.",
                path: path
            )
        }
    }

    /// Refuses a folder others may write to: they could swap the file for one holding their own tokens.
    private func checkDirectory() throws {
        var info = stat()
        guard stat(directory, &info) == 0 else { return }
        try requirePrivate(
            info,
            "Refusing to keep credentials in \(directory)",
            forbidding: 0o022,
            "replace files there",
            directory
        )
    }

    private func writeFile(_ data: Data) throws {
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw Self.failure(
                    "Cannot create \(directory) for credentials: \(error.localizedDescription).",
                    path: path
                )
            }
        }
        try checkDirectory()
        var template = Array((directory + "/.credentials-XXXXXX").utf8CString)
        // mkstemp creates the file with mode 0600, so the tokens are never readable by others, not even briefly.
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            throw Self.failure("Cannot save credentials in \(directory): \(Self.systemError()).", path: path)
        }
        let temporary = template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
        var written = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            while written < raw.count {
                let count = write(descriptor, base + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += count
            }
            return true
        }
        let synced = ok && fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        let errorText = Self.systemError()
        close(descriptor)
        guard synced, rename(temporary, path) == 0 else {
            let renameError = synced ? Self.systemError() : errorText
            unlink(temporary)
            throw Self.failure("Cannot save credentials to \(path): \(renameError).", path: path)
        }
    }

    // MARK: - Messages

    /// Refuses a file or folder whose mode grants other users any of `forbidden`, saying what they could do and
    /// the `chmod` that takes it away (0600 for a file, 0700 for a folder).
    private func requirePrivate(
        _ info: stat,
        _ refusal: String,
        forbidding forbidden: mode_t,
        _ risk: String,
        _ target: String
    ) throws {
        let mode = info.st_mode & 0o777
        guard mode & forbidden != 0 else { return }
        let fix = (info.st_mode & S_IFMT) == S_IFDIR ? "700" : "600"
        throw Self.failure(
            "\(refusal): its mode \(Self.octal(mode)) lets other users \(risk). "
                + "Run `chmod \(fix) \(Self.shellQuoted(target))` and try again.",
            path: path
        )
    }

    private static func failure(_ message: String, path: String) -> BackendError {
        .local(message, details: ["path": .string(path)])
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The path as a shell word, so the suggested command works when pasted.
    static func shellQuoted(_ path: String) -> String {
        // No `~`: at the start of a word the shell would expand it.
        let safe = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+@%=:,"
        )
        if !path.isEmpty, path.unicodeScalars.allSatisfy({ safe.contains($0) }) { return path }
        return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
