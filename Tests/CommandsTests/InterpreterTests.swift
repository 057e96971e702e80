import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Session
import Testing

@testable import Commands

@Suite struct InterpreterTests {
    private func interpreter(_ store: NorthwindStore) -> Interpreter {
        Interpreter(
            backend: EmbeddedBackend(knowledgeBase: store.knowledgeBase),
            session: ActiveSession(),
            sessions: InMemorySessionStore(),
            workingDirectory: TestCorpus.repositoryRoot
        )
    }

    private func text(_ outcome: CommandOutcome) -> String? {
        if case .output(let text, _) = outcome { return text.plain }
        return nil
    }

    @Test func docsListsDocumentsWithStatus() async throws {
        let store = try await NorthwindStore.make(documents: ["employee-handbook.md"])
        let output = try #require(text(await interpreter(store).handle("/docs")))
        let id = try #require(store.ids["employee-handbook.md"])
        // Fitted to 80 columns (no terminal to ask): the title is the widest column, so it gives way first.
        #expect(output == "1 document\n  \(id)  employee-handbook.md  \"Northwind Robotics Employee…\"  ready")
        #expect(output.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) < Interpreter.defaultColumns })
        let wide = Interpreter(
            backend: EmbeddedBackend(knowledgeBase: store.knowledgeBase),
            session: ActiveSession(),
            sessions: InMemorySessionStore(),
            workingDirectory: TestCorpus.repositoryRoot,
            columns: { 200 }
        )
        let full = try #require(text(await wide.handle("/docs")))
        #expect(full == "1 document\n  \(id)  employee-handbook.md  \"Northwind Robotics Employee Handbook\"  ready")
    }

    @Test func questionStreamsAndIsRecordedInTheSession() async throws {
        let store = try await NorthwindStore.make(documents: ["travel-policy.pdf"])
        let interpreter = interpreter(store)
        guard
            case .answer(let stream, let input) = await interpreter.handle(
                "What is the nightly hotel cap in high-cost cities?"
            )
        else {
            Issue.record("not an answer")
            return
        }
        let collected = await AnswerCollector().collect(stream, input: input)
        await interpreter.session.record(collected.turn)
        #expect(collected.turn.answer.contains("$320"))
        let sources = try #require(text(await interpreter.handle("/sources")))
        #expect(sources.contains("travel-policy.pdf p."))
        let full = try #require(text(await interpreter.handle("/sources 1")))
        #expect(full.contains("$320"))
        let history = try #require(text(await interpreter.handle("/history")))
        #expect(history.hasPrefix("> What is the nightly hotel cap in high-cost cities?\n"))
    }

    @Test func badUploadReportsTheFileAndReason() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let interpreter = interpreter(store)
        guard case .upload(let plan) = await interpreter.handle("/upload samples/northwind/bad/not-a-zip.docx") else {
            Issue.record("not an upload")
            return
        }
        let result = await UploadRunner(backend: interpreter.backend).run(plan.files[0], title: nil, shared: false) {
            _,
            _,
            _ in
        }
        #expect(
            result.line.plain
                == "error: Cannot read 'not-a-zip.docx': not a Word document (no ZIP container). "
                + "Save it again as .docx or upload it as .txt."
        )
    }

    @Test func uploadOfMissingPathFailsLocally() async throws {
        let store = try await NorthwindStore.make(documents: [])
        guard case .upload(let plan) = await interpreter(store).handle("/upload nowhere/x.pdf") else {
            Issue.record("not an upload")
            return
        }
        #expect(plan.files.isEmpty)
        #expect(plan.problems.first?.line.plain == "error: Cannot read 'nowhere/x.pdf': no such file or folder.")
    }

    @Test func uploadIndexesAndReportsChunks() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let interpreter = interpreter(store)
        guard case .upload(let plan) = await interpreter.handle("/upload samples/northwind/docs/travel-policy.pdf")
        else {
            Issue.record("not an upload")
            return
        }
        let result = await UploadRunner(backend: interpreter.backend).run(plan.files[0], title: nil, shared: false) {
            _,
            _,
            _ in
        }
        #expect(result.line.plain.hasPrefix("Indexed travel-policy.pdf as doc_"))
        #expect(result.line.plain.hasSuffix(", 2 pages"))
        let again = await UploadRunner(backend: interpreter.backend).run(plan.files[0], title: nil, shared: false) {
            _,
            _,
            _ in
        }
        #expect(again.line.plain.hasPrefix("Already indexed travel-policy.pdf as doc_"))
    }

    @Test func memoryCommandsRoundTrip() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let interpreter = interpreter(store)
        let remembered = try #require(text(await interpreter.handle("/remember My manager is Priya Natarajan.")))
        #expect(remembered.hasPrefix("Remembered mem_"))
        #expect(remembered.hasSuffix(": My manager is Priya Natarajan."))
        let id = String(remembered.dropFirst("Remembered ".count).prefix { $0 != ":" })
        #expect(try #require(text(await interpreter.handle("/memories"))).contains(id))
        #expect(text(await interpreter.handle("/forget \(id)")) == "Forgot \(id)")
        guard case .failure(let code, _) = await interpreter.handle("/forget \(id)") else {
            Issue.record("forgetting twice should fail")
            return
        }
        #expect(code == .memoryNotFound)
    }

    @Test func loginExplainsItNeedsAServer() async throws {
        let store = try await NorthwindStore.make(documents: [])
        guard case .failure(_, let message) = await interpreter(store).handle("/login dana@northwind.example") else {
            Issue.record("login should fail on the local store")
            return
        }
        #expect(message.hasPrefix("/login needs a server"))
    }

    @Test func resumeOfUnknownSessionSuggestsAName() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let sessions = InMemorySessionStore()
        try sessions.save(
            SavedSession(name: "northwind", createdAt: Date(), updatedAt: Date(), backendConversationId: nil, turns: [])
        )
        let interpreter = Interpreter(
            backend: EmbeddedBackend(knowledgeBase: store.knowledgeBase),
            session: ActiveSession(),
            sessions: sessions
        )
        guard case .failure(_, let message) = await interpreter.handle("/resume nortwind") else {
            Issue.record("expected a failure")
            return
        }
        #expect(message == "No session named 'nortwind'. Did you mean 'northwind'? See /sessions.")
    }

    @Test func policyRefusesCommandsOutsideItsList() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let interpreter = Interpreter(
            backend: EmbeddedBackend(knowledgeBase: store.knowledgeBase),
            session: ActiveSession(),
            sessions: InMemorySessionStore(),
            policy: .init(allowed: ["docs"]) { "/\($0) is not available here" }
        )
        guard case .failure(let code, let message) = await interpreter.handle("/new") else {
            Issue.record("expected a failure")
            return
        }
        #expect(code == .forbiddenCommand)
        #expect(message == "/new is not available here")
    }
}
