import Foundation
import Testing

@testable import Server

/// The streaming multipart parser, fed in every possible split.
@Suite struct MultipartFormParserTests {
    static let body = Data(
        ("preamble\r\n--b0und\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy title\r\n"
            + "--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\" b.txt\"; "
            + "filename*=UTF-8''%C3%9Cberblick%20%E2%9C%93.txt\r\nContent-Type: text/plain\r\n\r\n"
            + "line one\r\n--b0un not yet\r\nline two\r\n--b0und--\r\nepilogue").utf8
    )

    struct Part: Equatable {
        var head: MultipartPartHead
        var bytes: [UInt8]
    }

    static func parse(_ data: Data, splitAt splits: [Int]) throws -> (parts: [Part], finished: Bool) {
        guard var parser = MultipartFormParser(boundary: "b0und") else { throw TestFailure("boundary refused") }
        var parts: [Part] = []
        var start = 0
        for end in splits + [data.count] {
            for event in try parser.feed(data[start..<end]) {
                switch event {
                case .begin(let head): parts.append(Part(head: head, bytes: []))
                case .data(let bytes): parts[parts.count - 1].bytes += bytes
                case .end: break
                }
            }
            start = end
        }
        return (parts, parser.isFinished)
    }

    @Test func everySplitGivesTheSameParts() throws {
        let whole = try Self.parse(Self.body, splitAt: [])
        #expect(whole.finished)
        #expect(whole.parts.count == 2)
        #expect(whole.parts[0].head.name == "title")
        #expect(String(decoding: whole.parts[0].bytes, as: UTF8.self) == "My title")
        #expect(whole.parts[1].head.name == "file")
        #expect(whole.parts[1].head.filename == "Überblick ✓.txt")
        #expect(String(decoding: whole.parts[1].bytes, as: UTF8.self) == "line one\r\n--b0un not yet\r\nline two")
        for split in 1..<Self.body.count {
            let result = try Self.parse(Self.body, splitAt: [split])
            #expect(result.parts == whole.parts, "split at \(split)")
            #expect(result.finished)
        }
        let bytewise = try Self.parse(Self.body, splitAt: Array(1..<Self.body.count))
        #expect(bytewise.parts == whole.parts)
    }

    @Test func plainFilenamesKeepTheirBytesAndQuotedPairs() {
        let head = MultipartFormParser.parseHead(
            Array("Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\" b; c.txt\"".utf8)
        )
        #expect(head.filename == "a \"q\" b; c.txt")
        let raw = MultipartFormParser.parseHead(
            Array("content-disposition: form-data; name=file; filename=\"Größe 2026.txt\"".utf8)
        )
        #expect(raw.name == "file")
        #expect(raw.filename == "Größe 2026.txt")
    }

    @Test func truncatedAndBrokenBodiesAreNoticed() throws {
        let cut = try Self.parse(Self.body.prefix(120), splitAt: [])
        #expect(!cut.finished)
        #expect(MultipartFormParser(boundary: "") == nil)
        #expect(MultipartFormParser(boundary: String(repeating: "x", count: 71)) == nil)
        var parser = try #require(MultipartFormParser(boundary: "b"))
        #expect(throws: MultipartFormParser.Malformed.self) {
            _ = try parser.feed(Data("--bgarbage\r\n".utf8))
        }
    }
}
