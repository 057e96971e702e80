import ChatAPI
import ChatTestSupport
import Foundation
import Server
import Testing

/// `/query/stream` framing and order, the JSON twin, follow-ups, cancellation and conversations
/// (http-api.md section 11, items 24-34).
@Suite struct QueryStreamTests {
    static let payloadQuestion = "What is the rated payload of the NR-X200 robot arm?"

    @Test func streamIsFramedAndOrderedAsTheContractSays() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(
                ["product-x200-spec.pdf", "product-x300-spec.pdf", "faq.md"],
                headers: Auth.bearer(tokens)
            )
            let response = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": Self.payloadQuestion, "conversation_id": NSNull(), "top_k": 5],
                headers: Auth.bearer(tokens) + [("X-Request-Id", "stream-1")]
            )
            // 24: content type and framing.
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream; charset=utf-8")
            #expect(response.header("Cache-Control") == "no-cache")
            #expect(response.header("X-Accel-Buffering") == "no")
            #expect(response.header("X-Request-Id") == "stream-1")
            let stream = SSEFrames(response.body)
            #expect(stream.violations.isEmpty, "\(stream.violations)")
            #expect(!response.text.contains("id:") && !response.text.contains("retry:"))

            // 25: meta first, one sources before any token or citation, done last.
            #expect(stream.types.first == "meta")
            #expect(stream.meta?.requestId == "stream-1")
            #expect(stream.meta?.model == "extractive")
            #expect(stream.types.filter { $0 == "sources" }.count == 1)
            let sourcesIndex = try #require(stream.types.firstIndex(of: "sources"))
            let firstToken = try #require(stream.types.firstIndex(of: "token"))
            #expect(sourcesIndex < firstToken)
            if let firstCitation = stream.types.firstIndex(of: "citation") { #expect(sourcesIndex < firstCitation) }
            #expect(stream.types.last == "done")
            #expect(stream.types.dropLast().allSatisfy { $0 != "done" && $0 != "error" })

            // 26: only tokens carry chunk; chunks concatenate to the answer.
            for frame in stream.frames { #expect((frame.object["chunk"] != nil) == (frame.type == "token")) }
            let done = try #require(stream.done)
            #expect(stream.chunks.joined() == done.answer)
            #expect(stream.chunks.allSatisfy { !$0.isEmpty })
            #expect(done.answer.contains("8 kg"))
            #expect(done.conversationId == stream.meta?.conversationId)
            #expect(done.messageId == stream.meta?.messageId)

            // 27: markers resolve, spans select them, done.citations lists exactly the used numbers.
            let sources = stream.sources
            let found = CitationMarker.spans(in: done.answer)
            #expect(!found.isEmpty)
            for marker in found { #expect((1...sources.count).contains(marker.n)) }
            let scalars = Array(done.answer.unicodeScalars)
            for citation in stream.citations {
                let text = String(String.UnicodeScalarView(scalars[citation.span.start..<citation.span.end]))
                #expect(text == "[\(citation.n)]")
                #expect(sources[citation.n - 1].id == citation.sourceId)
            }
            #expect(done.citations.map(\.n) == Array(Set(found.map(\.n))).sorted())
            #expect(stream.citations.count == found.count)

            // 28: sources numbered 1..N, every field present.
            #expect(sources.map(\.n) == Array(1...sources.count))
            let sourcesFrame = try #require(stream.frames.first { $0.type == "sources" })
            let rawSources = try #require(sourcesFrame.object["sources"] as? [[String: Any]])
            let fields = [
                "n", "id", "kind", "document_id", "chunk_id", "filename", "title", "page", "snippet", "text", "score",
                "char_start", "char_end", "heading",
            ]
            for raw in rawSources { #expect(Set(raw.keys).isSuperset(of: fields), "\(raw.keys)") }
            #expect(sources.allSatisfy { $0.snippet.count <= 300 })
        }
    }

    @Test func printingTheChunkOfEveryDataLinePrintsExactlyTheAnswer() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["employee-handbook.md", "security-policy.html"], headers: Auth.bearer(tokens))
            for question in [
                "How many days of paid annual leave does a full-time employee get per year?",
                "What is the minimum length for a Northwind password?",
            ] {
                let response = try await server.http.json(
                    "POST",
                    "/api/v1/query/stream",
                    ["query": question],
                    headers: Auth.bearer(tokens)
                )
                let done = try #require(SSEFrames(response.body).done)
                #expect(SSEFrames.printedChunks(response.body) == done.answer)
                #expect(!done.answer.isEmpty)
            }
        }
    }

    @Test func unanswerableQuestionsAbstainWithoutSources() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf", "product-x300-spec.pdf"], headers: Auth.bearer(tokens))
            let response = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": "What is the maximum payload of the NR-X400?"],
                headers: Auth.bearer(tokens)
            )
            let stream = SSEFrames(response.body)
            let done = try #require(stream.done)
            #expect(stream.sources.isEmpty)
            #expect(done.finishReason == .noContext)
            #expect(done.answer == "I could not find this in the available documents.")
            #expect(done.citations.isEmpty)
            #expect(stream.citations.isEmpty)
            #expect(CitationMarker.spans(in: done.answer).isEmpty)

            let anonymous = try await server.http.json("POST", "/api/v1/query", ["query": Self.payloadQuestion])
            #expect(try anonymous.decode(QueryResponse.self).finishReason == .noContext)
        }
    }

    @Test func validationFailuresAreJSONNotStreams() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let empty = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": "   "],
                headers: Auth.bearer(tokens)
            )
            #expect(empty.status == 422)
            #expect(empty.code == "validation_error")
            #expect(empty.header("Content-Type")?.hasPrefix("application/json") == true)
            let unknown = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": "Hello?", "conversation_id": "cnv_missing"],
                headers: Auth.bearer(tokens)
            )
            #expect(unknown.status == 404)
            #expect(unknown.code == "conversation_not_found")
            #expect(unknown.header("Content-Type")?.hasPrefix("application/json") == true)
            let document = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": "Hello?", "document_ids": ["doc_missing"]],
                headers: Auth.bearer(tokens)
            )
            #expect(document.code == "document_not_found")
        }
    }

    @Test func theJSONTwinMatchesTheStream() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf", "warranty-terms.txt"], headers: Auth.bearer(tokens))
            let streamed = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": Self.payloadQuestion],
                headers: Auth.bearer(tokens)
            )
            let stream = SSEFrames(streamed.body)
            let done = try #require(stream.done)
            let twin = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": Self.payloadQuestion],
                headers: Auth.bearer(tokens) + [("X-Request-Id", "twin-1")]
            )
            #expect(twin.status == 200)
            let response = try twin.decode(QueryResponse.self)
            #expect(response.answer == done.answer)
            #expect(response.sources == stream.sources)
            #expect(response.citations == done.citations)
            #expect(response.finishReason == done.finishReason)
            #expect(response.requestId == "twin-1")
            let object = try #require(twin.json)
            for key in [
                "answer", "finish_reason", "sources", "citations", "memory_added", "usage", "timings_ms",
                "conversation_id", "message_id", "request_id",
            ] {
                #expect(object.keys.contains(key), "\(key)")
            }
        }
    }

    @Test func aFollowUpFindsTheSameDocumentAndTheConversationHoldsFourMessages() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(Corpus.allDocuments, headers: Auth.bearer(tokens))
            let first = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": Self.payloadQuestion],
                headers: Auth.bearer(tokens)
            )
            let firstAnswer = try first.decode(QueryResponse.self)
            let conversation = try #require(firstAnswer.conversationId)
            let second = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": "And how much does the arm weigh?", "conversation_id": conversation],
                headers: Auth.bearer(tokens)
            )
            let stream = SSEFrames(second.body)
            let done = try #require(stream.done)
            #expect(done.answer.contains("24.5 kg"), "\(done.answer)")
            let cited = Set(done.citations.map(\.n))
            #expect(stream.sources.contains { cited.contains($0.n) && $0.filename == "product-x200-spec.pdf" })
            #expect(done.conversationId == conversation)

            let detail = try await server.http.send(
                "GET",
                "/api/v1/conversations/\(conversation)",
                headers: Auth.bearer(tokens)
            )
            let stored = try detail.decode(ConversationDetail.self)
            #expect(stored.messages.count == 4)
            #expect(stored.messages.map(\.role) == ["user", "assistant", "user", "assistant"])
            #expect(stored.title == String(Self.payloadQuestion.prefix(60)))
            #expect(stored.messages[3].finishReason == .stop)
            #expect(!stored.messages[3].sources.isEmpty)

            let list = try await server.http.send("GET", "/api/v1/conversations", headers: Auth.bearer(tokens))
            let page = try list.decode(Page<ConversationSummary>.self)
            #expect(page.items.first?.id == conversation)
            #expect(page.items.first?.messageCount == 4)
        }
    }

    @Test func disconnectingMidStreamStoresACancelledAnswer() async throws {
        var options = TestServer.Options()
        options.answerer = StallingAnswerer()
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(tokens))
            let body = try JSONSerialization.data(withJSONObject: ["query": Self.payloadQuestion])
            let (partial, hungUp) = try await server.http.stream(
                "POST",
                "/api/v1/query/stream",
                headers: Auth.bearer(tokens) + [("Content-Type", "application/json")],
                body: body
            ) { soFar in
                String(decoding: soFar, as: UTF8.self).components(separatedBy: "event: token").count > 3
            }
            #expect(hungUp)
            let meta = try #require(SSEFrames(partial.body).meta)
            let conversation = try #require(meta.conversationId)
            var finish: FinishReason?
            for _ in 0..<2_400 {
                let detail = try await server.http.send(
                    "GET",
                    "/api/v1/conversations/\(conversation)",
                    headers: Auth.bearer(tokens)
                )
                let messages = try detail.decode(ConversationDetail.self).messages
                if messages.count == 2 {
                    finish = messages[1].finishReason
                    #expect(messages[1].content.hasPrefix("Part 0"))
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(finish == .cancelled)
        }
    }

    @Test func quietStreamsGetKeepAliveComments() async throws {
        var options = TestServer.Options()
        options.heartbeatSeconds = 0.2
        // The answer stays silent until a keep-alive has gone out.
        let silence = Gate()
        options.answerer = StallingAnswerer(start: silence, fragments: 3, finishes: true)
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(tokens))
            let body = try JSONSerialization.data(withJSONObject: ["query": Self.payloadQuestion])
            let (response, hungUp) = try await server.http.stream(
                "POST",
                "/api/v1/query/stream",
                headers: Auth.bearer(tokens) + [("Content-Type", "application/json")],
                body: body
            ) { soFar in
                if String(decoding: soFar, as: UTF8.self).contains(": keep-alive") { silence.open() }
                return false
            }
            #expect(!hungUp)
            let stream = SSEFrames(response.body)
            #expect(stream.violations.isEmpty, "\(stream.violations)")
            #expect(!stream.comments.isEmpty)
            #expect(stream.comments.allSatisfy { $0 == ": keep-alive" })
            #expect(stream.done?.finishReason == .stop)
            #expect(SSEFrames.printedChunks(response.body) == stream.done?.answer)
        }
    }

    @Test func shutdownEndsOpenStreamsWithCancelled() async throws {
        var options = TestServer.Options()
        options.answerer = StallingAnswerer()
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(tokens))
            let body = try JSONSerialization.data(withJSONObject: ["query": Self.payloadQuestion])
            let shutdown = server.configuration.shutdown
            // Shutdown begins once the answer is under way: a token has gone out.
            let (response, hungUp) = try await server.http.stream(
                "POST",
                "/api/v1/query/stream",
                headers: Auth.bearer(tokens) + [("Content-Type", "application/json")],
                body: body
            ) { soFar in
                if String(decoding: soFar, as: UTF8.self).contains("event: token") { shutdown.trigger() }
                return false
            }
            #expect(!hungUp)
            let stream = SSEFrames(response.body)
            #expect(stream.violations.isEmpty)
            let done = try #require(stream.done)
            #expect(done.finishReason == .cancelled)
            #expect(done.answer == stream.chunks.joined())
            #expect(!done.answer.isEmpty)
            #expect(stream.types.last == "done")
        }
    }

    @Test func overlongGenerationEndsWithATimeoutError() async throws {
        var options = TestServer.Options()
        options.generationTimeoutSeconds = 0.5
        options.answerer = StallingAnswerer()
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(tokens))
            let response = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": Self.payloadQuestion],
                headers: Auth.bearer(tokens)
            )
            let stream = SSEFrames(response.body)
            guard case .error(let error) = try #require(stream.events.last) else {
                Issue.record("the stream did not end with an error: \(stream.types)")
                return
            }
            #expect(error.code == .timeout)
            #expect(error.retryable)
            let twin = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": Self.payloadQuestion],
                headers: Auth.bearer(tokens)
            )
            #expect(twin.status == 504)
            #expect(twin.code == "timeout")
        }
    }

    @Test func deletedConversationsAreGone() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let answer = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "Hello there?"],
                headers: Auth.bearer(tokens)
            )
            let conversation = try #require(try answer.decode(QueryResponse.self).conversationId)
            let delete = try await server.http.send(
                "DELETE",
                "/api/v1/conversations/\(conversation)",
                headers: Auth.bearer(tokens)
            )
            #expect(delete.status == 200)
            #expect(try delete.decode(Deleted.self) == Deleted(id: conversation))
            let gone = try await server.http.send(
                "GET",
                "/api/v1/conversations/\(conversation)",
                headers: Auth.bearer(tokens)
            )
            #expect(gone.status == 404)
            #expect(gone.code == "conversation_not_found")
            let again = try await server.http.send(
                "DELETE",
                "/api/v1/conversations/\(conversation)",
                headers: Auth.bearer(tokens)
            )
            #expect(again.code == "conversation_not_found")
        }
    }
}
