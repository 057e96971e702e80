/// Who an access token names, with its login family (for logout).
public struct AccessGrant: Sendable, Hashable {
    /// The account, with the role stored for it now.
    public var principal: Principal
    /// The login family (`sid`).
    public var familyId: String
}

/// An anonymous session as the server hands it out (http-api.md section 1, "Anonymous sessions").
public struct AnonymousSessionGrant: Sendable, Hashable {
    /// The session as a principal (`anon_…`, role `anonymous`).
    public var principal: Principal
    /// When the session expires unless used again (RFC 3339).
    public var expiresAt: String
    /// Whether this request opened the session.
    public var created: Bool
    /// Whether the caller presented an id that could not be used (unknown, expired or malformed).
    public var replacedPresented: Bool
}
