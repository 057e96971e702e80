import JWTKit

/// The claims of an access token (http-api.md section 4).
///
/// `iat` and `exp` are whole seconds so that `exp - iat` equals `expires_in` exactly; jwt-kit's own date claims
/// encode fractions. Expiry is checked against the engine's clock by `Accounts`, not here, so tests and
/// transcripts with an injected clock see the same decisions.
struct AccessClaims: JWTPayload, Equatable {
    /// The account id.
    var sub: String
    /// The role when the token was issued; authorization uses the stored role instead.
    var role: String
    /// The login family, revoked as a whole on logout or refresh-token reuse.
    var sid: String
    /// Always `access`, so a token of another kind signed with the same key is refused.
    var typ: String
    var iat: Int
    var exp: Int
    /// A unique token id.
    var jti: String

    static let accessType = "access"

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
