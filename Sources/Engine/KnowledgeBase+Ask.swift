public import ChatAPI

// The facade's questions and searches; the work is `AnswerService`'s.
extension KnowledgeBase {
    /// The answer sent when nothing visible is relevant (http-api.md section 6, "No context").
    public static let noContextAnswer = "I could not find this in the available documents."

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
    /// ```swift
    /// let stream = try knowledgeBase.ask(QueryRequest(query: "What is the rated payload?"), as: .local)
    /// for try await event in stream { if case .token(let text) = event { print(text, terminator: "") } }
    /// ```
    ///
    /// - Parameters:
    ///   - request: the question, its conversation, document filter, `top_k` and memory switch.
    ///   - principal: whose documents, memories and conversations are used.
    ///   - requestId: echoed in `meta` and errors.
    ///   - gate: the server's admission, if any.
    /// - Returns: the event stream; cancelling its consumer stops the work.
    /// - Throws: `EngineError.validation`, `.conversationNotFound`, `.documentNotFound`, `.documentNotReady`.
    public func ask(
        _ request: QueryRequest,
        as principal: Principal,
        requestId: String? = nil,
        gate: AnswerGate? = nil
    ) throws -> AsyncThrowingStream<StreamEvent, any Error> {
        try answerService.ask(request, as: principal, requestId: requestId, gate: gate)
    }

    /// Ranks the passages an answer to `request.query` would be built from, without answering or storing anything.
    ///
    /// The same retriever, limits and document filter as `ask`, minus what belongs to a conversation (previous
    /// question, cited documents) and memories: a search is about documents only.
    ///
    /// - Throws: `EngineError.validation`, `.documentNotFound`, `.documentNotReady`, as `ask` would.
    public func search(_ request: SearchRequest, as principal: Principal) async throws -> SearchResponse {
        try await answerService.search(request, as: principal)
    }
}
