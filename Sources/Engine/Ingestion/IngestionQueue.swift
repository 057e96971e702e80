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

/// Processes uploads in the background: extraction and chunking of several documents at once, then indexing, with
/// stage and progress written to the document row so any poller sees them (architecture.md section 4).
///
/// Documents are stored in the order their processing started, several per transaction when they finish together:
/// chunk order and chunk ids then never depend on which worker happened to finish first.
actor IngestionQueue {
    private let store: SQLiteStore
    private let now: @Sendable () -> Date
    private let makeId: @Sendable (String) -> String
    /// Told after documents are stored (the embedding worker's cue).
    private let stored: @Sendable () -> Void
    private let logger = Logger(label: "chatshell.ingestion")
    /// Documents extracted and chunked at once.
    private let workerLimit: Int

    private var waiting = OwnerTurns<IngestionJob>()
    private var running = 0
    /// Jobs are numbered as they start; `ready` holds finished ones until every earlier one is stored.
    private var started = 0
    private var nextToStore = 0
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
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        stored: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.now = now
        self.makeId = makeId
        self.stored = stored
        workerLimit = max(1, workers)
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
            let store = self.store
            let now = self.now
            Task {
                let prepared = await Self.prepare(job, store: store, now: now)
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
        while ready[nextToStore] != nil {
            var batch: [Prepared] = []
            var chunkCount = 0
            while let next = ready[nextToStore],
                batch.isEmpty || chunkCount + next.chunkCount <= Self.chunksPerTransaction
            {
                ready[nextToStore] = nil
                nextToStore += 1
                batch.append(next)
                chunkCount += next.chunkCount
            }
            let outcomes = batch.map(outcome)
            let store = self.store
            let date = now()
            do {
                try await BlockingThread.run { try store.finishDocuments(outcomes, at: date) }
            } catch {
                logger.error("storing processed documents failed: \(String(describing: error))")
                for job in batch {
                    try? store.failDocument(
                        id: job.documentId,
                        code: "internal_error",
                        error: "Processing failed unexpectedly. Try the upload again.",
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

    /// Whether uploads are waiting or being processed: background work that competes for the processor (embedding)
    /// waits for this to turn false, so documents become searchable by their words first.
    var isBusy: Bool { !unfinished.isEmpty }

    /// What to store for a processed document; chunk ids are made here, in storing order.
    private func outcome(_ prepared: Prepared) -> DocumentOutcome {
        switch prepared.result {
        case .failure(let code, let message):
            return .failed(id: prepared.documentId, code: code, error: message)
        case .success(let document):
            let chunks = document.drafts.map { draft in
                ChunkRecord(
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
        }

        enum Result: Sendable {
            case success(Document)
            case failure(code: String, message: String)
        }

        var documentId: String
        var result: Result

        var chunkCount: Int {
            if case .success(let document) = result { return document.drafts.count }
            return 0
        }
    }

    /// Extracts and chunks one upload on its own thread, writing its stages as it goes.
    private static func prepare(
        _ job: IngestionJob,
        store: SQLiteStore,
        now: @escaping @Sendable () -> Date
    ) async -> Prepared {
        do {
            return try await BlockingThread.run {
                try prepareBlocking(job, store: store, now: now)
            }
        } catch let error as EngineError {
            return Prepared(
                documentId: job.documentId,
                result: .failure(code: "extraction_failed", message: error.message)
            )
        } catch {
            Logger(label: "chatshell.ingestion").error("ingestion failed: \(String(describing: error))")
            return Prepared(
                documentId: job.documentId,
                result: .failure(
                    code: "internal_error",
                    message: "Processing failed unexpectedly. Try the upload again."
                )
            )
        }
    }

    private static func prepareBlocking(
        _ job: IngestionJob,
        store: SQLiteStore,
        now: @Sendable () -> Date
    ) throws -> Prepared {
        try store.updateProgress(
            id: job.documentId,
            stage: "extracting",
            progress: 10,
            message: "Extracting text",
            at: now()
        )
        let extracted = try Extractors.extractor(for: job.type).extract(job.data, filename: job.filename)
        let blocks = extracted.blocks.filter { !$0.text.isBlank }
        guard !blocks.isEmpty else {
            return Prepared(
                documentId: job.documentId,
                result: .failure(
                    code: "no_extractable_text",
                    message: noTextMessage(filename: job.filename, type: job.type)
                )
            )
        }
        let pages = extracted.pageCount.map { "\($0) pages" } ?? "\(blocks.count) blocks"
        try store.updateProgress(
            id: job.documentId,
            stage: "chunking",
            progress: 40,
            message: "Chunking \(pages)",
            at: now()
        )
        let title = job.title ?? extracted.title ?? (job.filename as NSString).deletingPathExtension
        let drafts = Chunker().chunks(of: blocks)
        try store.updateProgress(
            id: job.documentId,
            stage: "indexing",
            progress: 70,
            message: "Indexing \(drafts.count) passages",
            at: now()
        )
        return Prepared(
            documentId: job.documentId,
            result: .success(
                .init(
                    title: title,
                    pageCount: extracted.pageCount,
                    drafts: drafts
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
