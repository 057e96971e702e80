import ChatAPI
import ChatClient
import Foundation
import Testing

/// `POST /search` and `GET /documents/{id}/text` through the project's own client: the remote side of the
/// backend calls `chatshell mcp` uses for `search_documents` and document resources.
@Suite struct SearchEndpointTests {
    @Test func searchRanksPassagesWithoutAnsweringOrRemembering() async throws {
        try await TestServer.with { server in
            let backend = try RemoteBackend(server: server.origin)
            let tokens = try await backend.register(email: "dana@northwind.example", password: "correct horse 42")
            let ids = try await server.ingest(
                ["travel-policy.pdf", "product-x200-spec.pdf", "warranty-terms.txt"],
                headers: Auth.bearer(tokens)
            )
            _ = try await backend.remember("The nightly hotel cap matters to me.")
            let conversationsBefore = try await backend.conversations(limit: 50, offset: 0).total

            let found = try await backend.search(SearchRequest(query: "nightly hotel cap in high-cost cities", topK: 2))
            #expect(found.results.count == 2)
            #expect(found.results.map(\.n) == [1, 2])
            #expect(found.results.allSatisfy { $0.kind == .document })
            let best = try #require(found.results.first)
            #expect(best.filename == "travel-policy.pdf")
            #expect(best.page != nil)
            #expect(found.results.map(\.score) == found.results.map(\.score).sorted(by: >))
            // The passage in full, as the chunk endpoint serves it.
            let chunk = try await backend.chunk(
                documentId: try #require(best.documentId),
                chunkId: try #require(best.chunkId)
            )
            #expect(chunk.text == best.text)
            #expect(try await backend.conversations(limit: 50, offset: 0).total == conversationsBefore)

            // A document filter keeps the results inside it: a query that also matches the travel policy finds
            // only the warranty's passages (some, or the check below would hold for an empty list).
            let warranty = try #require(ids["warranty-terms.txt"])
            let query = "nightly hotel cap and the warranty period"
            let unfiltered = try await backend.search(SearchRequest(query: query))
            #expect(unfiltered.results.contains { $0.documentId != warranty })
            let filtered = try await backend.search(SearchRequest(query: query, documentIds: [warranty]))
            #expect(!filtered.results.isEmpty)
            #expect(filtered.results.allSatisfy { $0.documentId == warranty })

            // The same field rules and errors as a question.
            do {
                _ = try await backend.search(SearchRequest(query: "  "))
                Issue.record("an empty query was accepted")
            } catch let error as BackendError {
                #expect(error.code == .validationError)
            }
            do {
                _ = try await backend.search(SearchRequest(query: "hotel", topK: 21))
                Issue.record("top_k 21 was accepted")
            } catch let error as BackendError {
                #expect(error.code == .validationError)
            }
            do {
                _ = try await backend.search(SearchRequest(query: "hotel", documentIds: ["doc_missing"]))
                Issue.record("an unknown document filter was accepted")
            } catch let error as BackendError {
                #expect(error.code == .documentNotFound)
                #expect(error.errorDescription == "Document not found: doc_missing")
            }
            let raw = try await server.http.send(
                "POST",
                "/api/v1/search",
                headers: Auth.bearer(tokens) + [("Content-Type", "application/json")],
                body: Data("{\"query\":".utf8)
            )
            #expect(raw.status == 400)
        }
    }

    @Test func documentTextIsTheExtractedTextOfVisibleDocuments() async throws {
        try await TestServer.with { server in
            let owner = try RemoteBackend(server: server.origin)
            let tokens = try await owner.register(email: "dana@northwind.example", password: "correct horse 42")
            let ids = try await server.ingest(["travel-policy.pdf"], headers: Auth.bearer(tokens))
            let id = try #require(ids["travel-policy.pdf"])

            let text = try await owner.documentText(id: id)
            #expect(text.documentId == id)
            #expect(text.filename == "travel-policy.pdf")
            #expect(text.type == "pdf")
            #expect(text.text.contains("Hotels"))
            // The passages in order: every line of every passage is in it, and the overlaps are not repeated.
            let passages = try await owner.search(
                SearchRequest(query: "travel hotel flight expenses cap approval", documentIds: [id], topK: 20)
            ).results
            #expect(!passages.isEmpty)
            for passage in passages {
                for line in passage.text.split(separator: "\n") {
                    #expect(text.text.contains(line), "missing: \(line)")
                }
            }
            let document = try await owner.document(id: id)
            #expect(document.chunkCount > 1)

            // Another account never sees it.
            let stranger = try RemoteBackend(server: server.origin)
            _ = try await stranger.register(email: "eve@northwind.example", password: "correct horse 42")
            do {
                _ = try await stranger.documentText(id: id)
                Issue.record("another account read the document")
            } catch let error as BackendError {
                #expect(error.code == .documentNotFound)
            }
        }
    }
}
