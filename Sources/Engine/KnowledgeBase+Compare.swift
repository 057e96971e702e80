public import ChatAPI

extension KnowledgeBase {
    /// Compares two to five documents (http-api.md section 8).
    public func compare(
        _ request: CompareRequest,
        as principal: Principal
    ) throws -> AsyncThrowingStream<StreamEvent, any Error> {
        throw EngineError.internalError("compare is not built yet")
    }
}
