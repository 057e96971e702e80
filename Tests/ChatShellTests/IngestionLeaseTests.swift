import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// Two `chatshell serve` processes on one store (issue 15): a document whose process dies mid-way, or freezes past
/// its lease, is finished by the other process, and its status never says `failed` on the way.
@Suite(.serialized) struct IngestionLeaseTests {
    /// The two servers and a client of each, logged in to one account.
    private struct Pair {
        let holder: ServerProcess
        let other: ServerProcess
        let holderClient: RemoteBackend
        let otherClient: RemoteBackend
    }

    private func start(home: TemporaryDirectory, holderLease: String?) async throws -> Pair? {
        guard let binary = TestCorpus.binary else { return nil }
        var holderEnvironment = ["CHATSHELL_INGEST_PAUSE_MS": "600000"]
        if let holderLease { holderEnvironment["CHATSHELL_INGEST_LEASE_S"] = holderLease }
        let holder = try await ServerProcess(binary: binary, dataDirectory: home.url, environment: holderEnvironment)
        // A short lease makes the other server look for abandoned work every half second.
        let other = try await ServerProcess(
            binary: binary,
            dataDirectory: home.url,
            environment: ["CHATSHELL_INGEST_LEASE_S": "3"]
        )
        let holderClient = try RemoteBackend(server: holder.url)
        _ = try await holderClient.register(email: "dana@northwind.example", password: "correct horse battery")
        let otherClient = try RemoteBackend(server: other.url)
        _ = try await otherClient.login(email: "dana@northwind.example", password: "correct horse battery")
        return Pair(holder: holder, other: other, holderClient: holderClient, otherClient: otherClient)
    }

    /// Uploads the handbook through the holder and returns once the holder is extracting it.
    private func uploadHeld(_ pair: Pair) async throws -> String {
        let upload = try await pair.holderClient.upload(
            file: TestCorpus.document("employee-handbook.md"),
            title: nil,
            shared: false
        )
        #expect(await pair.holder.waitForLog("before extracting \(upload.documentId)", timeout: .seconds(30)))
        let status = try await pair.otherClient.documentStatus(id: upload.documentId)
        #expect(status.status == "processing")
        #expect(status.stage == "extracting")
        return upload.documentId
    }

    /// Waits for the document through the other server, recording every status seen.
    private func finish(_ id: String, _ pair: Pair) async throws -> (DocumentStatus, [DocumentStatus]) {
        let seen = StatusLog()
        let final = try await pair.otherClient.waitUntilProcessed(id: id) { seen.append($0) }
        return (final, seen.all + [final])
    }

    @Test func aDocumentWhoseServerIsKilledMidwayIsFinishedByTheOtherServer() async throws {
        let home = TemporaryDirectory()
        let pair = try #require(try await start(home: home, holderLease: nil), "build chatshell first: swift build")
        let id = try await uploadHeld(pair)

        // When the holder dies mid-document (its 30 s lease still running)
        pair.holder.send(SIGKILL)
        #expect(await pair.holder.waitForExit())

        // Then the other server sees the process is gone, takes the document up and completes it
        let (final, seen) = try await finish(id, pair)
        #expect(final.status == "completed")
        #expect(final.errorCode == nil && final.error == nil)
        #expect(seen.allSatisfy { $0.status != "failed" })
        #expect(seen.map(\.progress) == seen.map(\.progress).sorted())
        #expect(await pair.other.waitForLog("taking up document \(id)"))
        let document = try await pair.otherClient.document(id: id)
        #expect(document.chunkCount > 0)
        let hits = try await pair.otherClient.search(SearchRequest(query: "paid annual leave"))
        #expect(hits.results.contains { $0.documentId == id })
        _ = await pair.other.stop()
    }

    @Test func aDocumentWhoseServerFreezesPastItsLeaseIsFinishedByTheOtherServer() async throws {
        let home = TemporaryDirectory()
        let pair = try #require(try await start(home: home, holderLease: "2"), "build chatshell first: swift build")
        let id = try await uploadHeld(pair)

        // When the holder stops renewing (frozen, its process still there)
        pair.holder.send(SIGSTOP)
        defer { pair.holder.send(SIGCONT) }

        // Then its lease runs out and the other server completes the document
        let (final, seen) = try await finish(id, pair)
        #expect(final.status == "completed")
        #expect(final.errorCode == nil)
        #expect(seen.allSatisfy { $0.status != "failed" })
        #expect(await pair.other.waitForLog("taking up document \(id)"))
        pair.holder.send(SIGCONT)
        _ = await pair.holder.stop()
        _ = await pair.other.stop()
    }

    /// The issue's own case: the CLI opens a running server's store (`chatshell ask /docs`, then `chatshell ingest`
    /// of another file) while the server is mid-document; the document stays `processing`, then completes with no
    /// error, and the CLI's own document completes too.
    @Test func theCLIOnARunningServersStoreChangesNoStatus() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        // The pause holds the document mid-extraction long enough for both CLI runs, even on a loaded machine.
        let server = try await ServerProcess(
            binary: binary,
            dataDirectory: home.url,
            environment: ["CHATSHELL_INGEST_PAUSE_MS": "20000"]
        )
        let client = try RemoteBackend(server: server.url)
        _ = try await client.register(email: "dana@northwind.example", password: "correct horse battery")
        let upload = try await client.upload(
            file: TestCorpus.document("employee-handbook.md"),
            title: nil,
            shared: false
        )
        #expect(await server.waitForLog("before extracting \(upload.documentId)", timeout: .seconds(30)))

        let listed = try await BinaryRun.run(["--data-dir", home.url.path, "ask", "/docs"], home: home.url)
        #expect(listed.status == 0, "\(listed.standardError)")
        let ingested = try await BinaryRun.run(
            ["--data-dir", home.url.path, "ingest", TestCorpus.document("glossary.txt").path],
            home: home.url
        )
        #expect(ingested.status == 0, "\(ingested.standardError)")
        #expect(ingested.standardOutput.contains("glossary.txt"))

        // The CLI ran while the server still held the document, and left its status alone.
        let during = try await client.documentStatus(id: upload.documentId)
        #expect(during.status == "processing" && during.stage == "extracting" && during.errorCode == nil)
        let seen = StatusLog()
        let final = try await client.waitUntilProcessed(id: upload.documentId) { seen.append($0) }
        #expect(final.status == "completed")
        #expect(final.errorCode == nil && final.error == nil)
        #expect((seen.all + [final]).allSatisfy { $0.status != "failed" && $0.errorCode == nil })
        #expect(!server.logText.contains("taking up document"))
        _ = await server.stop()
    }
}

/// Statuses seen while waiting, from the progress callback.
private final class StatusLog: Sendable {
    private let storage = Mutex<[DocumentStatus]>([])

    func append(_ status: DocumentStatus) { storage.withLock { $0.append(status) } }

    var all: [DocumentStatus] { storage.withLock { $0 } }
}
