import ChatAPI
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@testable import Engine

/// The model answerer against a fake OpenAI-compatible server over real HTTP (libcurl), end to end through
/// `KnowledgeBase.ask`, plus its pure parts (prompt, chunk decoding, abstention, error messages).
@Suite struct OpenAICompatibleAnswererTests {
    static let documents = [
        "product-x200-spec.pdf", "product-x300-spec.pdf", "faq.md", "warranty-terms.txt", "glossary.txt",
    ]
    static let question = "What is the rated payload of the NR-X200 robot arm?"

    /// A store whose answerer talks to `server`.
    static func store(
        _ server: FakeOpenAIServer,
        model: String? = "fake-model",
        apiKey: String? = nil,
        firstToken: Duration = .seconds(120),
        idle: Duration = .seconds(120),
        clock: CompletionClock = .continuous
    ) async throws -> NorthwindStore {
        let answerer = server.answerer(model: model, apiKey: apiKey, firstToken: firstToken, idle: idle, clock: clock)
        return try await NorthwindStore.make(documents: documents) { $0.answerer = answerer }
    }

    // MARK: - Streaming

    @Test func answerStreamsIncrementally() async throws {
        // Given a server that sends the rest of the answer only once the client has shown the first piece
        let firstTokenSeen = Atomic<Bool>(false)
        let server = try FakeOpenAIServer { _ in
            var steps = FakeOpenAIServer.stream(["The rated payload ", "is 8 kg [1]."])
            steps.insert(.waitUntil { firstTokenSeen.load(ordering: .relaxed) }, at: 3)
            return steps
        }
        let store = try await Self.store(server)

        // When the question is asked
        var tokens: [String] = []
        var events: [StreamEvent] = []
        for try await event in try store.knowledgeBase.ask(QueryRequest(query: Self.question), as: .local) {
            events.append(event)
            if case .token(let chunk) = event {
                tokens.append(chunk)
                firstTokenSeen.store(true, ordering: .relaxed)
            }
        }

        // Then the first piece arrived while the server was still holding the rest
        #expect(server.waitTimeouts == 0)
        #expect(tokens.count >= 2)
        #expect(tokens.first == "The rated payload ")
        let done = try #require(events.done)
        #expect(done.answer == "The rated payload is 8 kg [1].")
        #expect(done.finishReason == .stop)
        #expect(done.citations.map(\.n) == [1])
        #expect(done.answer == tokens.joined())
    }

    @Test func markersAreNormalisedAcrossChunkBoundaries() async throws {
        // Given markers split over chunks, a grouped marker and one beyond the sources
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.stream(["The rated payload is 8 kg [", "1", "] and the reach [1, ", "3]. Also [9]."])
        }
        let store = try await Self.store(server)

        // When the question is asked
        let events = try await store.events(Self.question)

        // Then the answer has adjacent markers, the unknown one dropped, and no token splits a marker
        let sources = events.sources
        try #require(sources.count >= 3 && sources.count < 9)
        let done = try #require(events.done)
        #expect(done.answer == "The rated payload is 8 kg [1] and the reach [1][3]. Also .")
        #expect(done.citations.map(\.n) == [1, 3])
        #expect(done.citations.first?.spans == [Span(start: 26, end: 29), Span(start: 44, end: 47)])
        for case .token(let chunk) in events {
            #expect(!chunk.hasSuffix("[") && !chunk.hasSuffix("[1") && !chunk.hasPrefix("]"))
        }
        let citationEvents = events.compactMap { if case .citation(let citation) = $0 { citation } else { nil } }
        #expect(citationEvents.map(\.n) == [1, 1, 3])
    }

    @Test func usageFromTheEndpointIsReportedInDone() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.stream(["8 kg [1]."], usage: (prompt: 412, completion: 14))
        }
        let store = try await Self.store(server)
        let done = try #require(try await store.events(Self.question).done)
        #expect(done.usage == Usage(promptTokens: 412, completionTokens: 14))
        #expect(done.usage.totalTokens == 426)
    }

    @Test func lengthLimitFinishesWithLength() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.stream(["The rated payload is"], finishReason: "length")
        }
        let store = try await Self.store(server)
        let done = try #require(try await store.events(Self.question).done)
        #expect(done.finishReason == .length)
        #expect(done.answer == "The rated payload is")
    }

    @Test func requestCarriesModelSourcesStreamOptionsAndKey() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["8 kg [1]."]) }
        let store = try await Self.store(server, apiKey: "sk-test-123")
        _ = try await store.events(Self.question)

        struct Body: Decodable {
            struct Options: Decodable { var includeUsage: Bool }
            var model: String
            var stream: Bool
            var streamOptions: Options
            var maxTokens: Int
        }
        let request = try #require(server.completionRequests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer sk-test-123")
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(request.decoded(Body.self))
        #expect(body.model == "fake-model")
        #expect(body.stream)
        #expect(body.streamOptions.includeUsage)
        #expect(body.maxTokens == 512)
        let last = try #require(request.messageContents.last)
        #expect(last.contains("[1] Title: NR-X200"))
        #expect(last.contains("File: product-x200-spec.pdf | Page: "))
        #expect(last.hasSuffix("Question: \(Self.question)"))
        #expect(request.messageContents.first == OpenAICompatibleAnswerer.instructions)
    }

    @Test func modelIsAskedForOnceWhenNotConfigured() async throws {
        let server = try FakeOpenAIServer(models: ["smollm2-135m", "other"]) { _ in
            FakeOpenAIServer.stream(["8 kg [1]."])
        }
        let store = try await Self.store(server, model: nil)
        let first = try await store.events(Self.question)
        let second = try await store.events(Self.question, conversationId: first.done?.conversationId)

        #expect(server.requests.filter { $0.path == "/v1/models" }.count == 1)
        struct Body: Decodable { var model: String }
        #expect(
            server.completionRequests.compactMap { $0.decoded(Body.self)?.model } == ["smollm2-135m", "smollm2-135m"]
        )
        let capabilities = store.knowledgeBase.capabilities()
        #expect(capabilities.generator == "llm")
        #expect(capabilities.model == "smollm2-135m")
        // The first answer's meta went out before the name was known (the app resolves it at startup instead).
        guard case .meta(let meta) = second.first else {
            Issue.record("meta is not first")
            return
        }
        #expect(meta.model == "smollm2-135m")
    }

    @Test func earlierTurnsGoIntoThePromptWithoutTheirMarkers() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["The rated payload is 8 kg [1]."]) }
        let store = try await Self.store(server)
        let first = try await store.events(Self.question)
        _ = try await store.events("And its weight?", conversationId: first.done?.conversationId)

        let contents = try #require(server.completionRequests.last?.messageContents)
        try #require(contents.count == 4)
        #expect(contents[1] == Self.question)
        #expect(contents[2] == "The rated payload is 8 kg.")
        #expect(contents[3].hasSuffix("Question: And its weight?"))
    }

    // MARK: - Abstention and uncited answers

    @Test func theNoContextSentenceBecomesAnAbstention() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.stream(["I could not", " find this in the available", " documents."])
        }
        let store = try await Self.store(server)
        let events = try await store.events(Self.question)
        let done = try #require(events.done)
        #expect(done.finishReason == .noContext)
        #expect(done.answer == KnowledgeBase.noContextAnswer)
        #expect(events.sources.isEmpty)
        #expect(done.citations.isEmpty)
    }

    @Test func anAnswerStartingLikeTheAbstentionIsStreamedWhole() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.stream(["I could not", " find a weight, but the payload is 8 kg [1]."])
        }
        let store = try await Self.store(server)
        let events = try await store.events(Self.question)
        let done = try #require(events.done)
        #expect(done.finishReason == .stop)
        #expect(done.answer == "I could not find a weight, but the payload is 8 kg [1].")
        #expect(!events.sources.isEmpty)
    }

    @Test func anAnswerWithoutMarkersKeepsItsSources() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["The arm carries 8 kg."]) }
        let store = try await Self.store(server)
        let events = try await store.events(Self.question)
        let done = try #require(events.done)
        #expect(done.finishReason == .stop)
        #expect(done.citations.isEmpty)
        #expect(!events.sources.isEmpty)
    }

    @Test func nothingRetrievedAbstainsWithoutAskingTheModel() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["anything"]) }
        let answerer = server.answerer()
        let store = try await NorthwindStore.make(documents: []) { $0.answerer = answerer }
        let done = try #require(try await store.events(Self.question).done)
        #expect(done.finishReason == .noContext)
        #expect(server.completionRequests.isEmpty)
    }

    @Test func unknownIdentifierAbstainsWithoutAskingTheModel() async throws {
        // Given a model that would make something up
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["The NR-X400 carries 3 kg [2]."]) }
        let store = try await Self.store(server)

        // When the question names a product no source mentions
        let events = try await store.events("What is the maximum payload of the NR-X400?")

        // Then the engine abstains and the model is never asked
        let done = try #require(events.done)
        #expect(done.finishReason == .noContext)
        #expect(events.sources.isEmpty)
        #expect(server.completionRequests.isEmpty)
    }

    // MARK: - Cancellation

    @Test func cancellingTheAnswerClosesTheUpstreamConnection() async throws {
        // Given a model that sends one piece, then keeps the connection open
        let server = try FakeOpenAIServer { _ in
            Array(FakeOpenAIServer.stream(["The rated payload "]).prefix(3)) + [.hang]
        }
        let store = try await Self.store(server)
        let firstToken = Gate()
        let consumer = Task {
            var events: [StreamEvent] = []
            for try await event in try store.knowledgeBase.ask(QueryRequest(query: Self.question), as: .local) {
                events.append(event)
                if case .token = event { firstToken.open() }
            }
            return events
        }
        try await firstToken.wait()

        // When the consumer is cancelled
        consumer.cancel()

        // Then the server sees the connection close (it would hang forever otherwise)
        #expect(await server.waitForDisconnect())
        let events = try? await consumer.value
        #expect(events?.done == nil)
    }

    // MARK: - Failures

    /// The stream's error event, if it ended with one.
    static func error(in events: [StreamEvent]) -> StreamErrorEvent? {
        if case .error(let error) = events.last { return error }
        return nil
    }

    @Test func serverErrorEndsWithLLMUnavailableNamingTheURL() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.error(status: 500, reason: "Internal Server Error", message: "model crashed")
        }
        let store = try await Self.store(server)
        let error = try #require(Self.error(in: try await store.events(Self.question)))
        #expect(error.code == .llmUnavailable)
        #expect(error.retryable)
        #expect(
            error.message
                == "The language model at \(server.baseURL.absoluteString)/chat/completions failed "
                + "(HTTP 500: model crashed). Check the model server's log."
        )
    }

    @Test func rejectedKeyEndsWithLLMUnavailableAskingForTheKey() async throws {
        let server = try FakeOpenAIServer { _ in
            FakeOpenAIServer.error(
                status: 401,
                reason: "Unauthorized",
                message: "Incorrect API key provided",
                type: "invalid_request_error"
            )
        }
        let store = try await Self.store(server, apiKey: "sk-wrong")
        let error = try #require(Self.error(in: try await store.events(Self.question)))
        #expect(error.code == .llmUnavailable)
        #expect(
            error.message
                == "The language model at \(server.baseURL.absoluteString)/chat/completions refused the request "
                + "(HTTP 401: Incorrect API key provided). Check the API key: CHATSHELL_LLM_API_KEY, or "
                + "\"llm_api_key\" in the credentials file."
        )
        #expect(!error.message.contains("sk-wrong"))
    }

    @Test func streamEndingWithoutDoneIsAnErrorAfterThePartialText() async throws {
        let server = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(["The rated payload ", "is"], done: false) }
        let store = try await Self.store(server)
        let events = try await store.events(Self.question)
        let error = try #require(Self.error(in: events))
        #expect(error.code == .llmUnavailable)
        #expect(error.message.contains(server.baseURL.absoluteString))
        #expect(error.message.contains("without [DONE]"))
        #expect(events.done == nil)
        let tokens = events.compactMap { if case .token(let chunk) = $0 { chunk } else { nil } }
        #expect(tokens.joined() == "The rated payload is")
    }

    @Test func unreachableEndpointEndsWithLLMUnavailable() async throws {
        let port = try FakeOpenAIServer.closedPort()
        let answerer = OpenAICompatibleAnswerer(
            configuration: .init(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)/v1"))),
            transport: LiveLanguageModel.transport
        )
        let store = try await NorthwindStore.make(documents: Self.documents) { $0.answerer = answerer }
        let error = try #require(Self.error(in: try await store.events(Self.question)))
        #expect(error.code == .llmUnavailable)
        #expect(
            error.message
                == "Cannot reach the language model at http://127.0.0.1:\(port)/v1/chat/completions: Cannot connect "
                + "to 127.0.0.1:\(port): connection refused. Is the model server running? Check that --llm or "
                + "CHATSHELL_LLM_URL is the server's OpenAI-compatible base URL (such as http://127.0.0.1:11434/v1)."
        )
    }

    @Test func silentServerTimesOutAndIsDisconnected() async throws {
        let server = try FakeOpenAIServer { _ in [.hang] }
        // The limit runs out once the server holds the request: on real time a loaded machine could spend the
        // 0.6 s before connecting, and then there would be no connection to close.
        let expiry = Gate()
        let store = try await Self.store(server, firstToken: .milliseconds(600), clock: .expiring(at: expiry))
        async let events = store.events(Self.question)
        #expect(await server.waitForRequests(1))
        expiry.open()
        let error = try #require(Self.error(in: try await events))
        #expect(error.code == .timeout)
        #expect(
            error.message
                == "The language model at \(server.baseURL.absoluteString)/chat/completions sent no answer within "
                + "0.6 s. It may still be loading the model or be overloaded: check the server, or allow more time "
                + "with CHATSHELL_LLM_TIMEOUT_S."
        )
        #expect(await server.waitForDisconnect())
    }

    @Test func slowFirstTokenPastTheLimitTimesOut() async throws {
        let server = try FakeOpenAIServer { _ in
            let steps = FakeOpenAIServer.stream(["8 kg [1]."])
            return Array(steps.prefix(2)) + [.hang]
        }
        let store = try await Self.store(server, firstToken: .milliseconds(500))
        let error = try #require(Self.error(in: try await store.events(Self.question)))
        #expect(error.code == .timeout)
        #expect(error.message.contains("sent no answer within 0.5 s"))
    }

    @Test func slowFirstTokenWithinTheLimitAnswers() async throws {
        let server = try FakeOpenAIServer { _ in
            let steps = FakeOpenAIServer.stream(["8 kg [1]."])
            return Array(steps.prefix(2)) + [.pause(.milliseconds(800))] + steps.dropFirst(2)
        }
        let store = try await Self.store(server, firstToken: .seconds(120), idle: .milliseconds(300))
        let done = try #require(try await store.events(Self.question).done)
        #expect(done.answer == "8 kg [1].")
    }

    @Test func stallMidAnswerTimesOutAfterTheIdleLimit() async throws {
        let server = try FakeOpenAIServer { _ in
            Array(FakeOpenAIServer.stream(["The rated payload "]).prefix(3)) + [.hang]
        }
        let store = try await Self.store(server, idle: .milliseconds(500))
        let events = try await store.events(Self.question)
        let error = try #require(Self.error(in: events))
        #expect(error.code == .timeout)
        #expect(
            error.message
                == "The language model at \(server.baseURL.absoluteString)/chat/completions stopped sending for "
                + "0.5 s in the middle of the answer. Check the model server's log, or allow more time with "
                + "CHATSHELL_LLM_TIMEOUT_S."
        )
        #expect(await server.waitForDisconnect())
    }

    @Test func errorPayloadInsideTheStreamEndsWithLLMUnavailable() async throws {
        let server = try FakeOpenAIServer { _ in
            [
                .send(FakeOpenAIServer.streamHead), .send(FakeOpenAIServer.contentFrame("The ")),
                .send(FakeOpenAIServer.frame(#"{"error":{"message":"context length exceeded","code":400}}"#)),
            ]
        }
        let store = try await Self.store(server)
        let error = try #require(Self.error(in: try await store.events(Self.question)))
        #expect(error.code == .llmUnavailable)
        #expect(error.message.hasSuffix("reported an error: context length exceeded. Check the model server's log."))
    }

    @Test func jsonInsteadOfAnEventStreamIsRefused() async throws {
        let server = try FakeOpenAIServer { _ in
            [.send(FakeOpenAIServer.response(status: 200, reason: "OK", body: #"{"choices":[]}"#))]
        }
        let store = try await Self.store(server)
        let error = try #require(Self.error(in: try await store.events(Self.question)))
        #expect(error.code == .llmUnavailable)
        #expect(error.message.contains("answered with application/json instead of an event stream"))
    }
}

// MARK: - Pure parts

@Suite struct OpenAICompatibleAnswererUnitTests {
    static func source(_ n: Int, kind: Source.Kind = .document, page: Int? = nil, heading: String? = nil) -> Source {
        Source(
            n: n,
            id: "chk_\(n)",
            kind: kind,
            filename: kind == .document ? "spec-\(n).pdf" : nil,
            title: kind == .document ? "Spec \(n)" : "Personal memory",
            page: page,
            snippet: "text \(n)",
            text: "Text of source \(n).",
            score: 1,
            heading: heading
        )
    }

    static func context(sources: [Source], history: [HistoryMessage] = []) -> AnswerContext {
        AnswerContext(
            question: "What is it?",
            previousQuestion: nil,
            sources: sources,
            history: history,
            inverseDocumentFrequency: { _ in 1 }
        )
    }

    @Test func promptNumbersSourcesWithTheirDetails() {
        let context = Self.context(
            sources: [
                Self.source(1, page: 2, heading: "Performance"), Self.source(2),
                Self.source(3, kind: .personalMemory),
            ],
            history: [
                HistoryMessage(role: "user", content: "Earlier?"),
                HistoryMessage(role: "assistant", content: "Yes [1, 2], indeed [3]."),
            ]
        )
        let messages = OpenAICompatibleAnswerer.messages(for: context)
        #expect(messages.map(\.role) == ["system", "user", "assistant", "user"])
        #expect(messages[2].content == "Yes, indeed.")
        #expect(
            messages[3].content == """
                Sources:

                [1] Title: Spec 1 | File: spec-1.pdf | Page: 2 | Section: Performance
                Text of source 1.

                [2] Title: Spec 2 | File: spec-2.pdf
                Text of source 2.

                [3] Personal memory (something the user told you earlier)
                Text of source 3.

                Question: What is it?
                """
        )
        #expect(
            messages[0].content.contains(
                "reply with exactly this sentence and nothing else: \(KnowledgeBase.noContextAnswer)"
            )
        )
    }

    @Test func chunksDecodeDeltasUsageFinishAndErrors() {
        #expect(ChatCompletionChunk.decode("[DONE]") == .done)
        #expect(
            ChatCompletionChunk.decode(#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#)
                == .delta(content: "Hi", finishReason: nil, usage: nil)
        )
        #expect(
            ChatCompletionChunk.decode(#"{"choices":[{"delta":{},"finish_reason":"length"}]}"#)
                == .delta(content: "", finishReason: "length", usage: nil)
        )
        #expect(
            ChatCompletionChunk.decode(#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#)
                == .delta(content: "", finishReason: nil, usage: Usage(promptTokens: 3, completionTokens: 4))
        )
        #expect(ChatCompletionChunk.decode(#"{"error":{"message":"boom"}}"#) == .failure("boom"))
        #expect(ChatCompletionChunk.decode(#"{"error":"model not found"}"#) == .failure("model not found"))
        #expect(ChatCompletionChunk.decode("not json") == nil)
    }

    @Test func errorBodiesOfTheCommonServersYieldTheirMessage() {
        #expect(ChatCompletionChunk.errorMessage(inBody: #"{"error":{"message":"bad key","type":"x"}}"#) == "bad key")
        #expect(ChatCompletionChunk.errorMessage(inBody: #"{"error":"model 'x' not found"}"#) == "model 'x' not found")
        #expect(ChatCompletionChunk.errorMessage(inBody: #"{"detail":"Not Found"}"#) == "Not Found")
        #expect(ChatCompletionChunk.errorMessage(inBody: "<html>\nBad Gateway</html>") == "<html> Bad Gateway</html>")
    }

    @Test func modelListsOfOpenAIAndOllamaGiveTheFirstModel() {
        #expect(ChatCompletionChunk.firstModel(inList: Data(#"{"data":[{"id":"a"},{"id":"b"}]}"#.utf8)) == "a")
        #expect(ChatCompletionChunk.firstModel(inList: Data(#"{"models":[{"name":"llama3.2"}]}"#.utf8)) == "llama3.2")
        #expect(ChatCompletionChunk.firstModel(inList: Data(#"{"data":[]}"#.utf8)) == nil)
    }

    @Test func abstentionGateHoldsOnlyWhatMayStillBeTheSentence() {
        var gate = AbstentionGate()
        #expect(gate.feed("I could") == .undecided)
        #expect(gate.feed(" not find this in the available documents") == .undecided)
        #expect(gate.feed(".") == .undecided)
        #expect(gate.isAbstention)

        var other = AbstentionGate()
        #expect(other.feed("I found") == .answer("I found"))

        var longer = AbstentionGate()
        #expect(longer.feed("I could not find this in the available documents") == .undecided)
        #expect(longer.feed(", but") == .answer("I could not find this in the available documents, but"))
    }

    @Test func baseURLAcceptsTrailingSlashAndFullEndpoint() throws {
        let plain = OpenAICompatibleAnswerer.Configuration(baseURL: try #require(URL(string: "http://h:1/v1/")))
        #expect(plain.completionsURL.absoluteString == "http://h:1/v1/chat/completions")
        let full = OpenAICompatibleAnswerer.Configuration(
            baseURL: try #require(URL(string: "http://h:1/v1/chat/completions"))
        )
        #expect(full.modelsURL.absoluteString == "http://h:1/v1/models")
        let secret = OpenAICompatibleAnswerer.Configuration(
            baseURL: try #require(URL(string: "https://user:pw@h/v1?key=abc"))
        )
        #expect(secret.shownBaseURL == "https://h/v1")
    }

    @Test func connectTimeoutBecomesTimeoutNamingTheURL() throws {
        let configuration = OpenAICompatibleAnswerer.Configuration(
            baseURL: try #require(URL(string: "http://10.9.8.7:11434/v1")),
            connectTimeout: .seconds(10)
        )
        let error = OpenAICompatibleAnswerer.engineError(
            for: CompletionTransportError.connectTimedOut,
            configuration: configuration
        )
        #expect(
            error as? EngineError
                == .timeout(
                    "The language model at http://10.9.8.7:11434/v1/chat/completions did not accept a connection "
                        + "within 10 s. Check the address in --llm or CHATSHELL_LLM_URL, the network and any firewall."
                )
        )
    }

    @Test func notFoundPointsAtTheBaseURLAndModel() throws {
        let configuration = OpenAICompatibleAnswerer.Configuration(baseURL: try #require(URL(string: "http://h:1")))
        let error = OpenAICompatibleAnswerer.engineError(
            for: CompletionTransportError.httpStatus(404, body: #"{"error":"model \"llama9\" not found"}"#),
            configuration: configuration
        )
        #expect(
            (error as? EngineError)?.message
                == "The language model at http://h:1/chat/completions answered HTTP 404: model \"llama9\" not found. "
                + "Check that --llm or CHATSHELL_LLM_URL is the API base URL (it usually ends in /v1) and that "
                + "CHATSHELL_LLM_MODEL names a model the server has."
        )
    }
}
