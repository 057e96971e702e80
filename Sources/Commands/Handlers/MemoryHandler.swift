import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/remember TEXT`.
    func remember(_ text: String) async throws -> CommandOutcome {
        let memory = try await backend.remember(text)
        let line = "Remembered \(memory.id): \(memory.content)"
        journal?.record(input: "/remember \(text)", output: line)
        return .output(StyledText(line), result: Self.result(memory))
    }

    /// `/memories`.
    func listMemories() async throws -> CommandOutcome {
        let page = try await backend.memories(limit: 200, offset: 0)
        return .output(StyledText(Self.memoryList(page.items, total: page.total)), result: Self.result(page))
    }

    /// `/forget ID`.
    func forget(_ id: String) async throws -> CommandOutcome {
        let deleted = try await backend.forget(id: id)
        journal?.record(input: "/forget \(id)", output: "Forgot \(deleted.id)", replayable: false)
        return .output(StyledText("Forgot \(deleted.id)"), result: Self.result(deleted))
    }

    static func memoryList(_ memories: [Memory], total: Int) -> String {
        var lines = [Plural.count(total, "memory", plural: "memories")]
        lines.append(contentsOf: memories.map { "  \($0.id)  \($0.content)" })
        return lines.joined(separator: "\n")
    }
}
