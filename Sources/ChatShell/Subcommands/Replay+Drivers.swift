import ChatAPI
import ChatClient
import Commands
import Engine
import Foundation
import Synchronization
import Transcripts

/// The backends transcripts run on (transcripts.md section 7): a fresh embedded store per transcript with a
/// stepping clock and sequential ids, or a fresh account on a server.
enum ReplayDrivers {
    /// 2026-01-01T00:00:00Z, where every replay's clock starts.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    /// A driver factory: embedded unless `server` is set.
    static func factory(
        server: String?,
        allowAdmin: Bool,
        environment: [String: String]
    ) -> TranscriptDriverFactory {
        if let server {
            return { setup in
                try await remote(server: server, setup: setup, allowAdmin: allowAdmin, environment: environment)
            }
        }
        return { setup in try await embedded(setup) }
    }

    // MARK: - Embedded

    /// A fresh temporary data directory holding the `@ user` account, deleted at the end unless kept.
    ///
    /// The clock starts at `epoch` and moves one second per reading, so timestamps and "newest first" orders are
    /// the same on every run; ids count per kind (`doc_1`, `doc_2`, ...).
    static func embedded(_ setup: TranscriptSetup) async throws -> InterpreterTranscriptDriver {
        let ticks = Mutex(0)
        let store: TemporaryEmbeddedBackend
        do {
            store = try TemporaryEmbeddedBackend(purpose: "replay") { directory in
                try KnowledgeBase(
                    configuration: EngineConfiguration(
                        dataDirectory: directory,
                        now: {
                            let tick = ticks.withLock { count in
                                count += 1
                                return count
                            }
                            return epoch.addingTimeInterval(TimeInterval(tick))
                        },
                        makeId: IdGenerator.sequential()
                    )
                )
            }
        } catch {
            throw TranscriptInfrastructureError("Cannot create a temporary store: \(error.localizedDescription)")
        }
        let principal: Principal
        do {
            principal = try await account(for: setup.role, in: store.knowledgeBase)
        } catch {
            store.remove()
            throw TranscriptInfrastructureError("Cannot create the replay account: \(error.localizedDescription)")
        }
        let keep = setup.keep
        return InterpreterTranscriptDriver(
            backend: store.backend(as: principal),
            workingDirectory: setup.repositoryRoot,
            now: epoch,
            cleanup: {
                if keep { return "kept data directory \(store.directory.path)" }
                store.remove()
                return nil
            }
        )
    }

    /// The account a transcript runs as: `replay@example.invalid` with the `@ user` role, or an anonymous session.
    ///
    /// The first account of a store becomes admin, so a `user` run registers an admin account first; it is never
    /// used and only an admin could see it in `/admin users`.
    static func account(for role: TranscriptRole, in knowledgeBase: KnowledgeBase) async throws -> Principal {
        let accounts = knowledgeBase.accounts(
            configuration: AccountsConfiguration(secret: .random(), bcryptCost: AccountsConfiguration.minimumBcryptCost)
        )
        let password = "replay-" + UUID().uuidString
        switch role {
        case .anonymous:
            return try accounts.anonymousSession(presented: nil).principal
        case .user:
            _ = try await accounts.register(email: "replay-admin@example.invalid", password: password)
        case .admin:
            break
        }
        let tokens = try await accounts.register(email: "replay@example.invalid", password: password)
        return Principal(id: tokens.user.id, role: tokens.role, email: tokens.user.email)
    }

    // MARK: - Server

    /// A fresh account on a server (a second one if the first comes back admin), or the account of
    /// `CHATSHELL_REPLAY_USER=email:password` when registration is closed; documents are deleted afterwards.
    static func remote(
        server: String,
        setup: TranscriptSetup,
        allowAdmin: Bool,
        environment: [String: String]
    ) async throws -> InterpreterTranscriptDriver {
        let backend: RemoteBackend
        do {
            backend = try RemoteBackend(server: server, credentials: nil)
        } catch {
            throw TranscriptInfrastructureError(error.localizedDescription)
        }
        switch setup.role {
        case .anonymous:
            break
        case .admin:
            guard allowAdmin, let admin = environment["CHATSHELL_REPLAY_ADMIN"], !admin.isEmpty else {
                throw TranscriptSkip("@ user: admin needs CHATSHELL_REPLAY_ADMIN and --allow-admin")
            }
            try await logIn(backend, account: admin)
        case .user:
            try await registerOrLogIn(backend, environment: environment)
        }
        return InterpreterTranscriptDriver(
            backend: backend,
            workingDirectory: setup.repositoryRoot,
            now: epoch,
            transportIsInfrastructure: true,
            cleanup: {
                let documents = (try? await backend.documents(scope: nil, limit: 200, offset: 0).items) ?? []
                for document in documents where document.scope == .personal {
                    _ = try? await backend.deleteDocument(id: document.id, shared: false)
                }
                return nil
            }
        )
    }

    private static func registerOrLogIn(_ backend: RemoteBackend, environment: [String: String]) async throws {
        do {
            for _ in 0..<2 {
                let email = "replay-\(UUID().uuidString.lowercased())@example.invalid"
                let tokens = try await backend.register(email: email, password: UUID().uuidString)
                if tokens.role != .admin { return }
            }
            throw TranscriptInfrastructureError("the server made both fresh replay accounts admins")
        } catch let error as BackendError {
            if case .transport(let message) = error { throw TranscriptInfrastructureError(message) }
            guard let account = environment["CHATSHELL_REPLAY_USER"], !account.isEmpty else {
                throw TranscriptInfrastructureError(
                    "Registration failed (\(error.localizedDescription)). "
                        + "Set CHATSHELL_REPLAY_USER=email:password to replay as an existing account."
                )
            }
            try await logIn(backend, account: account)
            try await clear(backend)
        }
    }

    private static func logIn(_ backend: RemoteBackend, account: String) async throws {
        guard let colon = account.firstIndex(of: ":") else {
            throw TranscriptInfrastructureError("replay accounts are given as email:password")
        }
        do {
            _ = try await backend.login(
                email: String(account[..<colon]),
                password: String(account[account.index(after: colon)...])
            )
        } catch {
            throw TranscriptInfrastructureError("Account rejected: \(error.localizedDescription)")
        }
    }

    /// Deletes the account's documents and memories, so a shared replay account starts empty.
    private static func clear(_ backend: RemoteBackend) async throws {
        let documents = try await backend.documents(scope: nil, limit: 200, offset: 0).items
        for document in documents where document.scope == .personal {
            _ = try await backend.deleteDocument(id: document.id, shared: false)
        }
        for memory in try await backend.memories(limit: 200, offset: 0).items {
            _ = try await backend.forget(id: memory.id)
        }
    }
}
