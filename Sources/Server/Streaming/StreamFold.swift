import ChatAPI
import Engine

/// Runs an answer stream to its end for the JSON twins (`POST /query`, `POST /compare`).
enum StreamFold {
    /// The stream folded to its `done`; an `error` event becomes the matching HTTP error (503, 504, 500).
    ///
    /// - Throws: `APIError` for stream errors and for overrunning `timeout` (504 `timeout`).
    static func run(_ events: AsyncThrowingStream<StreamEvent, any Error>, timeout: Duration) async throws -> AnswerFold
    {
        try await withThrowingTaskGroup(of: AnswerFold?.self) { group in
            group.addTask { try await collect(events) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let fold = first else {
                throw APIError(StreamErrorEvent.timedOut(after: timeout))
            }
            return fold
        }
    }

    private static func collect(_ events: AsyncThrowingStream<StreamEvent, any Error>) async throws -> AnswerFold {
        var fold = AnswerFold()
        do {
            for try await event in events {
                fold.observe(event)
                if fold.done != nil { return fold }
                if let error = fold.error { throw APIError(error) }
            }
        } catch let error as EngineError {
            throw APIError(error)
        }
        try Task.checkCancellation()
        throw APIError.internalError()
    }
}
