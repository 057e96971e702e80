import ChatAPI
import Foundation

/// Answers questions and ranks passages.
///
/// Validation, conversation history, memory capture, retrieval, the answerer, and storing both messages of a
/// turn; `KnowledgeBase.ask` and `.search` are its public face.
struct AnswerService: Sendable {
    let configuration: EngineConfiguration
    let store: SQLiteStore
    let retriever: Retriever
    let answerer: any Answerer
    let memories: MemoryService
    /// Embeds questions for hybrid ranking; nil when embeddings are off.
    let embedding: EmbeddingWorker?
    /// Sentence vectors for answering by meaning; nil when embeddings are off.
    let sentenceVectors: SentenceVectors?

    // MARK: - Asking

    /// Validates a question, stores it, and starts answering it (`KnowledgeBase.ask`).
    ///
    /// - Throws: `EngineError.validation`, `.conversationNotFound`, `.documentNotFound`, `.documentNotReady`.
    func ask(
        _ request: QueryRequest,
        as principal: Principal,
        requestId: String?,
        gate: EventStreamScaffold.Gate?
    ) throws -> AsyncThrowingStream<StreamEvent, any Error> {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        let topK = request.topK ?? configuration.tuning.defaultTopK
        try validateRetrieval(query: query, topK: topK, documentIds: request.documentIds, as: principal)

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
                role: .user,
                content: query,
                finishReason: nil,
                sourcesJson: "[]",
                citationsJson: "[]",
                createdAt: date
            )
        )
        let turn = Turn(
            query: query,
            request: request,
            topK: topK,
            principal: principal,
            conversationId: conversation.id,
            messageId: configuration.makeId("msg_"),
            earlier: earlier,
            started: date
        )
        let recorder = AnswerRecording()
        return EventStreamScaffold.stream(
            meta: MetaEvent(
                requestId: requestId,
                conversationId: turn.conversationId,
                messageId: turn.messageId,
                model: answerer.model
            ),
            requestId: requestId,
            gate: gate,
            observe: { event in
                recorder.observe(event)
                switch event {
                case .done, .error:
                    // Stored before the consumer sees the end: a follow-up sent the moment `done` arrives must
                    // find this answer (and what it cited) in the conversation.
                    storeAnswer(turn, recorder)
                default:
                    break
                }
            },
            work: { send in try await produce(turn, recorder: recorder, send: send) },
            ended: { interrupted in
                if interrupted { recorder.interrupt() }
                storeAnswer(turn, recorder)
            }
        )
    }

    // MARK: - Searching

    /// Ranks the passages an answer to `request.query` would be built from (`KnowledgeBase.search`).
    ///
    /// - Throws: `EngineError.validation`, `.documentNotFound`, `.documentNotReady`, as `ask` would.
    func search(_ request: SearchRequest, as principal: Principal) async throws -> SearchResponse {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        let topK = request.topK ?? configuration.tuning.defaultTopK
        try validateRetrieval(query: query, topK: topK, documentIds: request.documentIds, as: principal)
        let hits = try retriever.retrieve(
            RetrievalRequest(
                question: query,
                previousQuestion: nil,
                citedDocumentIds: [],
                memoryTexts: [],
                documentIds: request.documentIds,
                topK: topK,
                questionVector: await questionVector(query)
            ),
            for: principal
        )
        return SearchResponse(results: hits.enumerated().map { index, hit in Source(hit, n: index + 1) })
    }

    /// The field rules of a query (http-api.md section 6): length, `top_k`, and a document filter of visible,
    /// completed documents.
    private func validateRetrieval(query: String, topK: Int, documentIds: [String]?, as principal: Principal) throws {
        let limits = configuration.limits
        var problems: [EngineError.FieldProblem] = []
        if query.isEmpty { problems.append(.init(field: "query", message: "must not be empty")) }
        if query.unicodeScalars.count > limits.maxQueryChars {
            problems.append(.init(field: "query", message: "must be at most \(limits.maxQueryChars) characters"))
        }
        if !(1...limits.maxTopK).contains(topK) {
            problems.append(.init(field: "top_k", message: "must be between 1 and \(limits.maxTopK)"))
        }
        if let ids = documentIds, ids.isEmpty || ids.count > 50 {
            problems.append(.init(field: "document_ids", message: "must list 1 to 50 document ids"))
        }
        guard problems.isEmpty else { throw EngineError.validation(problems) }
        for id in documentIds ?? [] {
            _ = try store.completedDocument(id: id, for: principal)
        }
    }

    // MARK: - Producing the stream

    /// Everything one answer needs once accepted.
    private struct Turn: Sendable {
        var query: String
        var request: QueryRequest
        var topK: Int
        var principal: Principal
        var conversationId: String
        var messageId: String
        var earlier: [MessageRecord]
        var started: Date
    }

    /// The events after `meta`: a captured memory's acknowledgement, or retrieval and generation.
    private func produce(
        _ turn: Turn,
        recorder: AnswerRecording,
        send: @Sendable (StreamEvent) -> Void
    ) async throws {
        guard turn.request.includeMemory ?? true, let content = MemoryService.captured(in: turn.query) else {
            return try await answer(turn, recorder: recorder, send: send)
        }
        let memory = try memories.add(content, scope: .personal, source: "extracted", as: turn.principal)
        send(.sources([]))
        send(.token("Noted. I will remember: \(memory.content)"))
        send(.done(doneEvent(turn, recorder, reason: .stop, memory: memory, retrievalMs: 0, usage: nil)))
    }

    private func answer(
        _ turn: Turn,
        recorder: AnswerRecording,
        send: @Sendable (StreamEvent) -> Void
    ) async throws {
        send(.status(stage: "retrieving"))
        let previousQuestion = turn.earlier.last(where: { $0.role == .user })?.content
        let citedDocuments = Self.citedDocumentIds(of: turn.earlier.last(where: { $0.role == .assistant }))
        let memories =
            (turn.request.includeMemory ?? true) ? try self.memories.relevant(to: turn.query, as: turn.principal) : []
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
        var sources = hits.enumerated().map { index, hit in Source(hit, n: index + 1) }
        for memory in memories {
            sources.append(Source(memory, n: sources.count + 1))
        }
        let retrievalMs = turn.started.milliseconds(until: configuration.now())
        try Task.checkCancellation()

        let retriever = self.retriever
        let context = AnswerContext(
            question: turn.query,
            previousQuestion: previousQuestion,
            sources: sources,
            history: turn.earlier.suffix(6).map { HistoryMessage(role: $0.role.rawValue, content: $0.content) },
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
            send(.token(KnowledgeBase.noContextAnswer))
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
        _ turn: Turn,
        _ recorder: AnswerRecording,
        reason: FinishReason,
        memory: Memory?,
        retrievalMs: Int,
        usage: Usage?
    ) -> DoneEvent {
        let fold = recorder.fold
        return DoneEvent(
            finishReason: reason,
            answer: fold.answer,
            citations: fold.citations,
            memoryAdded: memory,
            usage: usage
                ?? Usage(
                    promptTokens: AnswerFold.wordCount(turn.query),
                    completionTokens: AnswerFold.wordCount(fold.answer)
                ),
            timingsMs: Timings(
                retrieval: retrievalMs,
                firstToken: recorder.firstTokenMs(since: turn.started),
                total: turn.started.milliseconds(until: configuration.now())
            ),
            conversationId: turn.conversationId,
            messageId: turn.messageId
        )
    }

    /// Stores the assistant message once, with what the stream carried so far (partial text when interrupted).
    private func storeAnswer(_ turn: Turn, _ recorder: AnswerRecording) {
        guard recorder.markStored() else { return }
        let fold = recorder.fold
        let reason = fold.finishReason ?? .error
        // A document source is stored as a reference: its chunk holds the text, read back with the conversation.
        let sources = (reason == .noContext ? [] : fold.sources).map { source in
            var reference = source
            if source.kind == .document, source.chunkId != nil { reference.text = "" }
            return reference
        }
        try? store.appendMessage(
            MessageRecord(
                seq: nil,
                id: turn.messageId,
                conversationId: turn.conversationId,
                role: .assistant,
                content: fold.answer,
                finishReason: reason.rawValue,
                sourcesJson: APIJSON.string(sources),
                citationsJson: APIJSON.string(fold.citations),
                createdAt: configuration.now()
            )
        )
    }

    // MARK: - Helpers

    private static func citedDocumentIds(of message: MessageRecord?) -> Set<String> {
        guard let message,
            let sources = try? APIJSON.decode([Source].self, from: Data(message.sourcesJson.utf8)),
            let citations = try? APIJSON.decode([Citation].self, from: Data(message.citationsJson.utf8))
        else { return [] }
        let cited = Set(citations.map(\.n))
        return Set(sources.filter { cited.contains($0.n) }.compactMap(\.documentId))
    }
}
