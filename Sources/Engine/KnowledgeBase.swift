public import ChatAPI
import Foundation
import Synchronization

/// The backend without HTTP: documents, retrieval, answers, conversations and memory, scoped by `Principal`.
///
/// The server maps HTTP onto it; `EmbeddedBackend` calls it in-process. Both therefore produce the same objects,
/// errors and event sequences. It is a facade: it owns the store, the retriever, the answerer and the background
/// workers, checks access, and hands questions to `AnswerService`, comparisons to `ComparisonService`, documents
/// to `DocumentService` and memories to `MemoryService`.
public final class KnowledgeBase: Sendable {
    public let configuration: EngineConfiguration
    let store: SQLiteStore
    let retriever: Retriever
    let answerer: any Answerer
    let ingestion: IngestionQueue
    /// Embeds stored chunks in the background; nil when embeddings are off.
    let embedding: EmbeddingWorker?
    /// Questions, searches and the turns they store.
    let answerService: AnswerService
    /// Comparisons of documents.
    let comparisonService: ComparisonService
    /// Personal and shared memories.
    let memoryService: MemoryService
    /// Uploads, listings, passages and removal of documents.
    let documentService: DocumentService
    /// Renews this engine's ingestion leases and takes up work whose process is gone, until the engine goes.
    private let heartbeat: Task<Void, Never>

    /// Opens the store in `configuration.dataDirectory`; documents another process left processing are taken up
    /// once that process is gone (`IngestionLease`), and those left by a version without leases fail with
    /// `interrupted`.
    ///
    /// - Throws: when the data directory or database cannot be opened.
    public init(configuration: EngineConfiguration) throws {
        self.configuration = configuration
        do {
            store = try SQLiteStore(directory: configuration.dataDirectory, notice: configuration.notice)
        } catch {
            throw EngineError.serviceUnavailable(
                "Cannot open the store in \(configuration.dataDirectory.path): \(error). "
                    + "Check that the folder is writable, or choose another with --data-dir."
            )
        }
        let vectors = VectorIndex()
        retriever = Retriever(store: store, tuning: configuration.tuning, vectors: vectors)
        answerer = configuration.answerer ?? ExtractiveAnswerer(tuning: configuration.tuning)
        // The worker asks the queue whether uploads are in progress and the queue wakes the worker when they are
        // stored: a box breaks the cycle between the two initialisers.
        let queueBox = QueueReference()
        let opened = store
        let embedding = configuration.embedder.map { embedder in
            EmbeddingWorker(embedder: embedder, store: opened, index: vectors) {
                guard let queue = queueBox.queue.withLock({ $0 }) else { return false }
                return await queue.isBusy
            }
        }
        self.embedding = embedding
        memoryService = MemoryService(configuration: configuration, store: store)
        answerService = AnswerService(
            configuration: configuration,
            store: store,
            retriever: retriever,
            answerer: answerer,
            memories: memoryService,
            embedding: embedding,
            sentenceVectors: configuration.embedder.map { SentenceVectors(embedder: $0) }
        )
        comparisonService = ComparisonService(
            configuration: configuration,
            store: store,
            writer: answerer as? any ComparisonWriter
        )
        ingestion = IngestionQueue(
            store: store,
            now: configuration.now,
            makeId: configuration.makeId,
            lease: configuration.ingestionLease,
            pause: configuration.ingestionPause,
            timeLimit: configuration.processingTimeLimit,
            textLimit: configuration.extractedTextLimit,
            sandbox: configuration.pdfSandbox
        ) {
            // Documents are searchable by their words from this moment; their vectors follow.
            if let embedding { Task { await embedding.wake() } }
        }
        let queue = ingestion
        queueBox.queue.withLock { $0 = queue }
        documentService = DocumentService(configuration: configuration, store: store, ingestion: ingestion)
        try store.failDocumentsWithoutJob(at: configuration.now())
        heartbeat = ingestion.startHeartbeat()
        // Chunks a previous process left without vectors (stopped mid-way, or another model) are embedded now.
        if let embedding { Task { await embedding.wake() } }
    }

    deinit {
        heartbeat.cancel()
    }

    /// The embedding model in use, nil when embeddings are off.
    public var embeddingModel: String? { configuration.embedder?.model }

    /// How far background embedding has got: chunks with a vector, chunks in all, and the embedder's last failure
    /// while it keeps failing; nil when embeddings are off.
    public func embeddingProgress() async -> EmbeddingProgress? {
        guard let embedding else { return nil }
        let progress = await embedding.progress()
        return EmbeddingProgress(
            model: embedding.embedder.model,
            embedded: progress.embedded,
            total: progress.total,
            problem: progress.problem
        )
    }

    /// Stops background embedding (chunks left without vectors are embedded by the next process on this store).
    public func stopEmbedding() async {
        await embedding?.stop()
    }

    /// Returns once every stored chunk has its vector (or the embedder is failing); at once when embeddings are off.
    ///
    /// For evaluations and benchmarks, which must rank with every vector in place.
    public func waitUntilEmbedded() async {
        await embedding?.waitUntilIdle()
    }

    /// The name of the generator (`extractive` or a model).
    public var model: String { answerer.model }

    /// Whether the store answers.
    public func isHealthy() -> Bool { store.isHealthy() }

    /// What this engine offers, as `/capabilities` reports it.
    public func capabilities() -> Capabilities {
        Capabilities(
            version: ChatShellVersion.current,
            generator: answerer.model == "extractive" ? "extractive" : "llm",
            model: answerer.model,
            embeddingModel: embeddingModel,
            maxUploadBytes: configuration.maxUploadBytes
        )
    }

    func timestamp() -> String { Timestamp.string(configuration.now()) }
}

/// Lets the embedding worker ask the ingestion queue, made after it, whether uploads are in progress.
private final class QueueReference: Sendable {
    let queue = Mutex<IngestionQueue?>(nil)
}
