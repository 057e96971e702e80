public import ChatAPI
import Foundation
import GRDB

extension KnowledgeBase {
    /// All accounts with their document and memory counts (admins only).
    public func users(as principal: Principal, limit: Int = 50, offset: Int = 0) throws -> Page<AdminUser> {
        guard principal.isAdmin else { throw EngineError.forbidden("Listing users requires the admin role.") }
        return try store.pool.read { db in
            let total = try UserRecord.filter(UserRecord.Columns.isAnonymous == false).fetchCount(db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT user.id, user.email, user.role, user.createdAt,
                        (SELECT count(*) FROM document WHERE document.ownerId = user.id) AS documentCount,
                        (SELECT count(*) FROM memory WHERE memory.ownerId = user.id) AS memoryCount
                    FROM user WHERE user.isAnonymous = 0
                    ORDER BY user.createdAt DESC, user.id DESC LIMIT ? OFFSET ?
                    """,
                arguments: [limit, offset]
            )
            let items = rows.map { row in
                AdminUser(
                    id: row["id"],
                    email: row["email"] ?? "",
                    role: Role(rawValue: row["role"]) ?? .user,
                    createdAt: Timestamp.string(row["createdAt"]),
                    documentCount: row["documentCount"],
                    memoryCount: row["memoryCount"]
                )
            }
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    /// Changes an account's role (admins only); the last admin cannot be demoted.
    public func setRole(userId: String, role: Role, as principal: Principal) throws -> UserInfo {
        guard principal.isAdmin else { throw EngineError.forbidden("Changing roles requires the admin role.") }
        guard role != .anonymous else {
            throw EngineError.validation([.init(field: "role", message: "must be user or admin")])
        }
        return try store.pool.write { db in
            guard var user = try UserRecord.fetchOne(db, key: userId), !user.isAnonymous else {
                throw EngineError.userNotFound(userId)
            }
            if user.role == Role.admin.rawValue && role != .admin {
                let admins = try UserRecord.filter(UserRecord.Columns.role == Role.admin.rawValue).fetchCount(db)
                if admins <= 1 { throw EngineError.lastAdmin }
            }
            user.role = role.rawValue
            try user.update(db)
            return UserInfo(
                id: user.id,
                email: user.email ?? "",
                role: role,
                createdAt: Timestamp.string(user.createdAt)
            )
        }
    }
}
