public import ChatAPI
import Foundation

extension RemoteBackend {
    /// Asks a question (`POST /query/stream`); returns once the server has accepted it.
    ///
    /// Validation and identity errors arrive as JSON before the stream starts and are thrown here. Cancelling the
    /// consumer or dropping the stream aborts the transfer, and the server stops on the disconnect.
    public func ask(_ request: QueryRequest) async throws -> AnswerStream {
        try await stream(try .json("POST", "/query/stream", request, streaming: true))
    }

    /// Compares documents (`POST /compare/stream`); `done` carries the `DocumentComparison`.
    public func compare(_ request: CompareRequest) async throws -> AnswerStream {
        try await stream(try .json("POST", "/compare/stream", request, streaming: true))
    }

    private func stream(_ endpoint: Endpoint) async throws -> AnswerStream {
        let transfer = try await open(endpoint)
        guard transfer.head.mediaType == "text/event-stream" else {
            transfer.cancel()
            throw BackendError.transport(
                "\(target) answered \(endpoint.method) /api/v1\(endpoint.path) with "
                    + "\(transfer.head.mediaType ?? "no content type") instead of an event stream. "
                    + "Is the address a chatshell server, and does any proxy in between pass streams through?"
            )
        }
        return Self.answerStream(from: transfer, server: target)
    }

    /// Parses a transfer's SSE body into events, ending after `done` or `error`.
    static func answerStream(from transfer: CurlTransfer, server: String) -> AnswerStream {
        let (stream, continuation) = AnswerStream.makeStream()
        let pump = Task {
            var parser = SSEParser()
            let decoder = StreamEventDecoder(server: server)
            do {
                for try await chunk in transfer.body {
                    for event in parser.feed(chunk) {
                        guard let decoded = try decoder.decode(event) else { continue }
                        continuation.yield(decoded)
                        if decoded.isTerminal {
                            continuation.finish()
                            // Nothing follows a terminal event; the server closes the connection anyway.
                            transfer.cancel()
                            return
                        }
                    }
                }
                // The connection closed mid-answer.
                continuation.finish(throwing: BackendError.transport(StreamErrorEvent.endedEarly(from: server).message))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { termination in
            // The consumer left (its task was cancelled or it dropped the stream): abort the transfer so the
            // server sees the disconnect and stops generating.
            if case .cancelled = termination {
                pump.cancel()
                transfer.cancel()
            }
        }
        return stream
    }
}
