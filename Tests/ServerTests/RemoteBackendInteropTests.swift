import ChatAPI
import ChatClient
import Foundation
import Synchronization
import Testing

/// The project's own libcurl client against the live server: the two halves of remote mode agree.
@Suite struct RemoteBackendInteropTests {
    @Test func anAnonymousClientRegistersUploadsAsksAndLogsOut() async throws {
        try await TestServer.with { server in
            let notices = Mutex<[String]>([])
            let backend = try RemoteBackend(
                server: server.origin,
                onNotice: { message in notices.withLock { $0.append(message) } }
            )
            let capabilities = try await backend.capabilities()
            #expect(capabilities.limits.maxUploadBytes == 52_428_800)

            // Anonymous first: the upload lands in a session that registration carries over.
            let file = Corpus.docs.appendingPathComponent("product-x200-spec.pdf")
            let upload = try await backend.upload(file: file, title: nil, shared: false)
            #expect(upload.filename == "product-x200-spec.pdf")
            let status = try await backend.waitUntilProcessed(id: upload.documentId) { _ in }
            #expect(status.status == "completed")
            let anonymous = try await backend.whoAmI()
            #expect(anonymous.isAnonymous)

            let tokens = try await backend.register(email: "dana@northwind.example", password: "correct horse 42")
            #expect(tokens.role == .admin)
            #expect(tokens.migration?.documents == 1)
            let me = try await backend.whoAmI()
            #expect(me.email == "dana@northwind.example")

            var events: [StreamEvent] = []
            for try await event in try await backend.ask(QueryRequest(query: QueryStreamTests.payloadQuestion)) {
                events.append(event)
            }
            guard case .done(let done) = try #require(events.last) else {
                Issue.record("no done event")
                return
            }
            #expect(done.answer.contains("8 kg"))
            let answer = try await backend.query(QueryRequest(query: QueryStreamTests.payloadQuestion))
            #expect(answer.answer == done.answer)

            let documents = try await backend.documents(scope: nil, limit: 50, offset: 0)
            #expect(documents.items.map(\.id) == [upload.documentId])
            let memory = try await backend.remember("My desk is B-12.")
            #expect(try await backend.memories(limit: 50, offset: 0).items.map(\.id) == [memory.id])
            _ = try await backend.forget(id: memory.id)
            let conversations = try await backend.conversations(limit: 50, offset: 0)
            #expect(conversations.total == 2)
            let users = try await backend.users(limit: 50, offset: 0)
            #expect(users.total == 1)
            let shared = try await backend.addSharedMemory("The canteen opens at 11:30.")
            #expect(shared.scope == .shared)
            _ = try await backend.deleteDocument(id: upload.documentId, shared: false)

            try await backend.logout()
            do {
                _ = try await backend.users(limit: 50, offset: 0)
                Issue.record("admin route answered after logout")
            } catch let error as BackendError {
                #expect(error.code == .authRequired)
            }
        }
    }

    @Test func validationErrorsReachTheClientAsAPIErrors() async throws {
        try await TestServer.with { server in
            let backend = try RemoteBackend(server: server.origin)
            do {
                _ = try await backend.ask(QueryRequest(query: ""))
                Issue.record("an empty question was accepted")
            } catch let error as BackendError {
                #expect(error.code == .validationError)
            }
            do {
                _ = try await backend.login(email: "nobody@northwind.example", password: "whatever 123")
                Issue.record("an unknown account logged in")
            } catch let error as BackendError {
                #expect(error.code == .invalidCredentials)
            }
            let bad = Corpus.bad.appendingPathComponent("truncated.pdf")
            do {
                _ = try await backend.upload(file: bad, title: nil, shared: false)
                Issue.record("a truncated PDF was accepted")
            } catch let error as BackendError {
                #expect(error.code == .invalidFile)
            }
        }
    }
}
