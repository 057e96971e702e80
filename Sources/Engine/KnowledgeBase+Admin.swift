public import ChatAPI
import Foundation

extension KnowledgeBase {
    /// All accounts with their document and memory counts (admins only).
    public func users(as principal: Principal, limit: Int = 50, offset: Int = 0) throws -> Page<AdminUser> {
        guard principal.isAdmin else { throw EngineError.forbidden("Listing users requires the admin role.") }
        return try store.adminUsers(limit: limit, offset: offset)
    }

    /// Changes an account's role (admins only); the last admin cannot be demoted.
    public func setRole(userId: String, role: Role, as principal: Principal) throws -> UserInfo {
        guard principal.isAdmin else { throw EngineError.forbidden("Changing roles requires the admin role.") }
        guard role != .anonymous else {
            throw EngineError.validation([.init(field: "role", message: "must be user or admin")])
        }
        let user = try store.setRole(userId: userId, role: role)
        return UserInfo(id: user.id, email: user.email ?? "", role: role, createdAt: Timestamp.string(user.createdAt))
    }
}
