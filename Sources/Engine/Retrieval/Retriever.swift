import Foundation

/// What a retrieval takes besides the question.
struct RetrievalRequest: Sendable {
    var question: String
    /// The previous user question of the conversation; its terms join the query with a lower weight.
    var previousQuestion: String?
    /// Documents the previous answer cited; their chunks get a fixed boost.
    var citedDocumentIds: Set<String>
    /// Text of memories found for this question; their terms steer the search ("I work at the Leipzig site").
    var memoryTexts: [String]
    var documentIds: [String]?
    var topK: Int
}

/// Ranks chunks for a question with FTS5 BM25 (architecture.md section 6).
///
/// Kept behind its own type so a faster plan (rare terms first, impact-ordered postings) can replace the naive
/// OR-query without touching its callers.
struct Retriever: Sendable {
    let store: SQLiteStore
    let tuning: RetrievalTuning

    private var weights: (Double, Double, Double) { (tuning.titleWeight, tuning.headingWeight, tuning.bodyWeight) }

    /// The best chunks, at most `maxChunksPerDocument` per document, best first; ties break on storage order.
    func retrieve(_ request: RetrievalRequest, for principal: Principal) throws -> [ChunkHit] {
        let terms = QueryAnalyzer.terms(request.question)
        var scores: [String: Double] = [:]
        var hits: [String: ChunkHit] = [:]

        func add(_ terms: [QueryTerm], weight: Double) throws {
            try add(QueryAnalyzer.ftsExpression(terms), weight: weight)
        }

        func add(_ expression: String?, weight: Double) throws {
            guard let expression else { return }
            let found = try store.searchChunks(
                match: expression,
                for: principal,
                documentIds: request.documentIds,
                weights: weights,
                limit: tuning.candidates
            )
            for hit in found {
                hits[hit.chunkId] = hits[hit.chunkId] ?? hit
                scores[hit.chunkId, default: 0] += weight * hit.score
            }
        }

        try add(terms, weight: 1)
        let own = Set(terms.map(\.text))
        if let previous = request.previousQuestion {
            try add(
                QueryAnalyzer.terms(previous).filter { !own.contains($0.text) },
                weight: tuning.previousQuestionWeight
            )
        }
        let memoryTerms = request.memoryTexts.flatMap(QueryAnalyzer.terms).filter { !own.contains($0.text) }
        try add(Array(Set(memoryTerms)).sorted { $0.text < $1.text }, weight: tuning.memoryTermsWeight)

        if !request.citedDocumentIds.isEmpty, let best = scores.values.max(), best > 0 {
            for (id, hit) in hits where request.citedDocumentIds.contains(hit.documentId) {
                scores[id, default: 0] += tuning.citedDocumentBoost * best
            }
        }

        let ranked = hits.values.sorted { lhs, rhs in
            let left = scores[lhs.chunkId, default: 0]
            let right = scores[rhs.chunkId, default: 0]
            return left != right ? left > right : lhs.seq < rhs.seq
        }
        var perDocument: [String: Int] = [:]
        var result: [ChunkHit] = []
        for var hit in ranked where result.count < request.topK {
            guard perDocument[hit.documentId, default: 0] < tuning.maxChunksPerDocument else { continue }
            perDocument[hit.documentId, default: 0] += 1
            hit.score = scores[hit.chunkId, default: 0]
            result.append(hit)
        }
        return result
    }

    /// Inverse document frequency of a term over all chunks (BM25's form, always positive).
    func inverseDocumentFrequency(of term: QueryTerm) -> Double {
        let expression = ([term.text] + term.variants + term.searchStems).map(QueryAnalyzer.ftsTerm)
            .joined(separator: " OR ")
        guard let counts = try? store.documentFrequency(of: expression), counts.total > 0 else { return 1 }
        let total = Double(counts.total)
        let matching = Double(counts.matching)
        return log((total - matching + 0.5) / (matching + 0.5) + 1)
    }
}
