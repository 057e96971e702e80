import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Engine

@Suite struct AnswerTests {
    @Test func lookupAnswersWithTheFactAndCitesItsDocument() async throws {
        let store = try await NorthwindStore.make()
        let events = try await store.events("What is the rated payload of the NR-X200 robot arm?")
        let done = try #require(events.done)
        #expect(done.finishReason == .stop)
        #expect(done.answer.contains("8 kg"))
        #expect(events.citedFiles.contains("product-x200-spec.pdf"))
    }

    @Test func followUpUsesThePreviousQuestion() async throws {
        let store = try await NorthwindStore.make()
        let first = try await store.events("What is the rated payload of the NR-X200 robot arm?")
        let conversation = try #require(first.done?.conversationId)
        let second = try await store.events("And how much does the arm weigh?", conversationId: conversation)
        let done = try #require(second.done)
        #expect(done.answer.contains("24.5 kg"))
        #expect(!done.answer.contains("38.0 kg"))
        #expect(second.citedFiles == ["product-x200-spec.pdf"])
        let stored = try store.knowledgeBase.conversation(id: conversation, as: .local)
        #expect(stored.messages.count == 4)
    }

    @Test func unknownIdentifierAbstainsWithoutSources() async throws {
        let store = try await NorthwindStore.make()
        let events = try await store.events("What is the maximum payload of the NR-X400?")
        let done = try #require(events.done)
        #expect(done.finishReason == .noContext)
        #expect(done.answer == "I could not find this in the available documents.")
        #expect(events.sources.isEmpty)
        #expect(done.citations.isEmpty)
        #expect(!done.answer.contains("["))
    }

    @Test func emptyStoreAbstains() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let events = try await store.events("How many days of annual leave do I get?")
        #expect(events.done?.finishReason == .noContext)
    }

    @Test func eventsFollowTheContractOrder() async throws {
        let store = try await NorthwindStore.make(documents: ["travel-policy.pdf", "employee-handbook.md"])
        let events = try await store.events("What is the nightly hotel cap in high-cost cities?")
        guard case .meta = events.first else {
            Issue.record("meta is not first")
            return
        }
        let sourcesIndex = try #require(events.firstIndex { if case .sources = $0 { true } else { false } })
        let firstToken = try #require(events.firstIndex { if case .token = $0 { true } else { false } })
        #expect(sourcesIndex < firstToken)
        #expect(events.filter { if case .sources = $0 { true } else { false } }.count == 1)
        guard case .done(let done) = events.last else {
            Issue.record("done is not last")
            return
        }
        let tokens = events.compactMap { if case .token(let chunk) = $0 { chunk } else { nil } }.joined()
        #expect(tokens == done.answer)
    }

    @Test func citationSpansSelectExactlyTheirMarkers() async throws {
        let store = try await NorthwindStore.make(documents: ["support-sla.docx", "warranty-terms.txt"])
        let events = try await store.events("How much does the Critical support plan cost per robot per year?")
        let done = try #require(events.done)
        let scalars = Array(done.answer.unicodeScalars)
        #expect(!done.citations.isEmpty)
        for citation in done.citations {
            for span in citation.spans {
                let marker = String(String.UnicodeScalarView(scalars[span.start..<span.end]))
                #expect(marker == "[\(citation.n)]")
            }
        }
        let numbers = events.sources.map(\.n)
        #expect(numbers == Array(1...numbers.count))
    }

    @Test func memoryCaptureStoresTheFactAndLaterAnswersFromIt() async throws {
        let store = try await NorthwindStore.make(documents: ["employee-handbook.md"])
        let capture = try await store.events("Please remember that my employee ID is NW-58213.")
        let captured = try #require(capture.done)
        #expect(captured.memoryAdded?.content == "my employee ID is NW-58213.")
        #expect(capture.sources.isEmpty)
        let question = try await store.events("What is my employee ID?")
        let done = try #require(question.done)
        #expect(done.answer.contains("NW-58213"))
        let cited = Set(done.citations.map(\.n))
        #expect(question.sources.contains { cited.contains($0.n) && $0.kind == .personalMemory })
    }

    @Test func englishQuestionsFindTheGermanSiteGuide() async throws {
        let store = try await NorthwindStore.make(documents: ["standort-leipzig-de.md", "employee-handbook.md"])
        let events = try await store.events("When is the canteen open in Leipzig?")
        let done = try #require(events.done)
        #expect(done.answer.contains("11:30 bis 13:45"))
        #expect(events.citedFiles == ["standort-leipzig-de.md"])
    }

    // Inflected German forms match by their Snowball stems ("meinem Standort", "geöffnet").
    @Test func germanQuestionsFindTheGermanSiteGuide() async throws {
        let store = try await NorthwindStore.make(documents: ["standort-leipzig-de.md", "employee-handbook.md"])
        let events = try await store.events("Wann ist die Kantine in Leipzig geöffnet?")
        let done = try #require(events.done)
        #expect(done.answer.contains("11:30 bis 13:45"))
        #expect(events.citedFiles == ["standort-leipzig-de.md"])
    }

    @Test func anAmountPicksTheRuleWhoseRangeHoldsIt() async throws {
        let store = try await NorthwindStore.make()
        let large = try #require(try await store.events("Who approves an expense claim of $3,000?").done)
        #expect(large.answer.contains("Above $2,500; Approval required: Your manager and your VP"))
        let small = try #require(try await store.events("Who approves an expense claim of $120?").done)
        #expect(small.answer.contains("Up to $500; Approval required: Automatic"))
        #expect(!small.answer.contains("Your manager and your VP"))
    }

    @Test func personalMemoriesQualifyQuestionsAboutTheUser() async throws {
        let store = try await NorthwindStore.make()
        _ = try store.knowledgeBase.remember("I am based at the Leipzig site.", source: "user", as: .local)
        let manager = try store.knowledgeBase.remember("My manager is Ada Brandt.", source: "user", as: .local)

        // "my site" is the Leipzig site: its guide answers, in German
        let canteen = try #require(try await store.events("When does the canteen open at my site?").done)
        #expect(canteen.answer.contains("11:30"))
        let kantine = try #require(try await store.events("Wann ist die Kantine an meinem Standort geöffnet?").done)
        #expect(kantine.answer.contains("11:30"))

        // The rule names "Your manager"; the answer says who that is, citing the memory
        let events = try await store.events("Who approves my expense claim of $1,000?")
        let done = try #require(events.done)
        #expect(done.answer.contains("Above $500 and up to $2,500; Approval required: Your manager"))
        #expect(done.answer.contains("You told me: My manager is Ada Brandt ["))
        let memorySource = try #require(
            events.sources.first { $0.kind == .personalMemory && $0.text == manager.content }
        )
        #expect(done.citations.contains { $0.n == memorySource.n })
    }

    @Test func aSectionThatNamesWhatWasAskedIsQuotedWithTheSentence() async throws {
        let store = try await NorthwindStore.make(documents: ["release-notes-2026.txt", "security-policy.html"])
        let done = try #require(
            try await store.events("Which release of Studio fixed the Remote Access session timeout?").done
        )
        #expect(done.answer.hasPrefix("Studio 5.2.1 - released 2026-04-02"))
        #expect(done.answer.contains("NWS-4588"))
        // Numbered headings say nothing of their own
        #expect(ExtractiveAnswerer.namesSomething("Studio 5.2.0 - released 2026-03-17"))
        #expect(!ExtractiveAnswerer.namesSomething("5. Remote and hybrid work"))
        #expect(!ExtractiveAnswerer.namesSomething("6.2 Approval limits"))
    }

    @Test func theAnswerIsStoredBeforeItsDoneEventArrives() async throws {
        // A bridge or client sends the follow-up the moment `done` arrives; it must find this answer stored
        let store = try await NorthwindStore.make(documents: ["product-x200-spec.pdf"])
        let stream = try store.knowledgeBase.ask(
            QueryRequest(query: "What is the repeatability of the NR-X200?"),
            as: .local
        )
        for try await event in stream {
            guard case .done(let done) = event, let id = done.conversationId else { continue }
            let messages = try store.knowledgeBase.conversation(id: id, as: .local).messages
            #expect(messages.map(\.role) == ["user", "assistant"])
            #expect(messages.last?.content == done.answer)
            #expect(messages.last?.citations.isEmpty == false)
        }
    }

    @Test func emptyQuestionIsAValidationError() async throws {
        let store = try await NorthwindStore.make(documents: [])
        #expect(throws: EngineError.self) {
            _ = try store.knowledgeBase.ask(QueryRequest(query: "   "), as: .local)
        }
        #expect(throws: EngineError.conversationNotFound("cnv_missing")) {
            _ = try store.knowledgeBase.ask(QueryRequest(query: "hello", conversationId: "cnv_missing"), as: .local)
        }
    }

    @Test func cancellingTheConsumerStoresACancelledMessage() async throws {
        let store = try await NorthwindStore.make(documents: ["employee-handbook.md"]) { configuration in
            configuration.answerer = StallingAnswerer()
        }
        // The admission gate's release runs once the answer is stored, however it ended.
        let stored = Gate()
        let stream = try store.knowledgeBase.ask(QueryRequest(query: "annual leave"), as: .local) {
            { stored.open() }
        }
        // The consumer's task is cancelled mid-answer, as a client disconnect or Ctrl-C does: once a token has
        // arrived, so there is partial text to keep.
        let (firstToken, tokenSeen) = AsyncStream.makeStream(of: Void.self)
        let consumer = Task {
            var conversation: String?
            for try await event in stream {
                if case .meta(let meta) = event { conversation = meta.conversationId }
                if case .token = event { tokenSeen.yield() }
            }
            return conversation
        }
        for await _ in firstToken { break }
        consumer.cancel()
        let conversation = try? await consumer.value
        let fallback = try store.knowledgeBase.conversations(as: .local).items.first?.id
        let id = try #require(conversation ?? fallback)
        try await stored.wait()
        let messages = try store.knowledgeBase.conversation(id: id, as: .local).messages
        #expect(messages.count == 2)
        #expect(messages.last?.finishReason == .cancelled)
        #expect(messages.last?.content.isEmpty == false)
    }
}

/// Streams one word, then nothing until it is cancelled, so a consumer always leaves mid-answer.
struct StallingAnswerer: Answerer {
    let model = "stalling"

    func answer(_ context: AnswerContext) async throws -> AnswerOutcome {
        .stream(
            AsyncThrowingStream { continuation in
                let task = Task {
                    continuation.yield(.text("word "))
                    try? await Gate.never.wait()
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        )
    }
}
