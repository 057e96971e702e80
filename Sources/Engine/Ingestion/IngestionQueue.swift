import ChatAPI
import Foundation
import Logging

/// One upload waiting to be processed.
struct IngestionJob: Sendable {
    var documentId: String
    var filename: String
    var type: DocumentType
    var data: Data
    /// The upload's `title` part, which wins over the document's own title.
    var title: String?
    /// Who uploaded it (an account, an anonymous session, or the shared scope's uploader): workers take turns
    /// between owners, so one caller's big batch does not hold back another's small upload.
    var owner: String
}

extension IngestionJob {
    /// The job of a stored row (one taken up from a process that is gone).
    init?(_ record: IngestionJobRecord) {
        guard let type = DocumentType(rawValue: record.type) else { return nil }
        self.init(
            documentId: record.documentId,
            filename: record.filename,
            type: type,
            data: record.data,
            title: record.title,
            owner: record.owner
        )
    }
}

/// Processes uploads in the background: extraction and chunking of several documents at once, then indexing, with
/// stage and progress written to the document row so any poller sees them (architecture.md section 4).
///
/// Each caller's documents are stored in the order their processing started, several per transaction when they
/// finish together: one caller's chunk order and chunk ids then never depend on which worker happened to finish
/// first. Callers do not wait for each other: a small upload is stored while another caller's huge one is still
/// being read (issue 15).
///
/// Each upload waits in the store as a job leased to this queue (`IngestionLease`); the heartbeat renews the
/// leases and takes up the jobs of processes that are gone, so a document outlives the process that accepted it.
actor IngestionQueue {
    private let store: SQLiteStore
    private let now: @Sendable () -> Date
    private let makeId: @Sendable (String) -> String
    /// Told after documents are stored (the embedding worker's cue).
    private let stored: @Sendable () -> Void
    private let logger = Logger(label: "chatshell.ingestion")
    /// Documents extracted and chunked at once.
    private let workerLimit: Int
    /// The lease's length and heartbeat.
    nonisolated let lease: IngestionLease
    /// This queue's name in the leases it holds.
    nonisolated let leaseOwner: String
    /// A pause after each document starts extracting (demos and tests of a process stopped mid-document).
    private let pause: Duration?
    /// How long one document may take from extraction to its chunks.
    private let timeLimit: Duration
    /// How much text one document may yield, in UTF-8 bytes.
    private let textLimit: Int
    /// Where PDFs are read, if not on a thread of this process.
    private let sandbox: ExtractionSandbox?

    private var waiting = OwnerTurns<IngestionJob>()
    private var running = 0
    /// Jobs are numbered as they start; `ready` holds finished ones until every earlier one is stored.
    private var started = 0
    /// Per caller, the tickets started and not yet stored, oldest first.
    private var unstored: [String: [Int]] = [:]
    private var ready: [Int: Prepared] = [:]
    private var storing = false
    /// Documents queued or in progress, and who waits for them to finish.
    private var unfinished: Set<String> = []
    private var finishWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// At most this many chunks are stored in one transaction, so that a burst of finished documents does not hold
    /// the write lock long enough to delay the answers being written meanwhile.
    static let chunksPerTransaction = 4_000

    init(
        store: SQLiteStore,
        now: @escaping @Sendable () -> Date,
        makeId: @escaping @Sendable (String) -> String,
        lease: IngestionLease = IngestionLease(),
        pause: Duration? = nil,
        timeLimit: Duration = ExtractionLimits.processingTimeLimit,
        textLimit: Int = ExtractionLimits.maxExtractedTextBytes,
        sandbox: ExtractionSandbox? = nil,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        stored: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.now = now
        self.makeId = makeId
        self.stored = stored
        self.lease = lease
        self.pause = pause
        self.timeLimit = timeLimit
        self.textLimit = textLimit
        self.sandbox = sandbox
        leaseOwner = IdGenerator.random("lease_")
        workerLimit = max(1, workers)
    }

    /// The stored job of a new upload, leased to this queue; `KnowledgeBase` inserts it with the document.
    nonisolated func record(of job: IngestionJob, at date: Date) -> IngestionJobRecord {
        IngestionJobRecord(
            documentId: job.documentId,
            owner: job.owner,
            filename: job.filename,
            type: job.type.rawValue,
            title: job.title,
            data: job.data,
            leaseOwner: leaseOwner,
            leaseProcess: ProcessIdentity.current.token,
            leaseExpiresAt: lease.expiry(from: Date()),
            attempts: 1,
            createdAt: date
        )
    }

    /// Starts the heartbeat, which renews this queue's leases and takes up abandoned jobs.
    ///
    /// It beats at once, then every `lease.heartbeat`, and holds the queue only while beating; cancel the task when
    /// the store closes.
    nonisolated func startHeartbeat() -> Task<Void, Never> {
        let interval = lease.heartbeat
        return Task.detached { [weak self] in
            while !Task.isCancelled {
                do {
                    guard let queue = self else { return }
                    await queue.beat()
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Renews the leases of the jobs this queue holds, then takes up those whose holder is gone.
    private func beat() async {
        let store = self.store
        let owner = leaseOwner
        let lease = self.lease
        let holding = !unfinished.isEmpty
        do {
            let (taken, failed) = try await BlockingThread.run {
                let date = Date()
                if holding { try store.renewLeases(leaseOwner: owner, until: lease.expiry(from: date)) }
                return try store.takeAbandonedJobs(
                    leaseOwner: owner,
                    process: ProcessIdentity.current.token,
                    now: date,
                    expiry: lease.expiry(from: date),
                    maxAttempts: IngestionLease.maxAttempts,
                    hasExited: { ProcessIdentity.hasExited($0) }
                )
            }
            for id in failed { logger.warning("document \(id) failed: its processing stopped too many times") }
            for record in taken {
                guard let job = IngestionJob(record) else { continue }
                logger.info("taking up document \(record.documentId) (start \(record.attempts)): its process is gone")
                enqueue(job)
            }
        } catch {
            logger.error("renewing ingestion leases failed: \(String(describing: error))")
        }
    }

    func enqueue(_ job: IngestionJob) {
        unfinished.insert(job.documentId)
        waiting.append(job, owner: job.owner)
        startWorkers()
    }

    /// Returns once the document is stored or failed; at once if this queue is not processing it.
    func waitUntilFinished(documentId: String) async {
        guard unfinished.contains(documentId) else { return }
        await withCheckedContinuation { continuation in
            finishWaiters[documentId, default: []].append(continuation)
        }
    }

    // MARK: - Scheduling

    private func startWorkers() {
        while running < workerLimit, let job = waiting.next() {
            running += 1
            let ticket = started
            started += 1
            unstored[job.owner, default: []].append(ticket)
            let store = self.store
            let now = self.now
            let pause = self.pause
            let budget = ProcessingBudget(timeLimit: timeLimit, textLimit: textLimit)
            let sandbox = self.sandbox
            Task {
                let prepared = await Self.prepare(
                    job,
                    store: store,
                    now: now,
                    pause: pause,
                    budget: budget,
                    sandbox: sandbox
                )
                await self.finished(ticket, prepared)
            }
        }
    }

    private func finished(_ ticket: Int, _ prepared: Prepared) async {
        running -= 1
        ready[ticket] = prepared
        startWorkers()
        guard !storing else { return }
        storing = true
        defer { storing = false }
        while true {
            var batch: [Prepared] = []
            var chunkCount = 0
            while let ticket = nextStorable(),
                let next = ready[ticket],
                batch.isEmpty || chunkCount + next.chunkCount <= Self.chunksPerTransaction
            {
                ready[ticket] = nil
                unstored[next.owner]?.removeFirst()
                if unstored[next.owner]?.isEmpty == true { unstored[next.owner] = nil }
                batch.append(next)
                chunkCount += next.chunkCount
            }
            if batch.isEmpty { break }
            let outcomes = batch.map(outcome)
            let store = self.store
            let owner = leaseOwner
            let date = now()
            do {
                let stored = try await BlockingThread.run {
                    try store.finishDocuments(outcomes, leaseOwner: owner, at: date)
                }
                for outcome in outcomes where !stored.contains(outcome.id) {
                    logger.info("document \(outcome.id) not stored here: deleted, or taken up by another process")
                }
            } catch {
                logger.error("storing processed documents failed: \(String(describing: error))")
                for job in batch {
                    try? store.failDocument(
                        id: job.documentId,
                        code: "internal_error",
                        error: "Processing failed unexpectedly. Try the upload again.",
                        leaseOwner: owner,
                        at: date
                    )
                }
            }
            for job in batch {
                unfinished.remove(job.documentId)
                for waiter in finishWaiters.removeValue(forKey: job.documentId) ?? [] { waiter.resume() }
            }
            stored()
        }
    }

    /// The oldest finished ticket that is its caller's oldest unstored one.
    private func nextStorable() -> Int? {
        unstored.values.compactMap { tickets in tickets.first.flatMap { ready[$0] != nil ? $0 : nil } }.min()
    }

    /// Whether uploads are waiting or being processed: background work that competes for the processor (embedding)
    /// waits for this to turn false, so documents become searchable by their words first.
    var isBusy: Bool { !unfinished.isEmpty }

    /// What to store for a processed document; chunk ids are made here, in storing order.
    private func outcome(_ prepared: Prepared) -> DocumentOutcome {
        switch prepared.result {
        case .failure(let code, let message):
            return .failed(id: prepared.documentId, code: code, error: message)
        case .success(let document):
            let chunks = zip(document.drafts, document.storedTexts).map { draft, storedText in
                ChunkRecord.Packed(
                    record: ChunkRecord(
                        seq: nil,
                        id: makeId("chk_"),
                        documentId: prepared.documentId,
                        ordinal: draft.ordinal,
                        title: document.title,
                        headingPath: draft.headingPath.joined(separator: " > "),
                        heading: draft.heading,
                        pageStart: draft.pageStart,
                        pageEnd: draft.pageEnd,
                        charStart: draft.charStart,
                        charEnd: draft.charEnd,
                        text: draft.text
                    ),
                    storedText: storedText
                )
            }
            return .completed(
                id: prepared.documentId,
                title: document.title,
                pageCount: document.pageCount,
                chunks: chunks
            )
        }
    }

    // MARK: - Processing

    /// A processed job, waiting for its turn to be stored.
    struct Prepared: Sendable {
        struct Document: Sendable {
            var title: String
            var pageCount: Int?
            var drafts: [ChunkDraft]
            /// Each draft's text as stored (`ChunkText.prepared`), made by the worker.
            var storedTexts: [ChunkText.Prepared]
        }

        enum Result: Sendable {
            case success(Document)
            case failure(code: String, message: String)
        }

        var documentId: String
        /// The caller it was processed for.
        var owner: String
        var result: Result

        var chunkCount: Int {
            if case .success(let document) = result { return document.drafts.count }
            return 0
        }
    }

    /// Extracts and chunks one upload on its own thread, writing its stages as it goes; past the deadline the
    /// document fails with `processing_timeout` and the worker moves on.
    private static func prepare(
        _ job: IngestionJob,
        store: SQLiteStore,
        now: @escaping @Sendable () -> Date,
        pause: Duration?,
        budget: ProcessingBudget,
        sandbox: ExtractionSandbox?
    ) async -> Prepared {
        do {
            let remaining = ContinuousClock.now.duration(to: budget.deadline)
            guard
                let prepared = try await BlockingThread.run(
                    within: remaining,
                    {
                        try prepareBlocking(job, store: store, now: now, pause: pause, budget: budget, sandbox: sandbox)
                    }
                )
            else { throw budget.timeoutError(filename: job.filename) }
            return prepared
        } catch let error as EngineError {
            return Prepared(
                documentId: job.documentId,
                owner: job.owner,
                result: .failure(code: failureCode(error), message: error.message)
            )
        } catch {
            Logger(label: "chatshell.ingestion").error("ingestion failed: \(String(describing: error))")
            return Prepared(
                documentId: job.documentId,
                owner: job.owner,
                result: .failure(
                    code: "internal_error",
                    message: "Processing failed unexpectedly. Try the upload again."
                )
            )
        }
    }

    /// The document's `error_code` for a failure of its processing (http-api.md section 5).
    static func failureCode(_ error: EngineError) -> String {
        switch error {
        case .timeout: "processing_timeout"
        case .contentTooLarge: ErrorCode.fileTooLarge.rawValue
        default: "extraction_failed"
        }
    }

    private static func prepareBlocking(
        _ job: IngestionJob,
        store: SQLiteStore,
        now: @Sendable () -> Date,
        pause: Duration?,
        budget: ProcessingBudget,
        sandbox: ExtractionSandbox?
    ) throws -> Prepared {
        store.queueProgress(
            id: job.documentId,
            stage: "extracting",
            progress: 10,
            message: "Extracting text",
            at: now()
        )
        if let pause {
            // Debug, not info: the REPL logs to the terminal it draws its progress bar on.
            Logger(label: "chatshell.ingestion").debug("pausing \(pause) before extracting \(job.documentId)")
            Thread.sleep(
                forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18
            )
        }
        let extracted = try Extractors.extractor(for: job.type, budget: budget, sandbox: sandbox)
            .extract(job.data, filename: job.filename)
        try budget.checkTime(filename: job.filename)
        // Text files may grow when decoded (a Windows-1252 byte becomes up to three UTF-8 bytes); PDFs are also
        // counted page by page while they are read.
        try budget.checkText(extracted.blocks.reduce(0) { $0 + $1.text.utf8.count }, filename: job.filename)
        let blocks = extracted.blocks.filter { !$0.text.isBlank }
        guard !blocks.isEmpty else {
            return Prepared(
                documentId: job.documentId,
                owner: job.owner,
                result: .failure(
                    code: "no_extractable_text",
                    message: noTextMessage(filename: job.filename, type: job.type)
                )
            )
        }
        let pages = extracted.pageCount.map { "\($0) pages" } ?? "\(blocks.count) blocks"
        store.queueProgress(
            id: job.documentId,
            stage: "chunking",
            progress: 40,
            message: "Chunking \(pages)",
            at: now()
        )
        let title = job.title ?? extracted.title ?? (job.filename as NSString).deletingPathExtension
        let drafts = Chunker().chunks(of: blocks, title: title)
        store.queueProgress(
            id: job.documentId,
            stage: "indexing",
            progress: 70,
            message: "Indexing \(drafts.count) passages",
            at: now()
        )
        return Prepared(
            documentId: job.documentId,
            owner: job.owner,
            result: .success(
                .init(
                    title: title,
                    pageCount: extracted.pageCount,
                    drafts: drafts,
                    storedTexts: drafts.map { ChunkText.prepared($0.text) }
                )
            )
        )
    }

    /// Why a document gave no text, by what usually causes it in its format.
    static func noTextMessage(filename: String, type: DocumentType) -> String {
        switch type {
        case .pdf, .docx:
            "No text could be extracted from '\(filename)'. If it is a scan, run OCR on it first."
        case .html:
            "No text could be extracted from '\(filename)': the page holds only navigation (menus, link lists, "
                + "a table of contents) or no text at all."
        case .txt, .md:
            "No text could be extracted from '\(filename)': it holds no words, only markup or symbols."
        }
    }
}
