import Foundation
import GRDB

/// A chunk ranked by one search expression, without its text: the plan ranks first and reads text for the winners.
struct RankedChunk: Sendable, Hashable {
    var seq: Int64
    var documentId: String
    /// Higher is better (negated BM25).
    var score: Double
}

extension SQLiteStore {
    /// How many rows FTS5 ranks per expression before they are joined to their chunk and document.
    ///
    /// Ranking inside FTS5 and joining only its best rows makes the cost of the join follow this number instead of
    /// the number of matching rows. Rows the caller may not see are dropped after the join; when too few visible
    /// rows are left, that expression is ranked again by the exact join-first plan, so results never depend on it.
    static func rankingPrefetch(limit: Int) -> Int { max(4 * limit, 200) }

    /// A phrase found in more than this share of the chunks is ranked only where it meets a rarer phrase of its
    /// expression, when that is provably exact (`prunedRanking`): FTS5 scores every row that matches any phrase,
    /// so one common word made a question cost as much as all the rows holding it.
    static let commonPhraseShare = 0.05

    /// BM25's `k1` as FTS5 fixes it: no phrase adds more than `(k1 + 1) * idf` to a row's score.
    static let bm25K1 = 1.2

    /// The best `limit` visible chunks of completed documents for each FTS5 expression, best first, ties in storage
    /// order; one statement for all expressions.
    ///
    /// - Returns: one list per expression, in the order given.
    func rankChunks(
        matching expressions: [String],
        for principal: Principal,
        documentIds: [String]?,
        weights: (Double, Double, Double),
        limit: Int
    ) throws -> [[RankedChunk]] {
        guard !expressions.isEmpty else { return [] }
        return try pool.read { db in
            // A document filter selects a few documents: joining first is cheap there, and ranking the whole
            // index first would mostly rank rows the filter drops.
            if let documentIds, !documentIds.isEmpty {
                return try expressions.map { expression in
                    try exactRanking(
                        db,
                        match: expression,
                        principal: principal,
                        documentIds: documentIds,
                        weights: weights,
                        limit: limit
                    )
                }
            }
            var ranked = Array(repeating: [RankedChunk](), count: expressions.count)
            var remaining: [Int] = []
            for index in expressions.indices {
                if let pruned = try prunedRanking(
                    db,
                    phrases: expressions[index].components(separatedBy: QueryAnalyzer.phraseSeparator),
                    principal: principal,
                    weights: weights,
                    limit: limit
                ) {
                    ranked[index] = pruned
                } else {
                    remaining.append(index)
                }
            }
            guard !remaining.isEmpty else { return ranked }
            let prefetch = Self.rankingPrefetch(limit: limit)
            let (sql, arguments) = Self.rankFirstSQL(
                remaining.map { (part: $0, match: expressions[$0]) },
                principal: principal,
                weights: weights,
                prefetch: prefetch
            )
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var fetched = Array(repeating: 0, count: expressions.count)
            for row in rows {
                let part: Int = row["part"]
                fetched[part] += 1
                guard row["visible"] as Int == 1 else { continue }
                ranked[part].append(RankedChunk(seq: row["seq"], documentId: row["documentId"], score: row["score"]))
            }
            for part in remaining {
                ranked[part].sort { $0.score != $1.score ? $0.score > $1.score : $0.seq < $1.seq }
                if ranked[part].count < limit && fetched[part] == prefetch {
                    // Too many of the best rows are someone else's: rank this expression exactly.
                    ranked[part] = try exactRanking(
                        db,
                        match: expressions[part],
                        principal: principal,
                        documentIds: nil,
                        weights: weights,
                        limit: limit
                    )
                } else if ranked[part].count > limit {
                    ranked[part].removeLast(ranked[part].count - limit)
                }
            }
            return ranked
        }
    }

    /// SQL true when `document` is visible to the principal; one argument, the principal's id.
    private static func visibleSQL(_ principal: Principal) -> String {
        principal.isAccount ? "(document.ownerId = ? OR document.scope = 'shared')" : "document.ownerId = ?"
    }

    /// The rank-first plan for several FTS5 expressions as one statement: each `part` ranked inside FTS5 and cut at
    /// `prefetch` rows, only those rows joined to their chunk and document, and each row marked `visible` when its
    /// document is completed and the principal may see it (the caller drops the others).
    ///
    /// - Returns: the statement, with columns `part`, `seq`, `score`, `documentId`, `visible`, and its arguments.
    private static func rankFirstSQL(
        _ parts: [(part: Int, match: String)],
        principal: Principal,
        weights: (Double, Double, Double),
        prefetch: Int
    ) -> (sql: String, arguments: StatementArguments) {
        var arguments: StatementArguments = []
        let visible = visibleSQL(principal)
        let statements = parts.map { part, match in
            _ = arguments.append(contentsOf: [part, principal.id, weights.0, weights.1, weights.2, match, prefetch])
            return """
                SELECT ? AS part, ranked.rowid AS seq, ranked.score AS score, chunk.documentId AS documentId,
                    CASE WHEN document.status = 'completed' AND \(visible) THEN 1 ELSE 0 END AS visible
                FROM (
                    SELECT rowid, -bm25(chunk_fts, ?, ?, ?) AS score FROM chunk_fts
                    WHERE chunk_fts MATCH ? ORDER BY score DESC, rowid ASC LIMIT ?
                ) AS ranked
                JOIN chunk ON chunk.seq = ranked.rowid
                JOIN document ON document.id = chunk.documentId
                """
        }
        return (statements.joined(separator: "\nUNION ALL\n"), arguments)
    }

    /// The exact best `limit` visible chunks of an OR of phrases, found without scoring the rows that match only
    /// its common phrases; nil when the expression has no common phrase, or when the proof fails (the caller then
    /// ranks it whole).
    ///
    /// A row's BM25 score is a sum over the phrases. The phrases split into rare ones (R) and common ones (C):
    /// rows matching R and nothing of C score as R alone ranks them; rows matching both score as `(R) AND (C)`
    /// ranks them (each phrase once, so the sum is the same); rows matching only C score at most
    /// `sum over C of (k1 + 1) * idf`. The best rows of both statements are merged; they are the exact answer when
    /// the `limit`-th of them scores above that bound and above the last row of each statement cut at the prefetch.
    func prunedRanking(
        _ db: Database,
        phrases: [String],
        principal: Principal,
        weights: (Double, Double, Double),
        limit: Int
    ) throws -> [RankedChunk]? {
        guard phrases.count >= 2, limit > 0 else { return nil }
        let generation = try Int.fetchOne(db, sql: "SELECT value FROM index_generation") ?? 0
        var counts: [Int] = []
        var total = 0
        for phrase in phrases {
            let frequency = try documentFrequency(db, of: phrase, generation: generation)
            counts.append(frequency.matching)
            total = frequency.total
        }
        let threshold = Self.commonPhraseShare * Double(total)
        let common = phrases.indices.filter { Double(counts[$0]) > threshold }
        guard !common.isEmpty, common.count < phrases.count else { return nil }
        let rare = phrases.indices.filter { Double(counts[$0]) <= threshold }
        let rareMatch = rare.map { phrases[$0] }.joined(separator: QueryAnalyzer.phraseSeparator)
        let commonMatch = common.map { phrases[$0] }.joined(separator: QueryAnalyzer.phraseSeparator)
        let prefetch = Self.rankingPrefetch(limit: limit)

        let (sql, arguments) = Self.rankFirstSQL(
            [(0, rareMatch), (1, "(\(rareMatch)) AND (\(commonMatch))")],
            principal: principal,
            weights: weights,
            prefetch: prefetch
        )
        var best: [Int64: RankedChunk] = [:]
        var fetched = [0, 0]
        var lowest = [Double.infinity, Double.infinity]
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            let part: Int = row["part"]
            let score: Double = row["score"]
            fetched[part] += 1
            lowest[part] = min(lowest[part], score)
            guard row["visible"] as Int == 1 else { continue }
            let seq: Int64 = row["seq"]
            // R alone under-scores a row that also matches C; `(R) AND (C)` gives its whole score.
            if let known = best[seq], known.score >= score { continue }
            best[seq] = RankedChunk(seq: seq, documentId: row["documentId"], score: score)
        }
        // Nothing unseen scores above this: rows matching only C, and rows below a statement's cut.
        func idf(_ matching: Int) -> Double {
            max(1e-6, log((Double(total) - Double(matching) + 0.5) / (Double(matching) + 0.5)))
        }
        var unseen = common.reduce(0) { $0 + (Self.bm25K1 + 1) * idf(counts[$1]) } * (1 + 1e-9)
        for part in 0..<2 where fetched[part] == prefetch { unseen = max(unseen, lowest[part]) }
        let sorted = best.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.seq < $1.seq }
        guard sorted.count >= limit, sorted[limit - 1].score > unseen else { return nil }
        return Array(sorted.prefix(limit))
    }

    /// The join-first plan: every matching row joined and filtered, then ranked.
    private func exactRanking(
        _ db: Database,
        match: String,
        principal: Principal,
        documentIds: [String]?,
        weights: (Double, Double, Double),
        limit: Int
    ) throws -> [RankedChunk] {
        var arguments: StatementArguments = [weights.0, weights.1, weights.2, match, principal.id]
        var sql = """
            SELECT chunk.seq, chunk.documentId, -bm25(chunk_fts, ?, ?, ?) AS score
            FROM chunk_fts
            JOIN chunk ON chunk.seq = chunk_fts.rowid
            JOIN document ON document.id = chunk.documentId
            WHERE chunk_fts MATCH ? AND document.status = 'completed'
                AND (document.ownerId = ?
            """
        sql += principal.isAccount ? " OR document.scope = 'shared')" : ")"
        if let documentIds, !documentIds.isEmpty {
            sql += " AND document.id IN (\(documentIds.map { _ in "?" }.joined(separator: ",")))"
            for id in documentIds { _ = arguments.append(contentsOf: [id]) }
        }
        sql += " ORDER BY score DESC, chunk.seq ASC LIMIT ?"
        _ = arguments.append(contentsOf: [limit])
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            RankedChunk(seq: row["seq"], documentId: row["documentId"], score: row["score"])
        }
    }

    /// What a Source needs of these chunks and their documents, by `seq`; the text is read only here.
    func chunkHits(seqs: [Int64]) throws -> [Int64: ChunkHit] {
        guard !seqs.isEmpty else { return [:] }
        return try pool.read { db in
            let sql = """
                SELECT chunk.id, chunk.seq, chunk.documentId, document.filename, document.title AS documentTitle,
                    document.type, chunk.headingPath, chunk.heading, chunk.pageStart, chunk.charStart, chunk.charEnd,
                    chunk.text
                FROM chunk JOIN document ON document.id = chunk.documentId
                WHERE chunk.seq IN (\(seqs.map { _ in "?" }.joined(separator: ",")))
                """
            var hits: [Int64: ChunkHit] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(seqs)) {
                let hit = ChunkHit(
                    chunkId: row["id"],
                    seq: row["seq"],
                    documentId: row["documentId"],
                    filename: row["filename"],
                    documentTitle: row["documentTitle"],
                    documentType: row["type"],
                    headingPath: row["headingPath"],
                    heading: row["heading"],
                    pageStart: row["pageStart"],
                    charStart: row["charStart"],
                    charEnd: row["charEnd"],
                    text: try ChunkText.text(of: row["text"]),
                    score: 0
                )
                hits[hit.seq] = hit
            }
            return hits
        }
    }
}
