import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/compare DOC DOC [DOC...] [-- QUESTION]`: documents by id, file name or title prefix; streamed like an
    /// answer.
    func compare(_ references: [String], question: String?, input: String) async throws -> CommandOutcome {
        var ids: [String] = []
        for reference in references {
            let document = try await resolveDocument(reference)
            guard !ids.contains(document.id) else {
                throw CommandError.invalidArgument(
                    command: "compare",
                    message: "'\(reference)' names \(document.filename) twice."
                )
            }
            ids.append(document.id)
        }
        let stream = try await backend.compare(CompareRequest(documentIds: ids, query: question))
        return .answer(stream, input: input)
    }
}
