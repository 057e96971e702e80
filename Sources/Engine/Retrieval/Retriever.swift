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
    /// The question's embedding; nil ranks by words alone (embeddings off, nothing embedded yet, model failing).
    var questionVector: [Float]? = nil
}

/// Ranks chunks for a question with FTS5 BM25 (architecture.md section 6), fused with the chunks nearest to the
/// question's embedding when there is one (docs/embeddings.md, "Hybrid ranking").
///
/// Kept behind its own type so a faster plan (rare terms first, impact-ordered postings) can replace the naive
/// OR-query without touching its callers.
struct Retriever: Sendable {
    let store: SQLiteStore
    let tuning: RetrievalTuning
    /// The chunk vectors; empty when embeddings are off.
    var vectors = VectorIndex()

    private var weights: (Double, Double, Double) { (tuning.titleWeight, tuning.headingWeight, tuning.bodyWeight) }

    /// The best chunks, at most `maxChunksPerDocument` per document, best first; ties break on storage order.
    ///
    /// The question, its translations, the previous question and memories are separate expressions whose
    /// scores add up with their weights; all are ranked in one statement, and text is read for the winners only.
    func retrieve(_ request: RetrievalRequest, for principal: Principal) throws -> [ChunkHit] {
        let terms = QueryAnalyzer.terms(request.question)
        var expressions: [(match: String, weight: Double)] = []
        func add(_ expression: String?, weight: Double) {
            if let expression { expressions.append((expression, weight)) }
        }
        add(QueryAnalyzer.ftsExpression(terms), weight: 1)
        add(QueryAnalyzer.ftsTranslationExpression(terms), weight: tuning.translationWeight)
        let own = Set(terms.map(\.text))
        if let previous = request.previousQuestion {
            add(
                QueryAnalyzer.ftsExpression(QueryAnalyzer.terms(previous).filter { !own.contains($0.text) }),
                weight: tuning.previousQuestionWeight
            )
        }
        let memoryTerms = request.memoryTexts.flatMap(QueryAnalyzer.terms).filter { !own.contains($0.text) }
        add(
            QueryAnalyzer.ftsExpression(Array(Set(memoryTerms)).sorted { $0.text < $1.text }),
            weight: tuning.memoryTermsWeight
        )

        let ranked = try store.rankChunks(
            matching: expressions.map(\.match),
            for: principal,
            documentIds: request.documentIds,
            weights: weights,
            limit: tuning.candidates
        )
        var scores: [Int64: Double] = [:]
        var documents: [Int64: String] = [:]
        for (expression, found) in zip(expressions, ranked) {
            for chunk in found {
                documents[chunk.seq] = chunk.documentId
                scores[chunk.seq, default: 0] += expression.weight * chunk.score
            }
        }

        if !request.citedDocumentIds.isEmpty, let best = scores.values.max(), best > 0 {
            for (seq, documentId) in documents where request.citedDocumentIds.contains(documentId) {
                scores[seq, default: 0] += tuning.citedDocumentBoost * best
            }
        }

        var order = scores.keys.sorted { lhs, rhs in
            let left = scores[lhs, default: 0]
            let right = scores[rhs, default: 0]
            return left != right ? left > right : lhs < rhs
        }
        if let vector = request.questionVector, vectors.count > 0 {
            let searchable = try store.searchableDocumentIds(for: principal, documentIds: request.documentIds)
            let neighbours = vectors.nearest(to: vector, among: searchable, limit: tuning.semanticCandidates)
            for neighbour in neighbours { documents[neighbour.seq] = neighbour.documentId }
            scores = Self.fuse(lexical: order, semantic: neighbours.map { $0.seq }, tuning: tuning)
            order = scores.keys.sorted { lhs, rhs in
                let left = scores[lhs, default: 0]
                let right = scores[rhs, default: 0]
                return left != right ? left > right : lhs < rhs
            }
        }
        var perDocument: [String: Int] = [:]
        var chosen: [Int64] = []
        for seq in order where chosen.count < request.topK {
            guard let documentId = documents[seq], perDocument[documentId, default: 0] < tuning.maxChunksPerDocument
            else { continue }
            perDocument[documentId, default: 0] += 1
            chosen.append(seq)
        }
        let details = try store.chunkHits(seqs: chosen)
        return chosen.compactMap { seq in
            guard var hit = details[seq] else { return nil }
            hit.score = scores[seq, default: 0]
            return hit
        }
    }

    /// Reciprocal rank fusion: each list gives a chunk `weight / (offset + rank)`, rank 1 first, summed.
    ///
    /// Ranks, not scores, are fused: BM25 and cosine live on scales that do not compare, and a rank is robust to
    /// either one's outliers (Cormack, Clarke and Büttcher, SIGIR 2009).
    static func fuse(lexical: [Int64], semantic: [Int64], tuning: RetrievalTuning) -> [Int64: Double] {
        var fused: [Int64: Double] = [:]
        for (rank, seq) in lexical.enumerated() {
            fused[seq, default: 0] += tuning.lexicalFusionWeight / (tuning.fusionRankOffset + Double(rank + 1))
        }
        for (rank, seq) in semantic.enumerated() {
            fused[seq, default: 0] += tuning.semanticFusionWeight / (tuning.fusionRankOffset + Double(rank + 1))
        }
        return fused
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
