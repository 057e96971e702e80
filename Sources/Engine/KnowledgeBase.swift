public import ChatAPI
import Foundation

/// The backend without HTTP: documents, retrieval, answers, conversations and memory, scoped by `Principal`.
///
/// The server maps HTTP onto it; `EmbeddedBackend` calls it in-process. Both therefore produce the same objects,
/// errors and event sequences.
public final class KnowledgeBase: Sendable {
    public let configuration: EngineConfiguration
    let store: SQLiteStore
    let retriever: Retriever
    let answerer: any Answerer
    let ingestion: IngestionQueue
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
        retriever = Retriever(store: store, tuning: configuration.tuning)
        answerer = configuration.answerer ?? ExtractiveAnswerer(tuning: configuration.tuning)
        ingestion = IngestionQueue(
            store: store,
            now: configuration.now,
            makeId: configuration.makeId,
            lease: configuration.ingestionLease,
            pause: configuration.ingestionPause,
            timeLimit: configuration.processingTimeLimit,
            textLimit: configuration.extractedTextLimit
        )
        try store.failDocumentsWithoutJob(at: configuration.now())
        heartbeat = ingestion.startHeartbeat()
    }

    deinit {
        heartbeat.cancel()
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
            maxUploadBytes: configuration.maxUploadBytes
        )
    }

    func timestamp() -> String { Timestamp.string(configuration.now()) }
}
