import Embedding
import Foundation
import Logging

/// Embeds stored chunks in the background, after their document is committed and searchable by its words, and
/// keeps the in-memory `VectorIndex` in step with the store.
///
/// Work is found in the store, not handed over: chunks without a vector are what is left to do, so a restart (or a
/// crash) resumes where the last run stopped, and vectors written by another process on the same store are loaded
/// rather than made twice.
actor EmbeddingWorker {
    /// How far embedding has got, for `/docs` and the status line.
    struct Progress: Sendable, Equatable {
        var embedded: Int
        var total: Int
        /// The last failure of the embedder, while it keeps failing (an unreachable endpoint).
        var problem: String?
    }

    let embedder: any Embedder
    private let store: SQLiteStore
    let index: VectorIndex
    private let logger = Logger(label: "chatshell.embedding")

    /// Chunks embedded per call of the embedder: big enough to amortise a request to an endpoint, small enough
    /// that progress moves and a deleted document stops costing work soon.
    static let batchSize = 16
    /// Vectors read from the store per query while loading the index.
    static let loadBatch = 4_096
    /// The pause before trying a failing embedder again, doubling up to the bound.
    static let firstRetry = Duration.seconds(1)
    static let lastRetry = Duration.seconds(60)

    private var running = false
    private var wanted = false
    private var problem: String?
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var task: Task<Void, Never>?

    /// Whether uploads are being processed: embedding waits for them, and is woken when they are stored.
    private let ingesting: @Sendable () async -> Bool

    init(
        embedder: any Embedder,
        store: SQLiteStore,
        index: VectorIndex,
        ingesting: @escaping @Sendable () async -> Bool = { false }
    ) {
        self.embedder = embedder
        self.store = store
        self.index = index
        self.ingesting = ingesting
    }

    /// Starts (or continues) a pass: load vectors the index lacks, then embed every chunk without one.
    func wake() {
        wanted = true
        guard !running else { return }
        running = true
        task = Task { await self.run() }
    }

    /// Returns once every stored chunk has a vector, or the embedder failed for the current pass, or uploads are
    /// being processed (embedding resumes when they are stored).
    ///
    /// Starts a pass when none runs: the opening one may not have begun yet, and a pass over nothing is cheap.
    func waitUntilIdle() async {
        wake()
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Stops working; chunks left without vectors are embedded by the next process.
    func stop() {
        task?.cancel()
    }

    /// Counts from the store, so other processes' work shows too.
    func progress() -> Progress {
        let counts = (try? store.vectorCounts()) ?? (embedded: 0, total: 0)
        return Progress(embedded: counts.embedded, total: counts.total, problem: problem)
    }

    // MARK: - The loop

    private func run() async {
        var retry = Self.firstRetry
        while wanted, !Task.isCancelled {
            wanted = false
            do {
                try await pass()
                problem = nil
                retry = Self.firstRetry
            } catch is CancellationError {
                break
            } catch {
                let message = (error as? EngineError)?.message ?? String(describing: error)
                if problem != message { logger.warning("embedding paused: \(message)") }
                problem = message
                for waiter in idleWaiters { waiter.resume() }
                idleWaiters = []
                // An endpoint that is down now may be up later; the chunks stay pending meanwhile.
                try? await Task.sleep(for: retry)
                retry = min(retry * 2, Self.lastRetry)
                wanted = true
            }
        }
        running = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    private func pass() async throws {
        let store = self.store
        let fingerprint = embedder.fingerprint
        if try await BlockingThread.run({ try store.adoptVectorModel(fingerprint) }) { index.removeAll() }
        try await load()
        var cursor: Int64 = 0
        while !Task.isCancelled {
            // Two cores serve ingestion and embedding: words first, so uploads stay as fast as without embeddings.
            if await ingesting() { return }
            let after = cursor
            let pending = try await BlockingThread.run {
                try store.chunksWithoutVector(after: after, limit: Self.batchSize)
            }
            guard let last = pending.last else { break }
            let vectors = try await embedder.embed(pending.map { $0.context + "\n" + $0.text }, as: .passage)
            guard vectors.count == pending.count else {
                throw EngineError.serviceUnavailable(
                    "The embedding model returned \(vectors.count) vectors for \(pending.count) passages."
                )
            }
            let quantized = zip(pending, vectors).map { (seq: $0.seq, vector: QuantizedVector($1)) }
            try await BlockingThread.run { try store.storeVectors(quantized, model: fingerprint) }
            try await load()
            cursor = last.seq
        }
        try Task.checkCancellation()
        let existing = try await BlockingThread.run { try store.allDocumentIds() }
        index.prune(keeping: existing)
    }

    /// Reads the vectors above the index's highest chunk into it: this worker's own, and other processes'.
    private func load() async throws {
        let store = self.store
        while true {
            let after = index.highestSeq
            let found = try await BlockingThread.run { try store.vectors(after: after, limit: Self.loadBatch) }
            index.add(found)
            if found.count < Self.loadBatch { return }
        }
    }
}
