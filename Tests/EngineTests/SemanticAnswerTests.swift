import ChatAPI
import ChatTestSupport
import Testing

@testable import Engine

/// Answering by meaning: with the real multilingual-e5-small encoder, an English question about a German passage is
/// answered from it, and questions the documents do not answer still abstain (a question about something the
/// German passage lacks may not: docs/embeddings.md, "Answering by meaning").
@Suite struct SemanticAnswerTests {
    static let documents = SemanticRetrievalTests.documents

    @Test func englishQuestionsAreAnsweredFromAGermanPassageOnlyWithEmbeddings() async throws {
        // "plant security" and "internal number" for "Werkschutz" and "Durchwahl", "assemble" for "Sammelplatz":
        // too few shared words for the coverage gate. The whole corpus, so English passages on the same topics
        // (security, fire safety) compete.
        let questions = [
            "What internal number reaches plant security in an emergency at the German office?":
                "Interner Notruf (Werkschutz): Durchwahl 4400",
            "Where do people assemble when the fire alarm sounds at the German office?":
                "Sammelplatz bei Feueralarm: Parkplatz Nord",
        ]
        let lexical = try await NorthwindStore.make()
        let semantic = try await NorthwindStore.make { $0.embedder = try? SemanticRetrievalTests.CountingEmbedder() }
        await semantic.knowledgeBase.waitUntilEmbedded()
        for (question, sentence) in questions.sorted(by: { $0.key < $1.key }) {
            // By words alone: an abstention, or a sentence from an English passage on the same topic.
            #expect(try await lexical.events(question).done?.answer.contains(sentence) == false)
            let events = try await semantic.events(question)
            let done = try #require(events.done)
            #expect(done.finishReason == .stop)
            #expect(done.answer.contains(sentence))
            #expect(events.citedFiles == ["standort-leipzig-de.md"])
        }
    }

    @Test func questionsTheDocumentsDoNotAnswerStillAbstainWithEmbeddings() async throws {
        let store = try await NorthwindStore.make(documents: Self.documents) {
            $0.embedder = try? SemanticRetrievalTests.CountingEmbedder()
        }
        await store.knowledgeBase.waitUntilEmbedded()
        // Their nearest passages are about the company, its offices and the German site; none states a revenue or
        // a password.
        for question in [
            "What was Northwind Robotics' total revenue in 2025?",
            "What is the guest Wi-Fi password at the Port Ellery office?",
        ] {
            let done = try #require(try await store.events(question).done)
            #expect(done.finishReason == .noContext, "\(question) → \(done.answer)")
        }
    }
}
