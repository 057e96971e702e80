import ChatAPI
import Foundation

/// Compares two to five documents (http-api.md section 8).
///
/// Validation, the deterministic `Comparer`, the sources every report cites, and a model's report when the
/// answerer can write one. Nothing is stored; `KnowledgeBase.compare` and `.compareResult` are its public face.
struct ComparisonService: Sendable {
    /// The `meta.model` of a comparison without a model: the deterministic comparer.
    static let comparerModel = "extractive"

    let configuration: EngineConfiguration
    let store: SQLiteStore
    /// The model that writes comparison reports, when the generator can (a language model).
    let writer: (any ComparisonWriter)?

    /// Validates a comparison and starts streaming its report (`KnowledgeBase.compare`).
    ///
    /// - Throws: `EngineError.validation` (on `document_ids` or `query`), `.documentNotFound`, `.documentNotReady`.
    func compare(
        _ request: CompareRequest,
        as principal: Principal,
        requestId: String?
    ) throws -> AsyncThrowingStream<StreamEvent, any Error> {
        let job = try comparisonJob(request, as: principal)
        return EventStreamScaffold.stream(
            meta: MetaEvent(
                requestId: requestId,
                conversationId: nil,
                messageId: nil,
                model: writer?.model ?? Self.comparerModel
            ),
            requestId: requestId
        ) { send in
            // A consumer that leaves stops the work; nothing is stored for a comparison.
            let (result, reason) = try await runComparison(job, emit: send)
            send(.done(Self.doneEvent(result, reason: reason)))
        }
    }

    /// Compares documents without streaming (`KnowledgeBase.compareResult`), equal to the stream's
    /// `done.comparison`.
    ///
    /// - Throws: the errors of `compare(_:as:requestId:)`.
    func result(_ request: CompareRequest, as principal: Principal) async throws -> DocumentComparison {
        let job = try comparisonJob(request, as: principal)
        return try await runComparison(job) { _ in }.result
    }

    // MARK: - Validation

    /// An accepted comparison request.
    private struct ComparisonJob: Sendable {
        var query: String
        var documents: [DocumentRecord]
        var started: Date
    }

    private func comparisonJob(_ request: CompareRequest, as principal: Principal) throws -> ComparisonJob {
        let limits = configuration.limits
        let ids = request.documentIds
        var problems: [EngineError.FieldProblem] = []
        if !(limits.compareMinDocuments...limits.compareMaxDocuments).contains(ids.count) {
            problems.append(
                .init(
                    field: "document_ids",
                    message: "must list \(limits.compareMinDocuments) to \(limits.compareMaxDocuments) document ids"
                )
            )
        }
        for (index, id) in ids.enumerated() {
            if id.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(.init(field: "document_ids[\(index)]", message: "must not be empty"))
            } else if let first = ids.firstIndex(of: id), first < index {
                problems.append(
                    .init(
                        field: "document_ids[\(index)]",
                        message: "repeats document_ids[\(first)]; ids must be distinct"
                    )
                )
            }
        }
        var query = Comparer.defaultQuery
        if let raw = request.query {
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                problems.append(.init(field: "query", message: "must not be empty"))
            } else if trimmed.unicodeScalars.count > 1000 {
                problems.append(.init(field: "query", message: "must be at most 1000 characters"))
            } else {
                query = trimmed
            }
        }
        guard problems.isEmpty else { throw EngineError.validation(problems) }

        let documents = try ids.map { try store.completedDocument(id: $0, for: principal) }
        return ComparisonJob(query: query, documents: documents, started: configuration.now())
    }

    // MARK: - Producing the comparison

    /// Compares, sends `status`, `sources`, `token` and `citation` events through `emit`, and returns the result
    /// and finish reason for `done`.
    private func runComparison(
        _ job: ComparisonJob,
        emit: @Sendable (StreamEvent) -> Void
    ) async throws -> (result: DocumentComparison, reason: FinishReason) {
        emit(.status(stage: "comparing"))
        let chunks = try job.documents.map { try store.chunks(documentId: $0.id) }
        let inputs = zip(job.documents, chunks).map { document, chunks in
            Comparer.Document(
                title: document.title,
                passages: chunks.map {
                    Comparer.Passage(text: $0.text, heading: $0.heading, headingPath: $0.headingPath)
                }
            )
        }
        let report = Comparer().compare(inputs, query: job.query)
        try Task.checkCancellation()

        // Sources: every cited passage, and a passage of each document even if nothing of it is cited, numbered in
        // document and passage order.
        var references = report.references
        for (index, list) in chunks.enumerated()
        where !list.isEmpty && !references.contains(where: { $0.document == index }) {
            references.append(ComparisonReport.Reference(document: index, passage: 0))
        }
        references.sort()
        var citing: [ComparisonReport.Reference: Int] = [:]
        for line in report.similarities + report.differences + report.insights {
            for reference in Set(line.references) { citing[reference, default: 0] += 1 }
        }
        var numbers: [ComparisonReport.Reference: Int] = [:]
        var sources: [Source] = []
        for (offset, reference) in references.enumerated() {
            let document = job.documents[reference.document]
            let chunk = chunks[reference.document][reference.passage]
            numbers[reference] = offset + 1
            sources.append(
                Source(
                    ChunkHit(
                        chunkId: chunk.id,
                        seq: chunk.seq ?? 0,
                        documentId: document.id,
                        filename: document.filename,
                        documentTitle: document.title,
                        documentType: document.type,
                        headingPath: chunk.headingPath,
                        heading: chunk.heading,
                        pageStart: chunk.pageStart,
                        charStart: chunk.charStart,
                        charEnd: chunk.charEnd,
                        text: chunk.text,
                        score: Double(citing[reference, default: 0])
                    ),
                    n: offset + 1
                )
            )
        }
        let rendered = report.rendered(numbers: numbers)
        let retrievalMs = job.started.milliseconds(until: configuration.now())
        emit(.sources(sources))

        var normalizer = CitationNormalizer(sources: sources)
        var firstToken: Date?
        func feed(_ text: String, quoted: Bool = false) {
            let events = quoted ? normalizer.feedQuote(text) : normalizer.feed(text)
            if firstToken == nil, !events.isEmpty { firstToken = configuration.now() }
            events.forEach(emit)
        }
        var reason = FinishReason.stop
        var usage: Usage?
        if let writer {
            let context = ComparisonContext(
                query: job.query,
                documentTitles: job.documents.map(\.title),
                sources: sources,
                findings: rendered.report
            )
            for try await fragment in try await writer.writeComparison(context) {
                try Task.checkCancellation()
                switch fragment {
                case .text(let text): feed(text)
                case .quote(let text): feed(text, quoted: true)
                case .usage(let reported): usage = reported
                case .truncated: reason = .length
                }
            }
            normalizer.finish().forEach(emit)
        } else {
            for piece in Self.tokenPieces(of: rendered.report) {
                try Task.checkCancellation()
                feed(piece)
            }
            normalizer.finish().forEach(emit)
            guard normalizer.answer == rendered.report else {
                throw EngineError.internalError("the comparison report changed while streaming")
            }
        }
        try Task.checkCancellation()
        let promptWords = chunks.joined().reduce(0) { $0 + $1.text.split(whereSeparator: \.isWhitespace).count }
        let reportWords = normalizer.answer.split(whereSeparator: \.isWhitespace).count
        let total = job.started.milliseconds(until: configuration.now())
        let result = DocumentComparison(
            comparisonId: configuration.makeId("cmp_"),
            documentIds: job.documents.map(\.id),
            query: job.query,
            similarities: rendered.similarities,
            differences: rendered.differences,
            crossDocumentInsights: rendered.insights,
            report: normalizer.answer,
            bestMatch: rendered.bestMatch,
            sources: sources,
            citations: normalizer.citations,
            usage: usage ?? Usage(promptTokens: promptWords, completionTokens: reportWords),
            timingsMs: Timings(
                retrieval: retrievalMs,
                firstToken: firstToken.map { job.started.milliseconds(until: $0) },
                total: total
            )
        )
        return (result, reason)
    }

    private static func doneEvent(_ result: DocumentComparison, reason: FinishReason) -> DoneEvent {
        DoneEvent(
            finishReason: reason,
            answer: result.report,
            citations: result.citations,
            memoryAdded: nil,
            usage: result.usage,
            timingsMs: result.timingsMs,
            conversationId: nil,
            messageId: nil,
            comparison: result
        )
    }

    /// The report cut into tokens: each word with the space or line break after it, so no marker is split.
    static func tokenPieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == " " || character == "\n" {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
