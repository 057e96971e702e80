import ChatAPI
import Foundation
import GRDB

/// A new login family and its first refresh token, written together with the account change that starts them.
struct NewLogin: Sendable {
    var familyId: String
    var refreshTokenHash: String
    var refreshExpiresAt: Date
    var date: Date
}

/// What presenting a refresh token did.
enum RefreshRotation: Sendable {
    /// The token was current: it is retired and the new one stored in the same family.
    case rotated(UserRecord, familyId: String)
    /// Unknown, expired, or its family or account is gone.
    case invalid
    /// Already rotated: the family is now revoked.
    case reused
}

extension SQLiteStore {
    // MARK: - Accounts

    func account(email: String) throws -> UserRecord? {
        try pool.read { db in
            try UserRecord.filter(UserRecord.Columns.email == email).filter(UserRecord.Columns.isAnonymous == false)
                .fetchOne(db)
        }
    }

    func user(id: String) throws -> UserRecord? {
        try pool.read { db in try UserRecord.fetchOne(db, key: id) }
    }

    /// Creates an account, its first login and the migration of an anonymous session in one transaction.
    ///
    /// The account count and the insert share the transaction, and GRDB serialises writers, so concurrent first
    /// registrations yield exactly one admin.
    func createAccount(
        id: String,
        email: String,
        passwordHash: String,
        login: NewLogin,
        anonymousSessionId: String?,
        anonymousSeenAfter: Date
    ) throws -> (UserRecord, Migration?) {
        try signIn(login, migrating: anonymousSessionId, seenAfter: anonymousSeenAfter) { db in
            if try UserRecord.filter(UserRecord.Columns.email == email).fetchCount(db) > 0 {
                throw EngineError.emailTaken
            }
            let accounts = try UserRecord.filter(UserRecord.Columns.isAnonymous == false).fetchCount(db)
            let user = UserRecord(
                id: id,
                email: email,
                passwordHash: passwordHash,
                role: accounts == 0 ? Role.admin.rawValue : Role.user.rawValue,
                isAnonymous: false,
                createdAt: login.date,
                lastSeenAt: login.date
            )
            try user.insert(db)
            return user
        }
    }

    /// Starts a login family for an account and migrates an anonymous session into it, in one transaction.
    func startLogin(
        userId: String,
        login: NewLogin,
        anonymousSessionId: String?,
        anonymousSeenAfter: Date
    ) throws -> (UserRecord, Migration?) {
        try signIn(login, migrating: anonymousSessionId, seenAfter: anonymousSeenAfter) { db in
            guard var user = try UserRecord.fetchOne(db, key: userId), !user.isAnonymous else {
                throw EngineError.invalidCredentials
            }
            user.lastSeenAt = login.date
            try user.update(db)
            return user
        }
    }

    /// Runs `account` (which creates or updates the account signing in), stores its new login and migrates the
    /// anonymous session into it, all in one transaction: a failure leaves neither a half login nor a half move.
    private func signIn(
        _ login: NewLogin,
        migrating anonymousSessionId: String?,
        seenAfter: Date,
        account: (Database) throws -> UserRecord
    ) throws -> (UserRecord, Migration?) {
        // Chunks of removed duplicates leave the index: term frequencies change.
        defer { frequencies.invalidate() }
        return try pool.write { db in
            let user = try account(db)
            try Self.insert(login, userId: user.id, db: db)
            let migration = try anonymousSessionId.flatMap {
                try Self.migrate(from: $0, to: user.id, seenAfter: seenAfter, db: db)
            }
            return (user, migration)
        }
    }

    private static func insert(_ login: NewLogin, userId: String, db: Database) throws {
        try TokenFamilyRecord(id: login.familyId, userId: userId, revoked: false, createdAt: login.date).insert(db)
        try RefreshTokenRecord(
            tokenHash: login.refreshTokenHash,
            familyId: login.familyId,
            userId: userId,
            expiresAt: login.refreshExpiresAt,
            rotatedAt: nil,
            createdAt: login.date
        ).insert(db)
    }

    // MARK: - Refresh tokens

    /// Retires a refresh token and stores its successor, or revokes the family when the token was already retired.
    ///
    /// The revocation must be committed, so reuse is reported as a value rather than thrown inside the transaction.
    func rotateRefreshToken(
        hash: String,
        successorHash: String,
        successorExpiresAt: Date,
        at date: Date
    ) throws
        -> RefreshRotation
    {
        try pool.write { db in
            guard let token = try RefreshTokenRecord.fetchOne(db, key: hash),
                let family = try TokenFamilyRecord.fetchOne(db, key: token.familyId), !family.revoked,
                let user = try UserRecord.fetchOne(db, key: token.userId), !user.isAnonymous
            else { return .invalid }
            if token.rotatedAt != nil {
                try Self.revokeFamily(id: family.id, db: db)
                return .reused
            }
            guard token.expiresAt > date else { return .invalid }
            var retired = token
            retired.rotatedAt = date
            try retired.update(db)
            try RefreshTokenRecord(
                tokenHash: successorHash,
                familyId: family.id,
                userId: user.id,
                expiresAt: successorExpiresAt,
                rotatedAt: nil,
                createdAt: date
            ).insert(db)
            return .rotated(user, familyId: family.id)
        }
    }

    /// The family of a refresh token, whatever its state.
    func familyId(ofRefreshTokenHash hash: String) throws -> String? {
        try pool.read { db in try RefreshTokenRecord.fetchOne(db, key: hash)?.familyId }
    }

    /// Whether a family exists for an account.
    func familyExists(id: String, userId: String) throws -> Bool {
        try pool.read { db in
            try TokenFamilyRecord.filter(key: id).filter(Column("userId") == userId).fetchCount(db) > 0
        }
    }

    /// Revokes a login family: its refresh tokens and, through `sid`, its access tokens.
    func revokeFamily(id: String) throws {
        try pool.write { db in try Self.revokeFamily(id: id, db: db) }
    }

    private static func revokeFamily(id: String, db: Database) throws {
        try db.execute(sql: "UPDATE token_family SET revoked = 1 WHERE id = ?", arguments: [id])
    }

    /// The stored account behind an access token, or nil when the account or its family is gone or revoked.
    func activeAccount(userId: String, familyId: String) throws -> UserRecord? {
        try pool.read { db in
            try UserRecord.fetchOne(
                db,
                sql: """
                    SELECT user.* FROM user JOIN token_family ON token_family.userId = user.id
                    WHERE user.id = ? AND user.isAnonymous = 0 AND token_family.id = ? AND token_family.revoked = 0
                    """,
                arguments: [userId, familyId]
            )
        }
    }

    // MARK: - Anonymous sessions

    /// A live anonymous session, or nil when unknown or last used at or before `seenAfter`.
    func anonymousSession(id: String, seenAfter: Date) throws -> UserRecord? {
        try pool.read { db in
            try UserRecord.filter(key: id).filter(UserRecord.Columns.isAnonymous == true)
                .filter(UserRecord.Columns.lastSeenAt > seenAfter).fetchOne(db)
        }
    }

    func insertAnonymousSession(id: String, at date: Date) throws -> UserRecord {
        let record = UserRecord(
            id: id,
            email: nil,
            passwordHash: nil,
            role: Role.anonymous.rawValue,
            isAnonymous: true,
            createdAt: date,
            lastSeenAt: date
        )
        try pool.write { db in try record.insert(db) }
        return record
    }

    func touchAnonymousSession(id: String, at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE user SET lastSeenAt = ? WHERE id = ? AND isAnonymous = 1",
                arguments: [date, id]
            )
        }
    }

    /// Deletes anonymous sessions last used at or before `cutoff` and returns how many went.
    ///
    /// Their documents, memories and conversations go with them (http-api.md section 1: a session expires with its
    /// data).
    @discardableResult
    func purgeAnonymousSessions(lastSeenAtOrBefore cutoff: Date) throws -> Int {
        // Chunks of removed duplicates leave the index: term frequencies change.
        defer { frequencies.invalidate() }
        return try pool.write { db in
            let expired = "SELECT id FROM user WHERE isAnonymous = 1 AND lastSeenAt <= ?"
            try db.execute(sql: "DELETE FROM document WHERE ownerId IN (\(expired))", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM memory WHERE ownerId IN (\(expired))", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM conversation WHERE ownerId IN (\(expired))", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM user WHERE isAnonymous = 1 AND lastSeenAt <= ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    // MARK: - Migration

    /// Moves an anonymous session's documents, personal memories and conversations to an account and deletes the
    /// session (http-api.md section 4, "Migration"); nil when the session is gone or nothing moved.
    ///
    /// A document whose SHA-256 the account already owns (not failed) is dropped rather than moved.
    private static func migrate(
        from anonymousId: String,
        to userId: String,
        seenAfter: Date,
        db: Database
    ) throws
        -> Migration?
    {
        guard
            try UserRecord.filter(key: anonymousId).filter(UserRecord.Columns.isAnonymous == true)
                .filter(UserRecord.Columns.lastSeenAt > seenAfter).fetchCount(db) > 0
        else { return nil }
        var documents = 0
        let owned = try DocumentRecord.filter(DocumentRecord.Columns.ownerId == anonymousId).fetchAll(db)
        for document in owned {
            let duplicate =
                try DocumentRecord.filter(DocumentRecord.Columns.ownerId == userId)
                .filter(DocumentRecord.Columns.sha256 == document.sha256)
                .filter(DocumentRecord.Columns.status != "failed").fetchCount(db) > 0
            if duplicate {
                _ = try DocumentRecord.deleteOne(db, key: document.id)
            } else {
                try db.execute(sql: "UPDATE document SET ownerId = ? WHERE id = ?", arguments: [userId, document.id])
                documents += 1
            }
        }
        try db.execute(
            sql: "UPDATE memory SET ownerId = ? WHERE ownerId = ? AND scope = 'personal'",
            arguments: [userId, anonymousId]
        )
        let memories = db.changesCount
        try db.execute(sql: "UPDATE conversation SET ownerId = ? WHERE ownerId = ?", arguments: [userId, anonymousId])
        let conversations = db.changesCount
        // Leftovers (shared-scope rows cannot belong to a session) would otherwise keep an owner that no longer exists.
        try db.execute(sql: "DELETE FROM memory WHERE ownerId = ?", arguments: [anonymousId])
        _ = try UserRecord.deleteOne(db, key: anonymousId)
        guard documents + memories + conversations > 0 else { return nil }
        return Migration(from: anonymousId, documents: documents, memories: memories, conversations: conversations)
    }
}
