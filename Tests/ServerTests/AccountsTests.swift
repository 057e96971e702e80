import ChatAPI
import Engine
import Foundation
import Synchronization
import Testing

/// The engine's accounts below HTTP: secrets, the admin rule, rotation and anonymous sessions.
@Suite struct AccountsTests {
    static func withAccounts<T>(
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: (KnowledgeBase, Accounts) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatshell-accounts-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory, now: now))
        let accounts = knowledgeBase.accounts(configuration: AccountsConfiguration(secret: .random(), bcryptCost: 10))
        return try await body(knowledgeBase, accounts)
    }

    @Test func secretsShorterThan32BytesAreRefused() throws {
        #expect(throws: EngineError.self) { try SigningSecret(bytes: Array("short".utf8)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatshell-secret-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: EngineError.self) {
            try SigningSecret.resolve(environment: ["CHATSHELL_JWT_SECRET": "too short"], dataDirectory: directory)
        }
        let configured = try SigningSecret.resolve(
            environment: ["CHATSHELL_JWT_SECRET": String(repeating: "s", count: 32)],
            dataDirectory: directory
        )
        #expect(configured == (try SigningSecret(bytes: Array(String(repeating: "s", count: 32).utf8))))
    }

    @Test func aGeneratedSecretIsKeptOwnerReadableAndReused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatshell-secret-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try SigningSecret.resolve(environment: [:], dataDirectory: directory)
        let second = try SigningSecret.resolve(environment: [:], dataDirectory: directory)
        #expect(first == second)
        let path = directory.appendingPathComponent(SigningSecret.fileName).path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: EngineError.self) { try SigningSecret.resolve(environment: [:], dataDirectory: directory) }
    }

    @Test func concurrentFirstRegistrationsMakeOneAdmin() async throws {
        try await Self.withAccounts { _, accounts in
            let roles = try await withThrowingTaskGroup(of: Role.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await accounts.register(
                            email: "user\(index)@northwind.example",
                            password: "password \(index)!"
                        ).role
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(roles.sorted { $0.rawValue < $1.rawValue } == [.admin, .user, .user, .user, .user, .user])
        }
    }

    @Test func verifyUsesTheStoredRoleAndRejectsForeignTokens() async throws {
        try await Self.withAccounts { knowledgeBase, accounts in
            let admin = try await accounts.register(email: "dana@northwind.example", password: "correct horse 42")
            let user = try await accounts.register(email: "lee@northwind.example", password: "correct horse 43")
            #expect(try await accounts.verify(accessToken: user.accessToken).role == .user)
            let adminPrincipal = try await accounts.verify(accessToken: admin.accessToken)
            _ = try knowledgeBase.setRole(userId: user.user.id, role: .admin, as: adminPrincipal)
            #expect(try await accounts.verify(accessToken: user.accessToken).role == .admin)

            let other = knowledgeBase.accounts(configuration: AccountsConfiguration(secret: .random(), bcryptCost: 10))
            await #expect(throws: EngineError.invalidToken) { try await other.verify(accessToken: admin.accessToken) }
            await #expect(throws: EngineError.invalidToken) { try await accounts.verify(accessToken: "a.b.c") }
        }
    }

    @Test func expiryFollowsTheEngineClock() async throws {
        let clock = TestClock()
        try await Self.withAccounts(now: { clock.now }) { _, accounts in
            let tokens = try await accounts.register(email: "dana@northwind.example", password: "correct horse 42")
            clock.advance(by: 899)
            _ = try await accounts.verify(accessToken: tokens.accessToken)
            clock.advance(by: 2)
            await #expect(throws: EngineError.tokenExpired) {
                try await accounts.verify(accessToken: tokens.accessToken)
            }
            // The refresh token still works and yields a live access token.
            let refreshed = try await accounts.refresh(refreshToken: tokens.refreshToken)
            _ = try await accounts.verify(accessToken: refreshed.accessToken)
        }
    }

    @Test func anonymousSessionsExpireSevenDaysAfterLastUse() async throws {
        let clock = TestClock()
        try await Self.withAccounts(now: { clock.now }) { _, accounts in
            let opened = try accounts.anonymousSession(presented: nil)
            #expect(opened.created)
            #expect(Accounts.isAnonymousId(opened.principal.id))
            clock.advance(by: 6 * 86_400)
            let renewed = try accounts.anonymousSession(presented: opened.principal.id)
            #expect(!renewed.created)
            #expect(renewed.principal.id == opened.principal.id)
            clock.advance(by: 6 * 86_400)
            #expect(try accounts.anonymousSession(presented: opened.principal.id).principal.id == opened.principal.id)
            clock.advance(by: 7 * 86_400 + 1)
            let replaced = try accounts.anonymousSession(presented: opened.principal.id)
            #expect(replaced.created)
            #expect(replaced.replacedPresented)
            #expect(replaced.principal.id != opened.principal.id)
        }
    }
}

/// A settable clock for expiry tests.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_773_480_605))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
