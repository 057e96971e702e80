import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Engine

/// Jobs in the store and their leases (issue 15): work is taken up only from a holder that is gone, a document
/// that keeps killing its process fails instead of being taken up forever, and statuses stay true.
@Suite struct IngestionLeaseTests {
    private let folder = TemporaryDirectory(prefix: "chatshell-lease")

    /// The token of a process of this machine that has exited.
    private static func exitedProcess() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let current = ProcessIdentity.current
        return ProcessIdentity(
            host: current.host,
            pidNamespace: current.pidNamespace,
            pid: process.processIdentifier,
            startTime: "1"
        ).token
    }

    /// Stores a processing document and its job as another process would have left it.
    private static func leave(
        _ store: SQLiteStore,
        id: String,
        holder: String,
        expires: Date,
        attempts: Int = 1,
        stage: String = "extracting",
        progress: Int = 10
    ) throws {
        let date = Date()
        let record = DocumentRecord(
            id: id,
            ownerId: Principal.local.id,
            scope: "personal",
            filename: "\(id).txt",
            title: id,
            type: "txt",
            sizeBytes: 40,
            sha256: id,
            pageCount: nil,
            chunkCount: 0,
            status: "processing",
            stage: stage,
            progress: progress,
            message: nil,
            error: nil,
            errorCode: nil,
            extractedText: nil,
            createdAt: date,
            updatedAt: date
        )
        let job = IngestionJobRecord(
            documentId: id,
            owner: Principal.local.id,
            filename: "\(id).txt",
            type: "txt",
            title: nil,
            data: Data("The spare keys of \(id) are in the blue cabinet.".utf8),
            leaseOwner: "lease_gone",
            leaseProcess: holder,
            leaseExpiresAt: expires,
            attempts: attempts,
            createdAt: date
        )
        try store.insertDocument(record, job: job)
    }

    private func take(_ store: SQLiteStore) throws -> (taken: [IngestionJobRecord], failed: [String]) {
        try store.takeAbandonedJobs(
            leaseOwner: "lease_me",
            process: ProcessIdentity.current.token,
            now: Date(),
            expiry: Date().addingTimeInterval(30),
            maxAttempts: IngestionLease.maxAttempts,
            hasExited: { ProcessIdentity.hasExited($0) }
        )
    }

    @Test func aProcessSeesItselfAliveAndAnExitedProcessGone() throws {
        #expect(!ProcessIdentity.hasExited(ProcessIdentity.current.token))
        #expect(ProcessIdentity.hasExited(try Self.exitedProcess()))
        // Another machine's process is judged by its lease alone.
        var elsewhere = ProcessIdentity.current
        elsewhere.host += "-elsewhere"
        elsewhere.pid = 999_999
        #expect(!ProcessIdentity.hasExited(elsewhere.token))
    }

    @Test func onlyJobsWhoseHolderIsGoneAreTaken() throws {
        let store = try SQLiteStore(directory: folder.url)
        let later = Date().addingTimeInterval(60)
        var elsewhere = ProcessIdentity.current
        elsewhere.host += "-elsewhere"
        try Self.leave(store, id: "doc_alive", holder: ProcessIdentity.current.token, expires: later)
        try Self.leave(store, id: "doc_remote", holder: elsewhere.token, expires: later)
        try Self.leave(store, id: "doc_exited", holder: try Self.exitedProcess(), expires: later)
        try Self.leave(store, id: "doc_expired", holder: elsewhere.token, expires: Date().addingTimeInterval(-1))

        let (taken, failed) = try take(store)

        #expect(Set(taken.map(\.documentId)) == ["doc_exited", "doc_expired"])
        #expect(taken.allSatisfy { $0.leaseOwner == "lease_me" && $0.attempts == 2 })
        #expect(failed.isEmpty)
        // Taken once: a second look finds them held by a live owner.
        #expect(try take(store).taken.isEmpty)
    }

    @Test func aDocumentWhoseProcessExitedIsFinishedWhenTheStoreOpensAgain() async throws {
        do {
            let store = try SQLiteStore(directory: folder.url)
            try Self.leave(
                store,
                id: "doc_left",
                holder: try Self.exitedProcess(),
                expires: Date().addingTimeInterval(60),
                stage: "chunking",
                progress: 40
            )
        }
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: folder.url))

        let status = try await knowledgeBase.waitUntilProcessed(id: "doc_left", as: .local)

        #expect(status.status == "completed")
        #expect(status.errorCode == nil)
        #expect(status.progress == 100)
        let hits = try await knowledgeBase.search(SearchRequest(query: "spare keys blue cabinet"), as: .local)
        #expect(hits.results.contains { $0.documentId == "doc_left" })
    }

    @Test func aDocumentThatStoppedItsProcessThreeTimesFailsInterrupted() async throws {
        do {
            let store = try SQLiteStore(directory: folder.url)
            try Self.leave(
                store,
                id: "doc_poison",
                holder: try Self.exitedProcess(),
                expires: Date().addingTimeInterval(60),
                attempts: IngestionLease.maxAttempts
            )
        }
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: folder.url))

        let status = try await knowledgeBase.waitUntilProcessed(id: "doc_poison", as: .local)

        #expect(status.status == "failed")
        #expect(status.errorCode == "interrupted")
        #expect(status.error?.contains("stopped 3 times") == true)
        #expect(status.progress == 10)
    }

    @Test func aFinishedRunThatLostItsLeaseStoresNothing() throws {
        let store = try SQLiteStore(directory: folder.url)
        try Self.leave(store, id: "doc_stolen", holder: try Self.exitedProcess(), expires: Date())
        _ = try take(store)

        // The first holder comes back and finishes: its lease is gone, so the new holder's run decides.
        let stored = try store.finishDocuments(
            [.failed(id: "doc_stolen", code: "extraction_failed", error: "late")],
            leaseOwner: "lease_gone",
            at: Date()
        )

        #expect(stored.isEmpty)
        #expect(try store.document(id: "doc_stolen")?.status == "processing")
    }
}
