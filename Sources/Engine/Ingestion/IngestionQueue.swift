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
}

/// Processes uploads one after another in the background: extraction, chunking, indexing, with stage and
/// progress written to the document row so any poller sees them (architecture.md section 4).
actor IngestionQueue {
    private let store: SQLiteStore
    private let now: @Sendable () -> Date
    private let makeId: @Sendable (String) -> String
    private let logger = Logger(label: "chatshell.ingestion")
    private var jobs: [IngestionJob] = []
    private var running = false

    init(store: SQLiteStore, now: @escaping @Sendable () -> Date, makeId: @escaping @Sendable (String) -> String) {
        self.store = store
        self.now = now
        self.makeId = makeId
    }

    func enqueue(_ job: IngestionJob) {
        jobs.append(job)
        guard !running else { return }
        running = true
        Task { await self.drain() }
    }

    private func drain() async {
        while !jobs.isEmpty {
            let job = jobs.removeFirst()
            await process(job)
        }
        running = false
    }

    private func process(_ job: IngestionJob) async {
        do {
            try store.updateProgress(
                id: job.documentId,
                stage: "extracting",
                progress: 10,
                message: "Extracting text",
                at: now()
            )
            let extracted = try await BlockingThread.run {
                try Extractors.extractor(for: job.type).extract(job.data, filename: job.filename)
            }
            let blocks = extracted.blocks.filter { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            guard !blocks.isEmpty else {
                try store.failDocument(
                    id: job.documentId,
                    code: "no_extractable_text",
                    error: Self.noTextMessage(filename: job.filename, type: job.type),
                    at: now()
                )
                return
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
            let chunks = drafts.map { draft in
                ChunkRecord(
                    seq: nil,
                    id: makeId("chk_"),
                    documentId: job.documentId,
                    ordinal: draft.ordinal,
                    title: title,
                    headingPath: draft.headingPath.joined(separator: " > "),
                    heading: draft.heading,
                    pageStart: draft.pageStart,
                    pageEnd: draft.pageEnd,
                    charStart: draft.charStart,
                    charEnd: draft.charEnd,
                    text: draft.text
                )
            }
            _ = try store.completeDocument(
                id: job.documentId,
                title: title,
                pageCount: extracted.pageCount,
                extractedText: Chunker.extractedText(of: blocks),
                chunks: chunks,
                at: now()
            )
        } catch let error as EngineError {
            try? store.failDocument(id: job.documentId, code: "extraction_failed", error: error.message, at: now())
        } catch {
            logger.error("ingestion failed: \(String(describing: error))")
            try? store.failDocument(
                id: job.documentId,
                code: "internal_error",
                error: "Processing failed unexpectedly. Try the upload again.",
                at: now()
            )
        }
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
