import ChatAPI
import ChatTestSupport
import Testing

@testable import Engine

/// Answering by meaning: with the real multilingual-e5-small encoder, a question worded unlike its passage is
/// answered from it, and a question the documents do not answer still abstains.
@Suite struct SemanticAnswerTests {
    static let documents = SemanticRetrievalTests.documents

    @Test func aParaphraseIsAnsweredByMeaningOnlyWhenEmbeddingsAreOn() async throws {
        // "therapy appointments" and "staff support programme" for "counselling sessions" and "Employee Assistance
        // Program": too few shared words for the answer by words.
        let question = "How many free therapy appointments does the staff support programme offer?"
        let lexical = try await NorthwindStore.make(documents: Self.documents)
        #expect(try await lexical.events(question).done?.finishReason == .noContext)

        let semantic = try await NorthwindStore.make(documents: Self.documents) {
            $0.embedder = try? SemanticRetrievalTests.CountingEmbedder()
        }
        await semantic.knowledgeBase.waitUntilEmbedded()
        let events = try await semantic.events(question)
        let done = try #require(events.done)
        #expect(done.finishReason == .stop)
        #expect(done.answer.contains("up to 6 sessions per topic per year"))
        #expect(events.citedFiles == ["employee-handbook.md"])
    }

    @Test func aQuestionTheDocumentsDoNotAnswerStillAbstainsWithEmbeddings() async throws {
        let store = try await NorthwindStore.make(documents: Self.documents) {
            $0.embedder = try? SemanticRetrievalTests.CountingEmbedder()
        }
        await store.knowledgeBase.waitUntilEmbedded()
        // Its nearest passages are about the company and its offices; none states a revenue or a password.
        for question in [
            "What was Northwind Robotics' total revenue in 2025?",
            "What is the guest Wi-Fi password at the Port Ellery office?",
        ] {
            let done = try #require(try await store.events(question).done)
            #expect(done.finishReason == .noContext, "\(question) → \(done.answer)")
        }
    }
}
