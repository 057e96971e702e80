import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Engine

@Suite struct DocumentTests {
    @Test func everyBadFixtureIsRefusedAndNothingIsStored() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let expected: [(String, ErrorCode)] = [
            ("empty.txt", .emptyFile), ("binary-garbage.txt", .invalidFile), ("truncated.pdf", .invalidFile),
            ("not-a-zip.docx", .invalidFile), ("zero-bytes.pdf", .emptyFile), ("report.xyz", .unsupportedFileType),
        ]
        for (name, code) in expected {
            await #expect(throws: EngineError.self) {
                _ = try await store.knowledgeBase.upload(
                    file: TestCorpus.bad.appendingPathComponent(name),
                    title: nil,
                    shared: false,
                    as: .local
                )
            }
            do {
                _ = try await store.knowledgeBase.upload(
                    file: TestCorpus.bad.appendingPathComponent(name),
                    title: nil,
                    shared: false,
                    as: .local
                )
            } catch let error as EngineError {
                #expect(error.code == code, "\(name)")
                #expect(error.message.contains(name), "\(name): \(error.message)")
            }
        }
        #expect(try store.knowledgeBase.documents(as: .local).total == 0)
    }

    @Test func oversizedFileIsRefusedBeforeItIsRead() async throws {
        let directory = TemporaryDirectory()
        let big = directory.url.appendingPathComponent("big.txt")
        // A sparse file: its size is over the limit without writing 60 MB.
        #expect(FileManager.default.createFile(atPath: big.path, contents: Data("x".utf8)))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 60_000_000)
        try handle.close()
        let store = try await NorthwindStore.make(documents: [])
        await #expect(throws: EngineError.fileTooLarge(filename: "big.txt", size: 60_000_000, max: 52_428_800)) {
            _ = try await store.knowledgeBase.upload(file: big, title: nil, shared: false, as: .local)
        }
        #expect(try store.knowledgeBase.documents(as: .local).total == 0)
    }

    @Test func sameBytesTwiceIsADuplicate() async throws {
        let store = try await NorthwindStore.make(documents: ["faq.md"])
        let again = try await store.knowledgeBase.upload(
            file: TestCorpus.document("faq.md"),
            title: nil,
            shared: false,
            as: .local
        )
        #expect(again.response.duplicate)
        #expect(again.response.documentId == store.ids["faq.md"])
        #expect(try store.knowledgeBase.documents(as: .local).total == 1)
    }

    @Test func nonASCIIFileNameSurvivesIntoCitations() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let file = TestCorpus.bad.appendingPathComponent("unicode path/Überblick – café notes ✓.txt")
        let response = try await store.knowledgeBase.upload(file: file, title: nil, shared: false, as: .local).response
        #expect(response.filename == "Überblick – café notes ✓.txt")
        _ = try await store.knowledgeBase.waitUntilProcessed(id: response.documentId, as: .local)
        let text = try String(contentsOf: file, encoding: .utf8)
        let phrase = text.split(separator: "\n").first { $0.count > 20 }.map(String.init) ?? text
        let events = try await store.events(phrase)
        #expect(events.sources.contains { $0.filename == "Überblick – café notes ✓.txt" })
    }

    @Test func documentsSurviveARestart() async throws {
        let directory = TemporaryDirectory()
        do {
            let first = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
            let response = try await first.upload(
                file: TestCorpus.document("glossary.txt"),
                title: nil,
                shared: false,
                as: .local
            ).response
            _ = try await first.waitUntilProcessed(id: response.documentId, as: .local)
        }
        let second = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
        let documents = try second.documents(as: .local)
        #expect(documents.items.map(\.filename) == ["glossary.txt"])
        #expect(documents.items.first?.status == "completed")
    }

    @Test func deletedDocumentLeavesRetrieval() async throws {
        let store = try await NorthwindStore.make(documents: ["travel-policy.pdf", "faq.md"])
        let id = try #require(store.ids["travel-policy.pdf"])
        _ = try store.knowledgeBase.deleteDocument(id: id, viaAdmin: false, as: .local)
        let events = try await store.events("What is the nightly hotel cap in high-cost cities?")
        #expect(!events.sources.contains { $0.documentId == id })
        #expect(throws: EngineError.documentNotFound(id)) { try store.knowledgeBase.document(id: id, as: .local) }
    }

    @Test func otherOwnersCannotSeeADocument() async throws {
        let store = try await NorthwindStore.make(documents: ["faq.md"])
        let stranger = Principal(id: "usr_other", role: .user)
        let id = try #require(store.ids["faq.md"])
        #expect(throws: EngineError.documentNotFound(id)) { try store.knowledgeBase.document(id: id, as: stranger) }
        #expect(try store.knowledgeBase.documents(as: stranger).total == 0)
        let events = try await store.events("trade-in program for older arms", as: stranger)
        #expect(events.sources.isEmpty)
    }

    @Test func pdfSourcesCarryPages() async throws {
        let store = try await NorthwindStore.make(documents: ["product-x200-spec.pdf"])
        let events = try await store.events("What is the repeatability of the NR-X200?")
        // Sources come back (an empty list would satisfy any "all"), each on a page of the 4-page sheet.
        try #require(!events.sources.isEmpty)
        #expect(events.sources.allSatisfy { (1...4).contains($0.page ?? 0) })
        #expect(
            try store.knowledgeBase.document(id: #require(store.ids["product-x200-spec.pdf"]), as: .local).pageCount
                == 4
        )
    }
}
