import ChatAPI
import Engine

/// Runs an answer stream to its end for the JSON twins (`POST /query`, `POST /compare`).
enum StreamFold {
    struct Outcome: Sendable {
        var done: DoneEvent
        var sources: [Source]
        var requestId: String?
    }

    /// The stream's `done` with its sources; an `error` event becomes the matching HTTP error (503, 504, 500).
    ///
    /// - Throws: `APIError` for stream errors and for overrunning `timeout` (504 `timeout`).
    static func run(_ events: AsyncThrowingStream<StreamEvent, any Error>, timeout: Duration) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome?.self) { group in
            group.addTask { try await collect(events) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let outcome = first else {
                let seconds = Int(timeout.components.seconds)
                throw APIError(status: 504, code: .timeout, message: "The answer took longer than \(seconds) s.")
            }
            return outcome
        }
    }

    private static func collect(_ events: AsyncThrowingStream<StreamEvent, any Error>) async throws -> Outcome {
        var sources: [Source] = []
        var requestId: String?
        do {
            for try await event in events {
                switch event {
                case .meta(let meta): requestId = meta.requestId
                case .sources(let list): sources = list
                case .done(let done): return Outcome(done: done, sources: sources, requestId: requestId)
                case .error(let error):
                    throw APIError(status: status(of: error.code), code: error.code, message: error.message)
                default: continue
                }
            }
        } catch let error as EngineError {
            throw APIError(error)
        }
        try Task.checkCancellation()
        throw APIError.internalError()
    }

    /// The HTTP status of a stream error code (http-api.md section 6).
    static func status(of code: ErrorCode) -> Int {
        switch code {
        case .llmUnavailable, .serviceUnavailable: 503
        case .timeout: 504
        default: 500
        }
    }
}
