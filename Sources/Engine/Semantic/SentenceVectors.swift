import Embedding
import Synchronization

/// Sentence vectors made on demand when answering by meaning, kept in memory by text: the same passages come back
/// for question after question, and embedding a sentence costs milliseconds of arithmetic.
///
/// Bounded: when full it starts over, which keeps the common sentences of a busy store while capping memory.
final class SentenceVectors: Sendable {
    let embedder: any Embedder
    private let entries = Mutex<[String: [Float]]>([:])
    private let capacity: Int

    init(embedder: any Embedder, capacity: Int = 16_384) {
        self.embedder = embedder
        self.capacity = capacity
    }

    /// The passage vectors of `texts`, in order; nil when the embedder fails.
    func vectors(_ texts: [String]) async -> [[Float]]? {
        let known = entries.withLock { entries in texts.map { entries[$0] } }
        var missing: [String] = []
        var seen: Set<String> = []
        for (text, vector) in zip(texts, known) where vector == nil && seen.insert(text).inserted {
            missing.append(text)
        }
        var made: [String: [Float]] = [:]
        if !missing.isEmpty {
            guard let vectors = try? await embedder.embed(missing, as: .passage), vectors.count == missing.count
            else { return nil }
            made = Dictionary(uniqueKeysWithValues: zip(missing, vectors))
            entries.withLock { entries in
                if entries.count + made.count > capacity { entries.removeAll(keepingCapacity: true) }
                entries.merge(made) { _, new in new }
            }
        }
        return zip(texts, known).map { text, vector in vector ?? made[text] ?? [] }
    }
}
