public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HMAC key that signs access tokens: at least 32 bytes (http-api.md section 4).
///
/// Short keys are refused rather than padded, because jwt-kit traps on them in debug builds and a short shared
/// secret is guessable.
public struct SigningSecret: Sendable, Equatable {
    /// The shortest key accepted, in bytes.
    public static let minimumBytes = 32
    /// The environment variable an operator sets to share one secret between instances.
    public static let environmentKey = "CHATSHELL_JWT_SECRET"
    /// The file in the data directory that keeps a generated secret.
    public static let fileName = "jwt-secret"

    let bytes: [UInt8]

    /// Wraps key bytes.
    ///
    /// - Parameter bytes: the key; at least `minimumBytes` long.
    /// - Throws: `EngineError.serviceUnavailable` when the key is too short.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count >= Self.minimumBytes else {
            throw EngineError.serviceUnavailable(
                "The token signing secret has \(bytes.count) bytes; it needs at least \(Self.minimumBytes). "
                    + "Set \(Self.environmentKey) to a longer value (for example `openssl rand -base64 48`)."
            )
        }
        self.bytes = Array(bytes)
    }

    /// A fresh random secret of 32 bytes.
    public static func random() -> SigningSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<minimumBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // 32 bytes always pass the length check.
        return SigningSecret(unchecked: bytes)
    }

    private init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The configured secret: `CHATSHELL_JWT_SECRET` when set, else the one kept in `dataDirectory`, generated on
    /// first use and written owner-readable only.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - dataDirectory: the server's data directory.
    /// - Returns: the secret.
    /// - Throws: `EngineError.serviceUnavailable` when the variable is too short, or the file cannot be created,
    ///   read, is too short or readable by others.
    public static func resolve(environment: [String: String], dataDirectory: URL) throws -> SigningSecret {
        if let configured = environment[environmentKey], !configured.isEmpty {
            return try SigningSecret(bytes: Array(configured.utf8))
        }
        // The data folder is private (architecture.md section 5), whoever creates it first.
        try FileManager.default.createDirectory(
            at: dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let path = dataDirectory.appendingPathComponent(fileName).path
        if let existing = try read(path: path) { return existing }
        let fresh = random()
        // O_EXCL: two servers starting on one data directory must not each write a different secret.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST, let existing = try read(path: path) { return existing }
            throw EngineError.serviceUnavailable(
                "Cannot create the token signing secret \(path): \(String(cString: strerror(errno)))."
            )
        }
        defer { close(descriptor) }
        let written = fresh.bytes.withUnsafeBytes { raw in write(descriptor, raw.baseAddress, raw.count) }
        guard written == fresh.bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw EngineError.serviceUnavailable("Cannot write the token signing secret \(path).")
        }
        return fresh
    }

    /// The secret kept at `path`, or nil when there is no file yet.
    private static func read(path: String) throws -> SigningSecret? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        if info.st_mode & 0o077 != 0 {
            throw EngineError.serviceUnavailable(
                "The token signing secret \(path) is readable by other users. Run `chmod 600 \(path)`."
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.serviceUnavailable("Cannot read the token signing secret \(path).")
        }
        return try SigningSecret(bytes: Array(data))
    }
}
