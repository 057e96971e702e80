import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Session
import Testing

@testable import Commands

/// The document names Tab completes are asked of the backend only when they may have changed.
@Suite struct CompletionRefreshTests {
    @Test func documentNamesAreListedAgainOnlyAfterCommandsThatChangeThem() async throws {
        // Given a REPL's interpreter and completer on a real store, counting document listings.
        let store = try await NorthwindStore.make(documents: ["employee-handbook.md"])
        let backend = CountingBackend(EmbeddedBackend(knowledgeBase: store.knowledgeBase))
        let interpreter = Interpreter(
            backend: backend,
            session: ActiveSession(),
            sessions: InMemorySessionStore(),
            workingDirectory: TestCorpus.repositoryRoot
        )
        let completer = CommandCompleter(workingDirectory: TestCorpus.repositoryRoot.path)
        func listings(after line: String?) async -> Int {
            let before = backend.documentListings
            await interpreter.refreshCompletions(completer, after: line)
            return backend.documentListings - before
        }

        // At start the names are listed once.
        #expect(await listings(after: nil) == 1)
        #expect(completer.completions(line: "/docs show emp", cursor: 14) == ["employee-handbook.md"])

        // When a question is answered and other commands that change no document run, nothing is listed.
        guard case .answer(let stream, let input) = await interpreter.handle("How many vacation days do I get?")
        else {
            Issue.record("not an answer")
            return
        }
        _ = await AnswerCollector().collect(stream, input: input)
        #expect(await listings(after: "How many vacation days do I get?") == 0)
        for line in ["/help", "/sources", "/memories", "/history"] {
            _ = await interpreter.handle(line)
            #expect(await listings(after: line) == 0, "\(line)")
        }

        // When an upload runs, the names are listed again and include the new document.
        let upload = "/upload samples/northwind/docs/faq.md"
        guard case .upload(let plan) = await interpreter.handle(upload), let file = plan.files.first else {
            Issue.record("not an upload")
            return
        }
        _ = await UploadRunner(backend: backend).run(file, title: nil, shared: false) { _, _, _ in }
        #expect(await listings(after: upload) == 1)
        #expect(completer.completions(line: "/docs show fa", cursor: 13) == ["faq.md"])

        // When a document is removed, the names are listed again and lose it.
        let id = try #require(store.ids["employee-handbook.md"])
        _ = await interpreter.handle("/docs rm \(id)")
        #expect(await listings(after: "/docs rm \(id)") == 1)
        #expect(completer.completions(line: "/docs show emp", cursor: 14).isEmpty)
    }
}
