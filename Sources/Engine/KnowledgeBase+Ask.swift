public import ChatAPI
import Foundation

extension KnowledgeBase {
    /// The answer sent when nothing visible is relevant (http-api.md section 6, "No context").
    public static let noContextAnswer = "I could not find this in the available documents."

    /// Prefixes that turn a question into a memory (http-api.md section 6, "Memory capture"), longest first.
    static let capturePrefixes = [
        "please remember that", "please remember", "remember that", "remember:", "note for later:", "for context:",
    ]

    /// Waits until an answer may use the processor and returns what gives the turn back; the server's admission.
    public typealias AnswerGate = @Sendable () async -> @Sendable () -> Void

    /// Validates a question and starts answering it.
    ///
    /// The checks run before the stream starts, so their failures are thrown, never streamed. The user message is
    /// stored at once; the assistant message when the stream ends, however it ends (partial text with
    /// `cancelled` when the consumer goes away). A `gate` is awaited after `meta` and before retrieval and released
    /// once the answer is stored: only the work is admitted, so a stream starts at once and a slow reader holds no
    /// slot.
    ///
    /// - Throws: `EngineError.validation`, `.conversationNotFound`, `.documentNotFound`, `.documentNotReady`.
    public func ask(
        _ request: QueryRequest,
        as principal: Principal,
        requestId: String? = nil,
        gate: AnswerGate? = nil
    ) throws -> AsyncThrowingStream<StreamEvent, any Error> {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        let limits = capabilities().limits
        var problems: [EngineError.FieldProblem] = []
        if query.isEmpty { problems.append(.init(field: "query", message: "must not be empty")) }
        if query.unicodeScalars.count > limits.maxQueryChars {
            problems.append(.init(field: "query", message: "must be at most \(limits.maxQueryChars) characters"))
        }
        let topK = request.topK ?? configuration.tuning.defaultTopK
        if !(1...limits.maxTopK).contains(topK) {
            problems.append(.init(field: "top_k", message: "must be between 1 and \(limits.maxTopK)"))
        }
        if let ids = request.documentIds, ids.isEmpty || ids.count > 50 {
            problems.append(.init(field: "document_ids", message: "must list 1 to 50 document ids"))
        }
        guard problems.isEmpty else { throw EngineError.validation(problems) }

        for id in request.documentIds ?? [] {
            guard let document = try store.visibleDocument(id: id, for: principal) else {
                throw EngineError.documentNotFound(id)
            }
            guard document.status == "completed" else { throw EngineError.documentNotReady(id) }
        }

        let date = configuration.now()
        let conversation: ConversationRecord
        // A new conversation is stored with its first message, in one transaction.
        var created: ConversationRecord?
        let earlier: [MessageRecord]
        if let id = request.conversationId {
            guard let existing = try store.conversation(id: id, ownerId: principal.id) else {
                throw EngineError.conversationNotFound(id)
            }
            conversation = existing
            earlier = try store.messages(conversationId: conversation.id)
        } else {
            conversation = ConversationRecord(
                id: configuration.makeId("cnv_"),
                ownerId: principal.id,
                title: String(query.prefix(60)),
                createdAt: date,
                updatedAt: date
            )
            created = conversation
            earlier = []
        }
        try store.appendMessage(
            creating: created,
            MessageRecord(
                seq: nil,
                id: configuration.makeId("msg_"),
                conversationId: conversation.id,
                role: "user",
                content: query,
                finishReason: nil,
                sourcesJson: "[]",
                citationsJson: "[]",
                createdAt: date
            )
        )
        let turn = AnswerTurn(
            query: query,
            request: request,
            topK: topK,
            principal: principal,
            requestId: requestId,
            conversationId: conversation.id,
            messageId: configuration.makeId("msg_"),
            earlier: earlier,
            started: date,
            gate: gate
        )
        return Self.eventStream { continuation in await self.produce(turn, into: continuation) }
    }

    // MARK: - Producing the stream

    /// Everything one answer needs once accepted.
    struct AnswerTurn: Sendable {
        var query: String
        var request: QueryRequest
        var topK: Int
        var principal: Principal
        var requestId: String?
        var conversationId: String
        var messageId: String
        var earlier: [MessageRecord]
        var started: Date
        var gate: AnswerGate?
    }

    /// Runs retrieval and generation, yields the events in contract order and stores the assistant message.
    private func produce(
        _ turn: AnswerTurn,
        into continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    )
        async
    {
        let recorder = AnswerRecording()
        var stored = false
        func send(_ event: StreamEvent) {
            recorder.observe(event)
            switch event {
            case .done, .error:
                // Stored before the consumer sees the end: a follow-up sent the moment `done` arrives must find
                // this answer (and what it cited) in the conversation.
                storeAssistantMessage(turn, recorder)
                stored = true
            default:
                break
            }
            continuation.yield(event)
        }
        send(
            .meta(
                MetaEvent(
                    requestId: turn.requestId,
                    conversationId: turn.conversationId,
                    messageId: turn.messageId,
                    model: answerer.model
                )
            )
        )
        let release = await turn.gate?()
        defer { release?() }
        do {
            if turn.request.includeMemory ?? true, let content = Self.capturedMemory(in: turn.query) {
                let memory = try remember(content, source: "extracted", as: turn.principal)
                let acknowledgement = "Noted. I will remember: \(memory.content)"
                send(.sources([]))
                send(.token(acknowledgement))
                send(.done(doneEvent(turn, recorder, reason: .stop, memory: memory, retrievalMs: 0, usage: nil)))
            } else {
                try await answer(turn, send: send, recorder: recorder)
            }
        } catch is CancellationError {
            recorder.interrupt()
        } catch {
            send(.error(EngineError.streamEvent(for: error, requestId: turn.requestId)))
        }
        if Task.isCancelled { recorder.interrupt() }
        if !stored { storeAssistantMessage(turn, recorder) }
        continuation.finish()
    }

    private func answer(_ turn: AnswerTurn, send: (StreamEvent) -> Void, recorder: AnswerRecording) async throws {
        send(.status(stage: "retrieving"))
        let previousQuestion = turn.earlier.last(where: { $0.role == "user" })?.content
        let citedDocuments = Self.citedDocumentIds(of: turn.earlier.last(where: { $0.role == "assistant" }))
        let memories =
            (turn.request.includeMemory ?? true) ? try relevantMemories(for: turn.query, as: turn.principal) : []
        let questionVector = await questionVector(turn.query)
        let hits = try retriever.retrieve(
            RetrievalRequest(
                question: turn.query,
                previousQuestion: previousQuestion,
                citedDocumentIds: citedDocuments,
                memoryTexts: memories.map(\.content),
                documentIds: turn.request.documentIds,
                topK: turn.topK,
                questionVector: questionVector
            ),
            for: turn.principal
        )
        var sources = hits.enumerated().map { index, hit in Self.source(hit, n: index + 1) }
        for memory in memories {
            sources.append(Self.source(memory, n: sources.count + 1))
        }
        let retrievalMs = Self.milliseconds(since: turn.started, now: configuration.now())
        try Task.checkCancellation()

        let retriever = self.retriever
        let context = AnswerContext(
            question: turn.query,
            previousQuestion: previousQuestion,
            sources: sources,
            history: turn.earlier.suffix(6).map { HistoryMessage(role: $0.role, content: $0.content) },
            inverseDocumentFrequency: { term in
                retriever.inverseDocumentFrequency(
                    of: QueryAnalyzer.terms(term).first ?? QueryTerm(text: term, isIdentifier: false, variants: [])
                )
            },
            sectionPaths: Dictionary(
                uniqueKeysWithValues: hits.enumerated().map { ($0.offset + 1, $0.element.headingPath) }
            ),
            meaning: semanticEvidence(question: questionVector, hits: hits)
        )
        send(.status(stage: "generating"))
        switch try await answerer.answer(context) {
        case .abstain:
            send(.sources([]))
            send(.token(Self.noContextAnswer))
            send(
                .done(doneEvent(turn, recorder, reason: .noContext, memory: nil, retrievalMs: retrievalMs, usage: nil))
            )
        case .stream(let fragments):
            send(.sources(sources))
            var normalizer = CitationNormalizer(sources: sources)
            var usage: Usage?
            var reason = FinishReason.stop
            for try await fragment in fragments {
                try Task.checkCancellation()
                switch fragment {
                case .text(let text): normalizer.feed(text).forEach(send)
                case .quote(let text): normalizer.feedQuote(text).forEach(send)
                case .usage(let reported): usage = reported
                case .truncated: reason = .length
                }
            }
            normalizer.finish().forEach(send)
            try Task.checkCancellation()
            send(.done(doneEvent(turn, recorder, reason: reason, memory: nil, retrievalMs: retrievalMs, usage: usage)))
        }
    }

    private func doneEvent(
        _ turn: AnswerTurn,
        _ recorder: AnswerRecording,
        reason: FinishReason,
        memory: Memory?,
        retrievalMs: Int,
        usage: Usage?
    ) -> DoneEvent {
        let total = Self.milliseconds(since: turn.started, now: configuration.now())
        return DoneEvent(
            finishReason: reason,
            answer: recorder.fold.answer,
            citations: recorder.fold.citations,
            memoryAdded: memory,
            usage: usage
                ?? Usage(
                    promptTokens: AnswerFold.wordCount(turn.query),
                    completionTokens: AnswerFold.wordCount(recorder.fold.answer)
                ),
            timingsMs: Timings(
                retrieval: retrievalMs,
                firstToken: recorder.firstTokenMs(since: turn.started),
                total: total
            ),
            conversationId: turn.conversationId,
            messageId: turn.messageId
        )
    }

    private func storeAssistantMessage(_ turn: AnswerTurn, _ recorder: AnswerRecording) {
        let reason = recorder.fold.finishReason ?? .error
        // A document source is stored as a reference: its chunk holds the text, read back with the conversation.
        let sources = (reason == .noContext ? [] : recorder.fold.sources).map { source in
            var reference = source
            if source.kind == .document, source.chunkId != nil { reference.text = "" }
            return reference
        }
        try? store.appendMessage(
            MessageRecord(
                seq: nil,
                id: turn.messageId,
                conversationId: turn.conversationId,
                role: "assistant",
                content: recorder.fold.answer,
                finishReason: reason.rawValue,
                sourcesJson: APIJSON.string(sources),
                citationsJson: APIJSON.string(recorder.fold.citations),
                createdAt: configuration.now()
            )
        )
    }

    // MARK: - Helpers

    /// The memory text of a capture phrase, or nil if the question is not one.
    static func capturedMemory(in query: String) -> String? {
        let lowered = query.lowercased()
        for prefix in capturePrefixes where lowered.hasPrefix(prefix) {
            let content = query.dropFirst(prefix.count).trimmingCharacters(
                in: .whitespacesAndNewlines.union(.init(charactersIn: ":"))
            )
            return content.isEmpty ? nil : content
        }
        return nil
    }

    static func citedDocumentIds(of message: MessageRecord?) -> Set<String> {
        guard let message,
            let sources = try? APIJSON.decode([Source].self, from: Data(message.sourcesJson.utf8)),
            let citations = try? APIJSON.decode([Citation].self, from: Data(message.citationsJson.utf8))
        else { return [] }
        let cited = Set(citations.map(\.n))
        return Set(sources.filter { cited.contains($0.n) }.compactMap(\.documentId))
    }

    static func source(_ hit: ChunkHit, n: Int) -> Source {
        Source(
            n: n,
            id: hit.chunkId,
            kind: .document,
            documentId: hit.documentId,
            chunkId: hit.chunkId,
            filename: hit.filename,
            title: hit.documentTitle,
            page: hit.documentType == "pdf" ? hit.pageStart : nil,
            snippet: Source.snippet(of: hit.text),
            text: hit.text,
            score: (hit.score * 1000).rounded() / 1000,
            charStart: hit.charStart,
            charEnd: hit.charEnd,
            heading: hit.heading
        )
    }

    static func source(_ memory: Memory, n: Int) -> Source {
        Source(
            n: n,
            id: memory.id,
            kind: memory.scope == .shared ? .sharedMemory : .personalMemory,
            title: memory.scope == .shared ? "Shared memory" : "Personal memory",
            snippet: Source.snippet(of: memory.content),
            text: memory.content,
            score: 0
        )
    }

    static func milliseconds(since start: Date, now: Date) -> Int {
        max(0, Int((now.timeIntervalSince(start) * 1000).rounded()))
    }
}

/// What went out on a stream, so the assistant message can be stored however the stream ends: ChatAPI's fold, and
/// when the first token left (a reference type, as the producing closure and its helpers share it).
final class AnswerRecording {
    private(set) var fold = AnswerFold()
    private var firstToken: Date?

    func observe(_ event: StreamEvent) {
        if case .token = event, firstToken == nil { firstToken = Date() }
        fold.observe(event)
    }

    func interrupt() {
        fold.interrupt()
    }

    func firstTokenMs(since start: Date) -> Int? {
        firstToken.map { max(0, Int(($0.timeIntervalSince(start) * 1000).rounded())) }
    }
}
