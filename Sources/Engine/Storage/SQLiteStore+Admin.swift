import ChatAPI
import Foundation
import GRDB

extension SQLiteStore {
    // MARK: - Administration

    /// One page of the registered accounts, newest first, with their document and memory counts.
    func adminUsers(limit: Int, offset: Int) throws -> Page<AdminUser> {
        try pool.read { db in
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

    /// Gives a registered account `role` in one transaction with the check that some admin remains.
    ///
    /// - Throws: `EngineError.userNotFound` (unknown or anonymous), `.lastAdmin`.
    func setRole(userId: String, role: Role) throws -> UserRecord {
        try pool.write { db in
            guard var user = try UserRecord.fetchOne(db, key: userId), !user.isAnonymous else {
                throw EngineError.userNotFound(userId)
            }
            if user.role == Role.admin.rawValue && role != .admin {
                let admins = try UserRecord.filter(UserRecord.Columns.role == Role.admin.rawValue).fetchCount(db)
                if admins <= 1 { throw EngineError.lastAdmin }
            }
            user.role = role.rawValue
            try user.update(db)
            return user
        }
    }
}
