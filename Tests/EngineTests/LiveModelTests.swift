import ChatAPI
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@testable import Engine

/// Protocol checks against a real model at `CHATSHELL_LLM_URL` (`scripts/local-llm.sh start`).
///
/// Skipped when the variable is unset. Models answer differently, so only protocol properties are checked, never
/// wording.
@Suite(.tags(.llm), .enabled(if: LiveLanguageModel.isConfigured, "set CHATSHELL_LLM_URL to run against a real model"))
struct LiveModelTests {
    static func store() async throws -> NorthwindStore {
        let answerer = try #require(LiveLanguageModel.answerer())
        return try await NorthwindStore.make(documents: ["product-x200-spec.pdf", "travel-policy.pdf"]) {
            $0.answerer = answerer
        }
    }

    @Test func realModelStreamsAnAnswerFollowingTheContract() async throws {
        let store = try await Self.store()
        let events = try await store.events("What is the rated payload of the NR-X200 robot arm?")

        guard case .meta(let meta) = events.first else {
            Issue.record("meta is not first")
            return
        }
        #expect(meta.model != "extractive")
        let done = try #require(events.done, "the stream ended with \(String(describing: events.last))")
        let tokens = events.compactMap { if case .token(let chunk) = $0 { chunk } else { nil } }
        #expect(done.answer == tokens.joined())
        #expect([FinishReason.stop, .length, .noContext].contains(done.finishReason))
        if done.finishReason != .noContext {
            #expect(!tokens.isEmpty)
            #expect(!events.sources.isEmpty)
            let numbers = Set(events.sources.map(\.n))
            #expect(done.citations.allSatisfy { numbers.contains($0.n) })
        }
        #expect(done.usage.completionTokens > 0)
        let firstToken = try #require(done.timingsMs.firstToken)
        #expect(firstToken <= done.timingsMs.total)
    }

    @Test func realModelWritesAComparisonFollowingTheContract() async throws {
        let answerer = try #require(LiveLanguageModel.answerer())
        let store = try await NorthwindStore.make(documents: ["product-x200-spec.pdf", "product-x300-spec.pdf"]) {
            $0.answerer = answerer
        }
        let ids = try ["product-x200-spec.pdf", "product-x300-spec.pdf"].map { try #require(store.ids[$0]) }
        var events: [StreamEvent] = []
        for try await event in try store.knowledgeBase.compare(CompareRequest(documentIds: ids), as: .local) {
            events.append(event)
        }

        guard case .meta(let meta) = events.first else {
            Issue.record("meta is not first")
            return
        }
        #expect(meta.model != "extractive")
        let done = try #require(events.done, "the stream ended with \(String(describing: events.last))")
        let comparison = try #require(done.comparison)
        let tokens = events.compactMap { if case .token(let chunk) = $0 { chunk } else { nil } }
        #expect(!tokens.isEmpty)
        #expect(done.answer == tokens.joined())
        #expect(comparison.report == done.answer)
        #expect([FinishReason.stop, .length].contains(done.finishReason))
        let numbers = Set(comparison.sources.map(\.n))
        #expect(done.citations.allSatisfy { numbers.contains($0.n) })
        #expect(Set(comparison.sources.map(\.documentId)) == Set(ids))
    }

    @Test func realModelNameIsReported() async throws {
        let answerer = try #require(LiveLanguageModel.answerer())
        let model = await answerer.resolvedModel()
        #expect(!model.isEmpty)
        #expect(answerer.model == model)
    }

    @Test func cancellingARealAnswerEndsItMidAnswer() async throws {
        let store = try await Self.store()
        let firstToken = Gate()
        let consumer = Task {
            var events: [StreamEvent] = []
            let request = QueryRequest(query: "Summarise the travel policy's hotel rules in detail.")
            for try await event in try store.knowledgeBase.ask(request, as: .local) {
                events.append(event)
                if case .token = event { firstToken.open() }
            }
            return events
        }
        try await firstToken.wait()
        consumer.cancel()
        // Ended mid-answer: the consumer gets no `done` (a detailed summary takes many tokens).
        let events = try? await consumer.value
        #expect(events?.done == nil)
    }
}
