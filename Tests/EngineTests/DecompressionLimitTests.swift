import ChatAPI
import ChatTestSupport
import Engine
import Foundation
import Testing

@Suite struct DecompressionLimitTests {
    private static let refusal = EngineError.contentTooLarge(
        filename: "bomb.docx",
        limit: .compressionRatio(part: "word/document.xml")
    )

    @Test func bombIsRefusedAtUploadWithTheLimitInTheMessage() throws {
        let bomb = try GeneratedDOCX.bomb.get()
        #expect(bomb.count < 8 * 1_048_576)
        #expect(throws: Self.refusal) {
            try UploadValidator.validate(filename: "bomb.docx", data: bomb)
        }
        let error = Self.refusal
        #expect(error.code == .fileTooLarge)
        #expect(error.status == 413)
        #expect(error.message.contains("expands more than 100 times"))
        #expect(!error.message.contains("ZIP container"))
    }

    @Test func bombIsRefusedInProcessingToo() throws {
        let bomb = try GeneratedDOCX.bomb.get()
        #expect(throws: Self.refusal) {
            try DOCXExtractor().extract(bomb, filename: "bomb.docx")
        }
    }

    @Test func bombUploadStoresNothingAndOtherUploadsGoOn() async throws {
        let directory = TemporaryDirectory()
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
        let bomb = try GeneratedDOCX.bomb.get()
        await #expect(throws: EngineError.self) {
            try await knowledgeBase.upload(filename: "bomb.docx", data: bomb, title: nil, shared: false, as: .local)
        }
        #expect(try knowledgeBase.documents(as: .local).total == 0)
        let small = try await knowledgeBase.upload(
            filename: "keys.txt",
            data: Data("The spare keys are in the blue cabinet.".utf8),
            title: nil,
            shared: false,
            as: .local
        ).response
        let status = try await knowledgeBase.waitUntilProcessed(id: small.documentId, as: .local)
        #expect(status.status == "completed")
    }

    @Test func ordinaryDocumentInflatesWithinTheLimits() throws {
        let document = try GeneratedDOCX.make(paragraphs: 2_000)
        #expect(try UploadValidator.validate(filename: "notes.docx", data: document) == .docx)
        let extracted = try DOCXExtractor().extract(document, filename: "notes.docx")
        #expect(extracted.blocks.count == 2_000)
    }
}
