import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// Refuses admin commands whose backend call alone would not (listing shared documents is open to users), in
    /// the words the engine and the server use for the same refusal.
    ///
    /// - Parameter action: What needs the role, such as `Managing shared documents`.
    /// - Throws: `BackendError.api` with code `forbidden` for a caller who is not an admin.
    func requireAdmin(for action: String) async throws {
        guard try await backend.whoAmI().role == .admin else {
            throw BackendError.api(
                .init(code: .forbidden, message: "\(action) requires the admin role.", status: 403)
            )
        }
    }

    /// `/admin memory`.
    func listSharedMemories() async throws -> CommandOutcome {
        let page = try await backend.sharedMemories(limit: 200, offset: 0)
        let text = Self.memoryList(page.items, total: page.total).replacingFirst("memor", with: "shared memor")
        return .output(StyledText(text), result: Self.result(page))
    }

    /// `/admin memory add TEXT`.
    func addSharedMemory(_ text: String) async throws -> CommandOutcome {
        let memory = try await backend.addSharedMemory(text)
        let line = "Remembered \(memory.id) for everyone: \(memory.content)"
        journal?.record(input: "/admin memory add \(text)", output: line)
        return .output(StyledText(line), result: Self.result(memory))
    }

    /// `/admin memory rm ID`.
    func removeSharedMemory(_ id: String) async throws -> CommandOutcome {
        let deleted = try await backend.deleteSharedMemory(id: id)
        let line = "Forgot shared memory \(deleted.id)"
        journal?.record(input: "/admin memory rm \(id)", output: line, replayable: false)
        return .output(StyledText(line), result: Self.result(deleted))
    }

    /// `/admin users`.
    func listUsers() async throws -> CommandOutcome {
        let page = try await backend.users(limit: 200, offset: 0)
        var lines = [page.total == 1 ? "1 user" : "\(page.total) users"]
        let width = page.items.map { DisplayWidth.of($0.email) }.max() ?? 0
        for user in page.items {
            lines.append(
                "  \(user.id)  \(DisplayWidth.pad(user.email, toColumns: width))  \(user.role.rawValue)  "
                    + "\(user.documentCount) document\(user.documentCount == 1 ? "" : "s"), "
                    + "\(user.memoryCount) memor\(user.memoryCount == 1 ? "y" : "ies")"
            )
        }
        return .output(StyledText(lines.joined(separator: "\n")), result: Self.result(page))
    }

    /// `/admin users role EMAIL ROLE`.
    func setRole(email: String, role: Role) async throws -> CommandOutcome {
        let users = try await backend.users(limit: 200, offset: 0).items
        guard let user = users.first(where: { $0.email.lowercased() == email.lowercased() || $0.id == email }) else {
            throw CommandError.invalidArgument(command: "admin", message: "No user with email '\(email)'.")
        }
        let updated = try await backend.setRole(userId: user.id, role: role)
        return .output(StyledText("\(updated.email) is now \(updated.role.rawValue)"), result: Self.result(updated))
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
