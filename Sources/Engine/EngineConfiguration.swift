public import ChatAPI
public import Foundation

/// Everything a `KnowledgeBase` needs from its host, with defaults for live use.
public struct EngineConfiguration: Sendable {
    /// The folder holding `chatshell.sqlite` (and, for a server, its JWT secret).
    public var dataDirectory: URL
    /// The largest upload accepted, in bytes (http-api.md section 10).
    public var maxUploadBytes: Int
    /// The clock; transcripts inject a fixed one.
    public var now: @Sendable () -> Date
    /// Makes ids with a kind prefix; transcripts inject a sequential one.
    public var makeId: @Sendable (_ prefix: String) -> String
    /// Retrieval and answering constants.
    public var tuning: RetrievalTuning
    /// The generator of answers; nil means the built-in extractive one.
    public var answerer: (any Answerer)?
    /// Embeds chunks and questions for semantic retrieval; nil ranks by words alone (`--embeddings off`).
    public var embedder: (any Embedder)?
    /// Receives one-line notices for the operator (a store file's mode tightened); standard error by default.
    public var notice: @Sendable (String) -> Void
    /// How long this process's hold on an upload lasts without renewal (`ingest_lease_s`).
    public var ingestionLease: IngestionLease
    /// A pause after each document starts extracting, for demos of the progress bar and tests that stop a process
    /// mid-document (`ingest_pause_ms`); nil for none.
    public var ingestionPause: Duration?
    /// How long one document's processing may take before it fails with `processing_timeout`
    /// (`processing_timeout_s`; http-api.md section 10: 600 s).
    public var processingTimeLimit: Duration
    /// The most text one document may yield, in UTF-8 bytes, before it fails with `file_too_large`.
    public var extractedTextLimit: Int
    /// Where PDFs are read: a child process bounded in memory and killed at the time limit; nil reads them on a
    /// thread of this process (tests, hosts without an executable to spawn).
    public var pdfSandbox: ExtractionSandbox?

    public init(
        dataDirectory: URL,
        maxUploadBytes: Int = 52_428_800,
        now: @escaping @Sendable () -> Date = { Date() },
        makeId: @escaping @Sendable (String) -> String = IdGenerator.random,
        tuning: RetrievalTuning = RetrievalTuning(),
        answerer: (any Answerer)? = nil,
        embedder: (any Embedder)? = nil,
        notice: @escaping @Sendable (String) -> Void = EngineConfiguration.standardErrorNotice,
        ingestionLease: IngestionLease = IngestionLease(),
        ingestionPause: Duration? = nil,
        processingTimeLimit: Duration = ExtractionLimits.processingTimeLimit,
        extractedTextLimit: Int = ExtractionLimits.maxExtractedTextBytes,
        pdfSandbox: ExtractionSandbox? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.maxUploadBytes = maxUploadBytes
        self.now = now
        self.makeId = makeId
        self.tuning = tuning
        self.answerer = answerer
        self.embedder = embedder
        self.notice = notice
        self.ingestionLease = ingestionLease
        self.ingestionPause = ingestionPause
        self.processingTimeLimit = processingTimeLimit
        self.extractedTextLimit = extractedTextLimit
        self.pdfSandbox = pdfSandbox
    }

    /// Writes a notice as one line on standard error.
    public static let standardErrorNotice: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension EngineConfiguration {
    /// The limits requests are checked against, as `/capabilities` reports them.
    public var limits: Capabilities.Limits { Capabilities.Limits(maxUploadBytes: maxUploadBytes) }
}
