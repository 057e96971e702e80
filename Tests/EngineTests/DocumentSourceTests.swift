import ChatAPI
import ChatTestSupport
import Foundation
import GRDB
import Testing

@testable import Engine

/// Re-ingesting a folder keeps the store in step with it (issue 14): documents remember the file they were read from.
@Suite struct DocumentSourceTests {
    private static let first = "The harbour crane lifts forty tonnes. It was inspected in March by the port engineer."
    private static let second = "The harbour crane now lifts fifty tonnes after its refit. The refit ended in June."

    /// A fresh store and a folder to write files in.
    private struct Fixture {
        let directory = TemporaryDirectory()
        let folder: URL
        let knowledgeBase: KnowledgeBase

        init() throws {
            folder = directory.url.appendingPathComponent("docs")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            knowledgeBase = try KnowledgeBase(
                configuration: EngineConfiguration(dataDirectory: directory.url.appendingPathComponent("store"))
            )
        }

        func write(_ text: String, to name: String) throws -> URL {
            let file = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: file)
            return file
        }

        /// Uploads a file and waits until it is processed.
        func ingest(_ file: URL) async throws -> (response: UploadResponse, created: Bool) {
            let result = try await knowledgeBase.upload(file: file, title: nil, shared: false, as: .local)
            let status = try await knowledgeBase.waitUntilProcessed(id: result.response.documentId, as: .local)
            #expect(status.status == "completed", "\(file.lastPathComponent): \(status.error ?? "")")
            return result
        }

        func documentIds() throws -> [String] {
            try knowledgeBase.documents(as: .local).items.map(\.id).sorted()
        }

        func chunkDocumentIds() async throws -> Set<String> {
            Set(
                try await knowledgeBase.store.pool.read { db in
                    try String.fetchAll(db, sql: "SELECT DISTINCT documentId FROM chunk")
                }
            )
        }
    }

    @Test func anUnchangedFileIsSkippedByItsHashWithoutBeingProcessedAgain() async throws {
        let fixture = try Fixture()
        let file = try fixture.write(Self.first, to: "crane.txt")
        let original = try await fixture.ingest(file)
        let before = try fixture.knowledgeBase.document(id: original.response.documentId, as: .local)

        let again = try await fixture.knowledgeBase.upload(file: file, title: nil, shared: false, as: .local)

        #expect(again.created == false)
        #expect(again.response.duplicate)
        #expect(again.response.documentId == original.response.documentId)
        // Nothing was queued: the row is as it was, and no job waits for it.
        #expect(try fixture.knowledgeBase.document(id: original.response.documentId, as: .local) == before)
        let jobs = try await fixture.knowledgeBase.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM ingestion_job") ?? -1
        }
        #expect(jobs == 0)
        #expect(try fixture.documentIds() == [original.response.documentId])
    }

    @Test func aChangedFileReplacesItsOldVersionAtTheSamePath() async throws {
        let fixture = try Fixture()
        let file = try fixture.write(Self.first, to: "crane.txt")
        let old = try await fixture.ingest(file)
        // Another file of the same name elsewhere is another document, and stays.
        let namesake = try await fixture.ingest(try fixture.write(Self.first + " Spare copy.", to: "old/crane.txt"))

        try Data(Self.second.utf8).write(to: file)
        let new = try await fixture.ingest(file)

        #expect(new.created)
        #expect(new.response.documentId != old.response.documentId)
        #expect(try fixture.documentIds() == [new.response.documentId, namesake.response.documentId].sorted())
        #expect(
            try await fixture.chunkDocumentIds() == [new.response.documentId, namesake.response.documentId]
        )
        let hits = try fixture.knowledgeBase.retriever.retrieve(
            RetrievalRequest(
                question: "refit fifty tonnes",
                previousQuestion: nil,
                citedDocumentIds: [],
                memoryTexts: [],
                documentIds: nil,
                topK: 5
            ),
            for: .local
        )
        #expect(hits.first?.documentId == new.response.documentId)
    }

    @Test func pruneRemovesOnlyDocumentsWhoseFilesAreGoneFromTheFolder() async throws {
        let fixture = try Fixture()
        let kept = try await fixture.ingest(try fixture.write(Self.first, to: "kept.txt"))
        let goneFile = try fixture.write(Self.second, to: "sub/gone.txt")
        let gone = try await fixture.ingest(goneFile)
        // A file outside the pruned folder whose file is gone too: not this folder's business.
        let outsideFolder = fixture.directory.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outsideFolder, withIntermediateDirectories: true)
        let outsideFile = outsideFolder.appendingPathComponent("other.txt")
        try Data("Forklift batteries are charged overnight in the north shed.".utf8).write(to: outsideFile)
        let outside = try await fixture.ingest(outsideFile)
        try FileManager.default.removeItem(at: goneFile)
        try FileManager.default.removeItem(at: outsideFile)

        let removed = try fixture.knowledgeBase.pruneDocuments(under: [fixture.folder], shared: false, as: .local)

        #expect(removed.map(\.id) == [gone.response.documentId])
        #expect(try fixture.documentIds() == [kept.response.documentId, outside.response.documentId].sorted())
        #expect(
            try await fixture.chunkDocumentIds() == [kept.response.documentId, outside.response.documentId]
        )
        // Pruning again finds nothing more.
        #expect(try fixture.knowledgeBase.pruneDocuments(under: [fixture.folder], shared: false, as: .local).isEmpty)
    }

    @Test func aMovedFileKeepsItsDocumentAndIsNotPruned() async throws {
        let fixture = try Fixture()
        let file = try fixture.write(Self.first, to: "crane.txt")
        let original = try await fixture.ingest(file)
        let moved = fixture.folder.appendingPathComponent("archive/crane-2026.txt")
        try FileManager.default.createDirectory(
            at: moved.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try FileManager.default.moveItem(at: file, to: moved)

        let again = try await fixture.ingest(moved)
        let removed = try fixture.knowledgeBase.pruneDocuments(under: [fixture.folder], shared: false, as: .local)

        #expect(again.response.duplicate)
        #expect(again.response.documentId == original.response.documentId)
        #expect(removed.isEmpty)
        let document = try fixture.knowledgeBase.document(id: original.response.documentId, as: .local)
        #expect(document.filename == "crane-2026.txt")
    }

    @Test func sharedPruningNeedsTheAdminRole() async throws {
        let fixture = try Fixture()
        #expect(throws: EngineError.forbidden("Removing shared documents requires the admin role.")) {
            _ = try fixture.knowledgeBase.pruneDocuments(
                under: [fixture.folder],
                shared: true,
                as: Principal(id: "usr_someone", role: .user)
            )
        }
    }
}
