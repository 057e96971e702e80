import ChatAPI

/// The one stream scaffold of answers and comparisons: how an accepted request becomes an event stream.
///
/// The stream is returned at once and `meta` is its first event; the work runs on a task of its own, admitted
/// by the optional gate, and yields its events through `send`. A thrown `CancellationError` (or a task that ends
/// cancelled) counts as interrupted; any other error becomes the stream's `error` event (`EngineError.streamEvent`).
/// A consumer that leaves or is cancelled cancels the task, which stops the work.
enum EventStreamScaffold {
    /// Waits until the work may use the processor and returns what gives the turn back; the server's admission.
    typealias Gate = @Sendable () async -> @Sendable () -> Void

    /// Starts the work and returns its stream.
    ///
    /// - Parameters:
    ///   - meta: the first event, sent before the gate is awaited (a stream starts at once, even when queued).
    ///   - requestId: echoed in the `error` event.
    ///   - gate: awaited after `meta`; its release is called once `ended` has run.
    ///   - observe: sees every event just before the consumer does (to record it, or store the answer first).
    ///   - work: produces the events after `meta`, ending with `done`; what it throws is mapped as above.
    ///   - ended: runs after the last event, told whether the stream was interrupted.
    /// - Returns: the event stream.
    static func stream(
        meta: MetaEvent,
        requestId: String?,
        gate: Gate? = nil,
        observe: @escaping @Sendable (StreamEvent) -> Void = { _ in },
        work: @escaping @Sendable (_ send: @Sendable (StreamEvent) -> Void) async throws -> Void,
        ended: @escaping @Sendable (_ interrupted: Bool) -> Void = { _ in }
    ) -> AsyncThrowingStream<StreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<StreamEvent, any Error>.makeStream()
        let task = Task {
            let send: @Sendable (StreamEvent) -> Void = { event in
                observe(event)
                continuation.yield(event)
            }
            send(.meta(meta))
            let release = await gate?()
            var interrupted = false
            do {
                try await work(send)
            } catch is CancellationError {
                interrupted = true
            } catch {
                send(.error(EngineError.streamEvent(for: error, requestId: requestId)))
            }
            if Task.isCancelled { interrupted = true }
            ended(interrupted)
            release?()
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
