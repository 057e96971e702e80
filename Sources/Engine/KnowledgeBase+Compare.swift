public import ChatAPI

// The facade's comparisons; the work is `ComparisonService`'s.
extension KnowledgeBase {
    /// Compares two to five documents (http-api.md section 8) and streams the report.
    ///
    /// The checks run before the stream starts, so their failures are thrown, never streamed. The stream sends
    /// `meta` (no conversation or message), `status: comparing`, one `sources` event holding a passage of every
    /// compared document, the report as `token` and `citation` events, and `done` with `finish_reason: stop` and
    /// the `comparison`. Nothing is stored. With a language model configured, the model writes the report from
    /// the same sources and the comparer's findings; the structured lists stay the comparer's.
    ///
    /// ```swift
    /// let stream = try knowledgeBase.compare(CompareRequest(documentIds: [x200, x300]), as: .local)
    /// for try await event in stream { if case .token(let text) = event { print(text, terminator: "") } }
    /// ```
    ///
    /// - Parameters:
    ///   - request: 2 to 5 distinct document ids and an optional query that focuses the report.
    ///   - principal: whose documents are visible.
    ///   - requestId: echoed in `meta` and errors.
    /// - Returns: the event stream; cancelling its consumer stops the work.
    /// - Throws: `EngineError.validation` (on `document_ids` or `query`), `.documentNotFound`, `.documentNotReady`.
    public func compare(
        _ request: CompareRequest,
        as principal: Principal,
        requestId: String? = nil
    ) throws -> AsyncThrowingStream<StreamEvent, any Error> {
        try comparisonService.compare(request, as: principal, requestId: requestId)
    }

    /// Compares documents without streaming, as `POST /compare` answers.
    ///
    /// - Parameters:
    ///   - request: 2 to 5 distinct document ids and an optional query.
    ///   - principal: whose documents are visible.
    /// - Returns: the comparison, equal to the `done.comparison` of the stream.
    /// - Throws: the errors of `compare(_:as:requestId:)`.
    public func compareResult(
        _ request: CompareRequest,
        as principal: Principal
    ) async throws -> DocumentComparison {
        try await comparisonService.result(request, as: principal)
    }
}
