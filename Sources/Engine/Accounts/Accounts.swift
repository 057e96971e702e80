public import ChatAPI
import Crypto
import Foundation
import HummingbirdBcrypt
import JWTKit
import Logging
import Synchronization

/// Registration, login, token rotation and anonymous sessions of a server (http-api.md section 4).
///
/// Access tokens are HS256 JWTs; refresh tokens are opaque, stored only as SHA-256 hashes and rotated with reuse
/// detection. Authorization always uses the role stored at request time, so a role change or a revoked login
/// applies to tokens already issued.
///
/// ```swift
/// let accounts = knowledgeBase.accounts(configuration: AccountsConfiguration(secret: try .resolve(...)))
/// let tokens = try await accounts.register(email: "dana@northwind.example", password: "correct horse 42")
/// let principal = try await accounts.verify(accessToken: tokens.accessToken)
/// ```
public final class Accounts: Sendable {
    /// The configuration in force.
    public let configuration: AccountsConfiguration
    let store: SQLiteStore
    let now: @Sendable () -> Date
    let makeId: @Sendable (String) -> String
    private let keys = JWTKeyCollection()
    private let keyInstalled: Task<Void, Never>
    private let logger = Logger(label: "chatshell.accounts")
    /// A hash nobody's password matches, verified against for unknown emails so that they cost as much time as a
    /// wrong password and the two cannot be told apart.
    private let decoyHash = Mutex<String?>(nil)
    private let lastPurge = Mutex<Date>(.distantPast)

    /// How often expired anonymous sessions are purged, at most.
    static let purgeInterval: TimeInterval = 600
    /// A session's last use is written at most this often, so busy sessions do not turn every read into a write.
    static let touchInterval: TimeInterval = 60

    init(
        store: SQLiteStore,
        configuration: AccountsConfiguration,
        now: @escaping @Sendable () -> Date,
        makeId: @escaping @Sendable (String) -> String
    ) {
        self.store = store
        self.configuration = configuration
        self.now = now
        self.makeId = makeId
        let keys = self.keys
        let secret = configuration.secret.bytes
        // JWTKeyCollection is an actor: installing the key is async, so it runs once here and every use awaits it.
        keyInstalled = Task { await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256) }
    }

    // MARK: - Register and log in

    /// Creates an account and signs it in; the first account on a server becomes `admin`, later ones `user`.
    ///
    /// - Parameters:
    ///   - email: trimmed and lower-cased before use.
    ///   - password: used verbatim.
    ///   - anonymousSessionId: an anonymous session to move into the account.
    /// - Returns: the tokens, with `migration` set when the session held anything.
    /// - Throws: `EngineError.validation` for bad fields, `.emailTaken`.
    public func register(
        email: String,
        password: String,
        anonymousSessionId: String? = nil
    ) async throws
        -> TokenResponse
    {
        let email = AccountRules.normalizedEmail(email)
        let problems = AccountRules.emailProblems(email) + AccountRules.passwordProblems(password)
        guard problems.isEmpty else { throw EngineError.validation(problems) }
        // Checked before hashing too, so a taken email does not cost a bcrypt round.
        if try store.account(email: email) != nil { throw EngineError.emailTaken }
        let cost = UInt8(configuration.bcryptCost)
        let hash = try await BlockingThread.run { Bcrypt.hash(password, cost: cost) }
        let (login, refreshToken) = newLogin()
        let (user, migration) = try store.createAccount(
            id: makeId("usr_"),
            email: email,
            passwordHash: hash,
            login: login,
            anonymousSessionId: anonymousSessionId,
            anonymousSeenAfter: anonymousCutoff()
        )
        logger.info("account registered", metadata: ["user_id": "\(user.id)", "role": "\(user.role)"])
        return try await tokenResponse(user: user, familyId: login.familyId, refreshToken: refreshToken, migration)
    }

    /// Signs an account in.
    ///
    /// - Parameters:
    ///   - email: the account's email, any case.
    ///   - password: the password.
    ///   - anonymousSessionId: an anonymous session to move into the account.
    /// - Returns: the tokens of a new login family.
    /// - Throws: `EngineError.invalidCredentials` alike for an unknown email and a wrong password.
    public func login(
        email: String,
        password: String,
        anonymousSessionId: String? = nil
    ) async throws
        -> TokenResponse
    {
        let email = AccountRules.normalizedEmail(email)
        let account = try store.account(email: email)
        let stored = account?.passwordHash
        // Longer passwords can never have been registered, and bcrypt would compare only their first 72 bytes.
        let plausible =
            password.utf8.count <= AccountRules.maxPasswordBytes && !password.unicodeScalars.contains("\u{0}")
        // The decoy hash is made on first use, on the blocking thread too: bcrypt must not stall the shared pool.
        let matches = try await BlockingThread.run {
            Bcrypt.verify(plausible ? password : "", hash: stored ?? self.decoy())
        }
        guard let account, plausible, matches else { throw EngineError.invalidCredentials }
        let (login, refreshToken) = newLogin()
        let (user, migration) = try store.startLogin(
            userId: account.id,
            login: login,
            anonymousSessionId: anonymousSessionId,
            anonymousSeenAfter: anonymousCutoff()
        )
        return try await tokenResponse(user: user, familyId: login.familyId, refreshToken: refreshToken, migration)
    }

    /// Exchanges a refresh token for a new pair in the same family.
    ///
    /// - Parameter refreshToken: the current refresh token.
    /// - Returns: new tokens; the presented refresh token is retired.
    /// - Throws: `EngineError.refreshTokenInvalid` (unknown, expired, revoked), `.refreshTokenReused` (already
    ///   rotated; the family is now revoked).
    public func refresh(refreshToken: String) async throws -> TokenResponse {
        let date = now()
        let successor = Self.randomRefreshToken()
        let outcome = try store.rotateRefreshToken(
            hash: Self.sha256(refreshToken),
            successorHash: Self.sha256(successor),
            successorExpiresAt: date.addingTimeInterval(TimeInterval(configuration.refreshTokenLifetime)),
            at: date
        )
        switch outcome {
        case .rotated(let user, let familyId):
            return try await tokenResponse(user: user, familyId: familyId, refreshToken: successor, nil)
        case .invalid:
            throw EngineError.refreshTokenInvalid
        case .reused:
            logger.warning("refresh token reused; login family revoked")
            throw EngineError.refreshTokenReused
        }
    }

    /// Ends a login, and repeating it succeeds.
    ///
    /// Revokes the family named by a signed access token (even an expired or revoked one) or by a refresh token.
    ///
    /// - Parameters:
    ///   - accessToken: the bearer token, if any.
    ///   - refreshToken: the body's refresh token, if any.
    /// - Throws: `EngineError.authRequired` when neither names a login.
    public func logout(accessToken: String?, refreshToken: String?) async throws {
        var families: Set<String> = []
        if let accessToken, let claims = try? await claims(of: accessToken),
            try store.familyExists(id: claims.sid, userId: claims.sub)
        {
            families.insert(claims.sid)
        }
        if let refreshToken, let family = try store.familyId(ofRefreshTokenHash: Self.sha256(refreshToken)) {
            families.insert(family)
        }
        guard !families.isEmpty else { throw EngineError.authRequired }
        for family in families { try store.revokeFamily(id: family) }
    }

    // MARK: - Verifying

    /// The principal an access token stands for, with the role stored now.
    ///
    /// - Parameter accessToken: the bearer token.
    /// - Returns: the account.
    /// - Throws: `EngineError.invalidToken` (malformed, badly signed, revoked, account gone), `.tokenExpired`.
    public func verify(accessToken: String) async throws -> Principal {
        try await grant(accessToken: accessToken).principal
    }

    /// The principal and login family an access token stands for.
    ///
    /// - Throws: `EngineError.invalidToken`, `.tokenExpired`.
    public func grant(accessToken: String) async throws -> AccessGrant {
        guard let claims = try? await claims(of: accessToken) else { throw EngineError.invalidToken }
        guard Double(claims.exp) > now().timeIntervalSince1970 else { throw EngineError.tokenExpired }
        guard let user = try store.activeAccount(userId: claims.sub, familyId: claims.sid),
            let role = Role(rawValue: user.role)
        else { throw EngineError.invalidToken }
        return AccessGrant(principal: Principal(id: user.id, role: role, email: user.email), familyId: claims.sid)
    }

    /// The signed, well-formed claims of an access token, expired or not.
    private func claims(of token: String) async throws -> AccessClaims {
        await keyInstalled.value
        let claims = try await keys.verify(token, as: AccessClaims.self)
        guard claims.typ == AccessClaims.accessType else { throw EngineError.invalidToken }
        return claims
    }

    // MARK: - Anonymous sessions

    /// The caller's anonymous session: the presented one renewed, or a new one when none was presented or it is
    /// unknown, expired or malformed (which is not an error, http-api.md section 1).
    ///
    /// - Parameter presented: the id from `X-Anon-Session-Id` or the `session_id` cookie.
    /// - Returns: the session.
    /// - Throws: when the store fails.
    public func anonymousSession(presented: String?) throws -> AnonymousSessionGrant {
        let date = now()
        if let presented, Self.isAnonymousId(presented),
            let session = try store.anonymousSession(id: presented, seenAfter: anonymousCutoff(at: date))
        {
            var lastSeen = session.lastSeenAt
            if date.timeIntervalSince(lastSeen) >= Self.touchInterval {
                try store.touchAnonymousSession(id: session.id, at: date)
                lastSeen = date
            }
            return AnonymousSessionGrant(
                principal: Principal(id: session.id, role: .anonymous),
                expiresAt: Timestamp.string(lastSeen.addingTimeInterval(sessionLifetime)),
                created: false,
                replacedPresented: false
            )
        }
        purgeExpiredSessionsIfDue(at: date)
        let session = try store.insertAnonymousSession(id: IdGenerator.random(prefix: "anon_", length: 24), at: date)
        return AnonymousSessionGrant(
            principal: Principal(id: session.id, role: .anonymous),
            expiresAt: Timestamp.string(date.addingTimeInterval(sessionLifetime)),
            created: true,
            replacedPresented: presented != nil
        )
    }

    /// Who the caller is, as `GET /auth/me` shows it.
    ///
    /// - Throws: `EngineError.invalidToken` when the account is gone.
    public func identity(of principal: Principal) throws -> Identity {
        guard let user = try store.user(id: principal.id) else {
            if principal.isAccount { throw EngineError.invalidToken }
            return Identity(id: principal.id, email: nil, role: .anonymous, anonSessionId: principal.id, createdAt: nil)
        }
        if user.isAnonymous {
            return Identity(
                id: user.id,
                email: nil,
                role: .anonymous,
                anonSessionId: user.id,
                createdAt: Timestamp.string(user.createdAt)
            )
        }
        return Identity(
            id: user.id,
            email: user.email,
            role: Role(rawValue: user.role) ?? .user,
            anonSessionId: nil,
            createdAt: Timestamp.string(user.createdAt)
        )
    }

    /// Whether text has the shape of an anonymous session id: `anon_` and 22 to 59 base62 characters.
    public static func isAnonymousId(_ text: String) -> Bool {
        let body = text.utf8.dropFirst(5)
        return text.hasPrefix("anon_") && (22...59).contains(body.count)
            && body.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            }
    }

    // MARK: - Helpers

    private var sessionLifetime: TimeInterval { TimeInterval(configuration.anonymousSessionLifetime) }

    private func anonymousCutoff(at date: Date? = nil) -> Date {
        (date ?? now()).addingTimeInterval(-sessionLifetime)
    }

    private func purgeExpiredSessionsIfDue(at date: Date) {
        let due = lastPurge.withLock { last in
            guard date.timeIntervalSince(last) >= Self.purgeInterval else { return false }
            last = date
            return true
        }
        guard due else { return }
        do {
            let purged = try store.purgeAnonymousSessions(lastSeenAtOrBefore: anonymousCutoff(at: date))
            if purged > 0 { logger.info("expired anonymous sessions purged", metadata: ["count": "\(purged)"]) }
        } catch {
            logger.error("purging expired anonymous sessions failed: \(String(describing: error))")
        }
    }

    private func decoy() -> String {
        if let hash = decoyHash.withLock({ $0 }) { return hash }
        let hash = Bcrypt.hash(Self.randomRefreshToken(), cost: UInt8(configuration.bcryptCost))
        decoyHash.withLock { $0 = hash }
        return hash
    }

    private func newLogin() -> (NewLogin, refreshToken: String) {
        let date = now()
        let refreshToken = Self.randomRefreshToken()
        let login = NewLogin(
            familyId: IdGenerator.random(prefix: "fam_", length: 22),
            refreshTokenHash: Self.sha256(refreshToken),
            refreshExpiresAt: date.addingTimeInterval(TimeInterval(configuration.refreshTokenLifetime)),
            date: date
        )
        return (login, refreshToken)
    }

    private func tokenResponse(
        user: UserRecord,
        familyId: String,
        refreshToken: String,
        _ migration: Migration?
    ) async throws -> TokenResponse {
        let role = Role(rawValue: user.role) ?? .user
        // Whole seconds, so that exp - iat is exactly expires_in.
        let issuedAt = Int(now().timeIntervalSince1970.rounded(.down))
        let claims = AccessClaims(
            sub: user.id,
            role: role.rawValue,
            sid: familyId,
            typ: AccessClaims.accessType,
            iat: issuedAt,
            exp: issuedAt + configuration.accessTokenLifetime,
            jti: IdGenerator.random(prefix: "jti_", length: 16)
        )
        await keyInstalled.value
        let accessToken = try await keys.sign(claims)
        return TokenResponse(
            accessToken: accessToken,
            refreshToken: refreshToken,
            expiresIn: configuration.accessTokenLifetime,
            refreshExpiresIn: configuration.refreshTokenLifetime,
            user: UserInfo(
                id: user.id,
                email: user.email ?? "",
                role: role,
                createdAt: Timestamp.string(user.createdAt)
            ),
            migration: migration
        )
    }

    /// `rt_` plus 256 random bits, base64url without padding.
    static func randomRefreshToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "rt_" + base64
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
