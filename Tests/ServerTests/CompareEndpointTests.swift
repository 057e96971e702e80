import ChatAPI
import Foundation
import Testing

/// `/compare` and `/compare/stream` (http-api.md section 11, items 35 and 36).
@Suite struct CompareEndpointTests {
    static let prompt = "Compare the NR-X200 and NR-X300 product specifications."

    @Test func comparingTheProductSheetsResolvesEveryMarker() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let ids = try await server.ingest(
                ["product-x200-spec.pdf", "product-x300-spec.pdf"],
                headers: Auth.bearer(tokens)
            )
            let x200 = try #require(ids["product-x200-spec.pdf"])
            let x300 = try #require(ids["product-x300-spec.pdf"])

            let response = try await server.http.json(
                "POST",
                "/api/v1/compare",
                ["document_ids": [x200, x300], "query": Self.prompt],
                headers: Auth.bearer(tokens)
            )
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let result = try response.decode(DocumentComparison.self)
            #expect(result.documentIds == [x200, x300])
            #expect(!result.similarities.isEmpty || !result.differences.isEmpty)
            #expect(Set(result.sources.compactMap(\.documentId)) == [x200, x300])
            for line in result.similarities + result.differences + result.crossDocumentInsights {
                for marker in CitationMarker.spans(in: line) {
                    #expect((1...result.sources.count).contains(marker.n), "\(line)")
                }
            }
            #expect(result.report.hasPrefix("## Similarities\n"))

            let streamed = try await server.http.json(
                "POST",
                "/api/v1/compare/stream",
                ["document_ids": [x200, x300], "query": Self.prompt],
                headers: Auth.bearer(tokens)
            )
            #expect(streamed.header("Content-Type") == "text/event-stream; charset=utf-8")
            let stream = SSEFrames(streamed.body)
            #expect(stream.violations.isEmpty, "\(stream.violations)")
            #expect(stream.types.first == "meta")
            #expect(stream.types.filter { $0 == "sources" }.count == 1)
            let done = try #require(stream.done)
            #expect(done.comparison?.report == done.answer)
            #expect(stream.chunks.joined() == done.answer)
            #expect(SSEFrames.printedChunks(streamed.body) == done.answer)
            #expect(done.conversationId == nil)
            #expect(done.messageId == nil)
            #expect(done.finishReason != .noContext)
            let scalars = Array(done.answer.unicodeScalars)
            for citation in stream.citations {
                #expect(
                    String(String.UnicodeScalarView(scalars[citation.span.start..<citation.span.end]))
                        == "[\(citation.n)]"
                )
            }
        }
    }

    @Test func compareChecksCountsVisibilityAndReadiness() async throws {
        var options = TestServer.Options()
        options.answerer = nil
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            let other = try await server.register("lee@northwind.example")
            let ids = try await server.ingest(["faq.md", "glossary.txt"], headers: Auth.bearer(tokens))
            let all = Array(ids.values)
            let one = try await server.http.json(
                "POST",
                "/api/v1/compare",
                ["document_ids": [all[0]]],
                headers: Auth.bearer(tokens)
            )
            #expect(one.status == 422)
            let six = try await server.http.json(
                "POST",
                "/api/v1/compare",
                ["document_ids": ["a", "b", "c", "d", "e", "f"]],
                headers: Auth.bearer(tokens)
            )
            #expect(six.status == 422)
            let foreign = try await server.http.json(
                "POST",
                "/api/v1/compare",
                ["document_ids": all],
                headers: Auth.bearer(other)
            )
            #expect(foreign.status == 404)
            #expect(foreign.code == "document_not_found")

            // A document still processing: a large text takes a while to chunk and index.
            let line = "Filler line about nothing in particular, repeated to make processing take a while.\n"
            let large = Data(String(repeating: line, count: 40_000).utf8)
            let upload = try await server.upload(filename: "large.txt", data: large, headers: Auth.bearer(tokens))
            let processing = try upload.decode(UploadResponse.self).documentId
            let notReady = try await server.http.json(
                "POST",
                "/api/v1/compare",
                ["document_ids": [all[0], processing]],
                headers: Auth.bearer(tokens)
            )
            #expect(notReady.status == 409)
            #expect(notReady.code == "document_not_ready")
        }
    }
}
