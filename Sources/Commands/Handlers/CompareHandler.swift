import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/compare DOC DOC [DOC...] [-- QUESTION]`: documents by id, file name or title prefix; streamed like an
    /// answer.
    ///
    /// Without `all`, the report becomes the answer-first brief (`ComparisonBrief`).
    func compare(_ references: [String], question: String?, all: Bool, input: String) async throws -> CommandOutcome {
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
        if all { return .answer(stream, input: input) }
        let quoted = references.map { $0.contains(" ") ? "\"\($0)\"" : $0 }
        let command = "/compare " + quoted.joined(separator: " ") + " --all" + (question.map { " -- " + $0 } ?? "")
        return .answer(ComparisonBrief.summarizing(stream, fullReportCommand: command), input: input)
    }
}
