import ChatAPI

extension KnowledgeBase {
    /// The one stream scaffold of answers and comparisons: the stream is returned at once, `produce` runs on a
    /// task of its own and yields its events (ending with `done` or `error`, then `finish()`), and a consumer that
    /// leaves or is cancelled cancels that task, which stops the work.
    ///
    /// - Parameter produce: the work, given the stream's continuation.
    /// - Returns: the event stream.
    static func eventStream(
        _ produce: @escaping @Sendable (AsyncThrowingStream<StreamEvent, any Error>.Continuation) async -> Void
    ) -> AsyncThrowingStream<StreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<StreamEvent, any Error>.makeStream()
        let task = Task { await produce(continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
