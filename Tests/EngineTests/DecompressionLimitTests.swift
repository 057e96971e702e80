import ChatAPI
import ChatTestSupport
import Engine
import Foundation
import Testing
import ZIPFoundation

/// Word documents built with ZIPFoundation, streamed from a provider closure so that even a bomb's gigabyte of
/// payload never sits in the test's memory.
private enum GeneratedDOCX {
    static let namespace = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#
    static let paragraph = Data("<w:p><w:r><w:t>Expanding text.</w:t></w:r></w:p>".utf8)

    /// A `.docx` whose `word/document.xml` holds `paragraphs` copies of one paragraph, deflated.
    static func make(paragraphs: Int) throws -> Data {
        let head = Data("<?xml version=\"1.0\"?><w:document \(namespace)><w:body>".utf8)
        let tail = Data("</w:body></w:document>".utf8)
        let body = paragraphs * paragraph.count
        let bufferSize = 1 << 20
        // Any window of the repeated body is a slice of this, starting at the window's offset modulo one paragraph.
        let repeated = Array(repeating: paragraph, count: bufferSize / paragraph.count + 2).reduce(Data(), +)
        let archive = try Archive(accessMode: .create)
        try archive.addEntry(
            with: "word/document.xml",
            type: .file,
            uncompressedSize: Int64(head.count + body + tail.count),
            compressionMethod: .deflate,
            bufferSize: bufferSize
        ) { position, length in
            var chunk = Data(capacity: length)
            var offset = Int(position)
            while chunk.count < length {
                if offset < head.count {
                    chunk.append(head[offset...].prefix(length - chunk.count))
                } else if offset < head.count + body {
                    let start = (offset - head.count) % paragraph.count
                    let count = min(length - chunk.count, head.count + body - offset)
                    chunk.append(repeated[start..<(start + count)])
                } else {
                    chunk.append(tail[(offset - head.count - body)...].prefix(length - chunk.count))
                }
                offset = Int(position) + chunk.count
            }
            return chunk
        }
        return try #require(archive.data)
    }

    /// A bomb: over a gigabyte of paragraphs, about a megabyte deflated.
    ///
    /// Built once for every test here.
    static let bomb: Result<Data, any Error> = Result { try make(paragraphs: 1_100 * 1_048_576 / paragraph.count) }
}

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
