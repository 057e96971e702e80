/// Token lifetimes, the bcrypt cost and the signing secret of a server's accounts (http-api.md section 4).
public struct AccountsConfiguration: Sendable {
    /// The HMAC key of access tokens.
    public var secret: SigningSecret
    /// log2 of bcrypt's rounds: 12 by default; never below 10, which the contract requires.
    public var bcryptCost: Int
    /// How long an access token lives, in seconds (`expires_in`).
    public var accessTokenLifetime: Int
    /// How long a refresh token lives, in seconds (`refresh_expires_in`).
    public var refreshTokenLifetime: Int
    /// How long an anonymous session lives after its last use, in seconds.
    public var anonymousSessionLifetime: Int

    /// The smallest bcrypt cost accepted.
    public static let minimumBcryptCost = 10

    /// Creates a configuration; a bcrypt cost outside 10...31 is clamped into that range.
    ///
    /// - Parameters:
    ///   - secret: the signing secret.
    ///   - bcryptCost: bcrypt's cost, 12 by default.
    ///   - accessTokenLifetime: seconds, 900 by default.
    ///   - refreshTokenLifetime: seconds, 7 days by default.
    ///   - anonymousSessionLifetime: seconds after last use, 7 days by default.
    public init(
        secret: SigningSecret,
        bcryptCost: Int = 12,
        accessTokenLifetime: Int = 900,
        refreshTokenLifetime: Int = 604_800,
        anonymousSessionLifetime: Int = 604_800
    ) {
        self.secret = secret
        self.bcryptCost = min(31, max(Self.minimumBcryptCost, bcryptCost))
        self.accessTokenLifetime = max(1, accessTokenLifetime)
        self.refreshTokenLifetime = max(1, refreshTokenLifetime)
        self.anonymousSessionLifetime = max(1, anonymousSessionLifetime)
    }
}
