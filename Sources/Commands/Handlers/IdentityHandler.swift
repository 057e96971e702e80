import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/login EMAIL` and `/register EMAIL`: the password is read without echo.
    func login(_ email: String?, register: Bool) async throws -> CommandOutcome {
        let command = register ? "register" : "login"
        if case .embedded = backend.kind {
            throw CommandError.forbidden(
                "/\(command) needs a server: start chatshell with --server URL (or set CHATSHELL_SERVER). "
                    + "The local store has one built-in admin account."
            )
        }
        guard let email else { throw CommandError.missingArgument(command: command, argument: "email") }
        guard let readPassword, let password = await readPassword("Password for \(email): ") else {
            throw CommandError.forbidden("/\(command) needs an interactive terminal to read the password.")
        }
        let response =
            register
            ? try await backend.register(email: email, password: password)
            : try await backend.login(email: email, password: password)
        var text =
            "\(register ? "Registered and logged in" : "Logged in") as \(response.user.email) (\(response.role.rawValue))"
        if let migration = response.migration {
            text +=
                ". Moved from the anonymous session: \(Plural.count(migration.documents, "document")), "
                + "\(Plural.count(migration.memories, "memory", plural: "memories")), "
                + "\(Plural.count(migration.conversations, "conversation"))"
        }
        // A conversation moves with the anonymous session into the account; any other belongs to someone else now.
        if await session.backendConversationId != nil, (response.migration?.conversations ?? 0) == 0 {
            await saveSession()
            await session.reset()
            text += ". Started a new conversation"
        }
        return .output(StyledText(text), result: Self.result(response.user))
    }

    /// `/logout`.
    func logout() async throws -> CommandOutcome {
        if case .embedded = backend.kind {
            throw CommandError.forbidden("/logout needs a server: the local store has one built-in admin account.")
        }
        try await backend.logout()
        // The conversation belonged to the account just left; the server would answer the next question with
        // "Conversation not found". The session so far stays saved.
        await saveSession()
        await session.reset()
        return .output(StyledText("Logged out. Started a new conversation."), result: nil)
    }

    /// `/whoami`: user, role and backend.
    func whoami() async throws -> CommandOutcome {
        let identity = try await backend.whoAmI()
        let capabilities = try? await backend.capabilities()
        let who: String
        if case .embedded = backend.kind {
            who = "local user"
        } else {
            who = identity.email ?? "anonymous session"
        }
        var text = "\(who) (\(identity.role.rawValue)) · \(backend.kind.description)"
        if let capabilities {
            text += " · answers: \(capabilities.generator == "llm" ? capabilities.model ?? "llm" : "extractive")"
        }
        return .output(StyledText(text), result: Self.result(identity))
    }
}
