import Embedding
import Synchronization

/// The stored chunk vectors in memory, one contiguous matrix searched exactly: loaded once from the store, then
/// kept in step by the embedding worker, which adds what it (or another process) stores.
///
/// Rows of deleted documents may linger until the worker prunes them; a search only ever returns rows of the
/// documents it is given, which come from the store at query time, so a deleted document is never returned.
final class VectorIndex: Sendable {
    /// A chunk near the query.
    struct Neighbour: Sendable, Hashable {
        var seq: Int64
        var documentId: String
        /// Cosine similarity (both sides are unit length).
        var similarity: Float
    }

    private struct State {
        var matrix: VectorMatrix?
        var seqs: [Int64] = []
        var documentOfRow: [Int32] = []
        var documentIds: [String] = []
        var documentOrdinals: [String: Int32] = [:]
        var rowOfSeq: [Int64: Int] = [:]
        var highestSeq: Int64 = 0
    }

    private let state = Mutex(State())

    /// The number of vectors held.
    var count: Int { state.withLock { $0.seqs.count } }

    /// The highest chunk `seq` held: vectors above it are new to this index.
    var highestSeq: Int64 { state.withLock { $0.highestSeq } }

    /// The width of the vectors held, once one is.
    var dimension: Int? { state.withLock { $0.matrix?.dimension } }

    /// Adds vectors; a chunk already held keeps its row, and a vector of another width than the first is skipped.
    ///
    /// - Returns: how many were added.
    @discardableResult
    func add(_ vectors: [StoredVector]) -> Int {
        state.withLock { state in
            var added = 0
            for stored in vectors where state.rowOfSeq[stored.seq] == nil {
                // Past even a skipped row, so that loading "what is above the highest" moves on.
                state.highestSeq = max(state.highestSeq, stored.seq)
                if state.matrix == nil { state.matrix = VectorMatrix(dimension: stored.vector.bytes.count) }
                guard stored.vector.bytes.count == state.matrix?.dimension else { continue }
                let ordinal: Int32
                if let known = state.documentOrdinals[stored.documentId] {
                    ordinal = known
                } else {
                    ordinal = Int32(state.documentIds.count)
                    state.documentIds.append(stored.documentId)
                    state.documentOrdinals[stored.documentId] = ordinal
                }
                state.rowOfSeq[stored.seq] = state.seqs.count
                state.seqs.append(stored.seq)
                state.documentOfRow.append(ordinal)
                state.matrix?.append(stored.vector)
                added += 1
            }
            return added
        }
    }

    /// Drops the rows of documents not in `existing` (deleted since their vectors were loaded).
    func prune(keeping existing: Set<String>) {
        state.withLock { state in
            var row = 0
            while row < state.seqs.count {
                let documentId = state.documentIds[Int(state.documentOfRow[row])]
                guard !existing.contains(documentId) else {
                    row += 1
                    continue
                }
                let last = state.seqs.count - 1
                state.rowOfSeq[state.seqs[row]] = nil
                if row != last { state.rowOfSeq[state.seqs[last]] = row }
                state.seqs.swapAt(row, last)
                state.seqs.removeLast()
                state.documentOfRow.swapAt(row, last)
                state.documentOfRow.removeLast()
                state.matrix?.removeSwappingLast(row)
            }
        }
    }

    /// Forgets every vector (the store moved to another model).
    func removeAll() {
        state.withLock { $0 = State() }
    }

    /// The cosine of `query` with each chunk of `seqs` that has a vector here.
    func similarities(of seqs: [Int64], to query: [Float]) -> [Int64: Float] {
        state.withLock { state in
            guard let matrix = state.matrix, matrix.dimension == query.count else { return [:] }
            var found: [Int64: Float] = [:]
            for seq in seqs {
                if let row = state.rowOfSeq[seq] { found[seq] = matrix.score(row: row, query) }
            }
            return found
        }
    }

    /// The `limit` rows most similar to `query` among chunks of `documents`, most similar first, ties in storage
    /// order.
    func nearest(to query: [Float], among documents: Set<String>, limit: Int) -> [Neighbour] {
        state.withLock { state in
            guard let matrix = state.matrix, matrix.dimension == query.count, limit > 0, !documents.isEmpty else {
                return []
            }
            let allowed = state.documentIds.map(documents.contains)
            let scores = matrix.scores(query)
            // A sorted window of the best rows so far: most rows fall below its last entry and cost one comparison.
            var best: [(score: Float, row: Int)] = []
            best.reserveCapacity(limit + 1)
            for row in 0..<scores.count where allowed[Int(state.documentOfRow[row])] {
                let score = scores[row]
                if best.count == limit, let last = best.last, !Self.precedes((score, row), last, seqs: state.seqs) {
                    continue
                }
                let position =
                    best.firstIndex { !Self.precedes($0, (score, row), seqs: state.seqs) } ?? best.count
                best.insert((score, row), at: position)
                if best.count > limit { best.removeLast() }
            }
            return best.map { entry in
                Neighbour(
                    seq: state.seqs[entry.row],
                    documentId: state.documentIds[Int(state.documentOfRow[entry.row])],
                    similarity: entry.score
                )
            }
        }
    }

    private static func precedes(
        _ lhs: (score: Float, row: Int),
        _ rhs: (score: Float, row: Int),
        seqs: [Int64]
    )
        -> Bool
    {
        lhs.score != rhs.score ? lhs.score > rhs.score : seqs[lhs.row] < seqs[rhs.row]
    }
}
