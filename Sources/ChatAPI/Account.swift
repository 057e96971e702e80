/// A role of the API: anonymous sessions, users and admins (http-api.md section 1).
public enum Role: String, Codable, Sendable, Hashable, CaseIterable {
    case anonymous
    case user
    case admin
}

/// An account as auth responses show it.
public struct UserInfo: Codable, Sendable, Hashable {
    public var id: String
    public var email: String
    public var role: Role
    public var createdAt: String

    public init(id: String, email: String, role: Role, createdAt: String) {
        self.id = id
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }
}

/// What moved from an anonymous session to an account.
public struct Migration: Codable, Sendable, Hashable {
    public var from: String
    public var documents: Int
    public var memories: Int
    public var conversations: Int

    public init(from: String, documents: Int, memories: Int, conversations: Int) {
        self.from = from
        self.documents = documents
        self.memories = memories
        self.conversations = conversations
    }
}

/// The answer to register, login and refresh.
public struct TokenResponse: Codable, Sendable, Hashable {
    public var accessToken: String
    public var refreshToken: String
    public var tokenType: String
    public var expiresIn: Int
    public var refreshExpiresIn: Int
    public var role: Role
    public var user: UserInfo
    @Nullable public var migration: Migration?

    public init(
        accessToken: String,
        refreshToken: String,
        expiresIn: Int,
        refreshExpiresIn: Int,
        user: UserInfo,
        migration: Migration?
    ) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = "bearer"
        self.expiresIn = expiresIn
        self.refreshExpiresIn = refreshExpiresIn
        self.role = user.role
        self.user = user
        self.migration = migration
    }
}

/// `GET /auth/me`: who the caller is.
public struct Identity: Codable, Sendable, Hashable {
    public var id: String
    @Nullable public var email: String?
    public var role: Role
    public var isAnonymous: Bool
    @Nullable public var anonSessionId: String?
    @Nullable public var createdAt: String?

    public init(id: String, email: String?, role: Role, anonSessionId: String?, createdAt: String?) {
        self.id = id
        self.email = email
        self.role = role
        self.isAnonymous = role == .anonymous
        self.anonSessionId = anonSessionId
        self.createdAt = createdAt
    }
}

/// The answer to `POST /auth/anonymous`.
public struct AnonymousSession: Codable, Sendable, Hashable {
    @Nullable public var anonSessionId: String?
    public var role: Role
    @Nullable public var expiresAt: String?

    public init(anonSessionId: String?, role: Role, expiresAt: String?) {
        self.anonSessionId = anonSessionId
        self.role = role
        self.expiresAt = expiresAt
    }
}

/// An account as the admin user list shows it.
public struct AdminUser: Codable, Sendable, Hashable {
    public var id: String
    public var email: String
    public var role: Role
    public var createdAt: String
    public var documentCount: Int
    public var memoryCount: Int

    public init(id: String, email: String, role: Role, createdAt: String, documentCount: Int, memoryCount: Int) {
        self.id = id
        self.email = email
        self.role = role
        self.createdAt = createdAt
        self.documentCount = documentCount
        self.memoryCount = memoryCount
    }
}
