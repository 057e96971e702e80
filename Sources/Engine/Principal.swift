public import ChatAPI

/// Who is asking: an account or an anonymous session, with the role stored for it at request time.
///
/// Every read and write of the engine is scoped by a principal, so isolation holds below the routes too.
public struct Principal: Sendable, Hashable {
    /// The account id (`usr_…`) or anonymous session id (`anon_…`).
    public var id: String
    public var role: Role
    public var email: String?

    public init(id: String, role: Role, email: String? = nil) {
        self.id = id
        self.role = role
        self.email = email
    }

    /// Accounts see shared documents and shared memory; anonymous sessions never do.
    public var isAccount: Bool { role != .anonymous }
    /// Whether the principal may use the admin operations.
    public var isAdmin: Bool { role == .admin }

    /// The implicit owner of an embedded data directory: one local admin account.
    public static let local = Principal(id: "usr_local", role: .admin, email: nil)
}
