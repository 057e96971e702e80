import ChatAPI
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns an answer's events into a Server-Sent Events response framed exactly as http-api.md section 6 says:
/// `event: <type>` LF `data: <one-line json>` LF LF, a `: keep-alive` comment after a quiet spell, one terminal
/// event, then the connection closes.
///
/// The producing task stops when the client leaves (the engine then stores the partial answer as `cancelled`),
/// when the server shuts down (the stream ends with `done` `cancelled`), or when generation overruns its limit
/// (the stream ends with `error` `timeout`).
struct EventStreamResponder: Sendable {
    let heartbeat: Duration
    let generationTimeout: Duration
    let shutdown: ShutdownSignal
    let logger: Logger

    /// Everything the write loop reacts to, from the producer, the clock, the client and the server.
    private enum Signal: Sendable {
        case event(StreamEvent)
        case failed(any Error)
        case finished
        case tick
        case clientGone
        case shutdown
    }

    func response(
        request: Request,
        events: AsyncThrowingStream<StreamEvent, any Error>,
        requestId: String,
        lease: AnswerAdmission.Lease?
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.accelBuffering] = "no"
        let body = ResponseBody { writer in
            // A slot taken for the whole stream (comparisons) is held while it streams; should the body never run,
            // dropping the lease frees it.
            defer { lease?.release() }
            try await self.stream(events, request: request, writer: &writer, requestId: requestId)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private func stream(
        _ events: AsyncThrowingStream<StreamEvent, any Error>,
        request: Request,
        writer: inout any ResponseBodyWriter,
        requestId: String
    ) async throws {
        let (signals, continuation) = AsyncStream<Signal>.makeStream()
        let producer = Task {
            do {
                for try await event in events { continuation.yield(.event(event)) }
                continuation.yield(.finished)
            } catch {
                continuation.yield(.failed(error))
            }
        }
        // A few ticks per heartbeat keep both the keep-alive comment and the time limit within a third of their
        // period, without a timer per event.
        let period = min(heartbeat, generationTimeout) / 3
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                continuation.yield(.tick)
            }
        }
        let observer = shutdown.observe { continuation.yield(.shutdown) }
        defer {
            producer.cancel()
            ticker.cancel()
            shutdown.remove(observer)
            continuation.finish()
        }
        try await request.body.consumeWithInboundCloseHandler { _ in
            try await self.write(signals, producer: producer, writer: &writer, requestId: requestId)
        } onInboundClosed: {
            continuation.yield(.clientGone)
        }
        try await writer.finish(nil)
    }

    private func write(
        _ signals: AsyncStream<Signal>,
        producer: Task<Void, Never>,
        writer: inout any ResponseBodyWriter,
        requestId: String
    ) async throws {
        let started = ContinuousClock.now
        var lastWrite = started
        // What went out so far, so a stream cut short by shutdown still ends with a `done` whose answer equals the
        // chunks sent.
        var sent = AnswerFold()
        func send(_ event: StreamEvent) async throws {
            sent.observe(event)
            try await writer.write(Self.frame(event, requestId: requestId))
            lastWrite = .now
        }
        do {
            for await signal in signals {
                switch signal {
                case .event(let event):
                    try await send(event)
                    if event.isTerminal { return }
                case .finished:
                    // The engine always ends with done or error; a stream that stops without one is a defect.
                    logger.error(
                        "answer stream ended without a terminal event",
                        metadata: ["request_id": "\(requestId)"]
                    )
                    let message = StreamErrorEvent.endedEarly().message
                    try await send(
                        .error(StreamErrorEvent(code: .internalError, message: message, requestId: requestId))
                    )
                    return
                case .failed(let error):
                    try await send(.error(EngineError.streamEvent(for: error, requestId: requestId)))
                    return
                case .tick:
                    let now = ContinuousClock.now
                    if now - started >= generationTimeout {
                        producer.cancel()
                        try await send(.error(.timedOut(after: generationTimeout, requestId: requestId)))
                        return
                    }
                    if now - lastWrite >= heartbeat {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        lastWrite = now
                    }
                case .clientGone:
                    producer.cancel()
                    logger.info(
                        "client left mid-stream; generation cancelled",
                        metadata: ["request_id": "\(requestId)"]
                    )
                    return
                case .shutdown:
                    producer.cancel()
                    let elapsedMs = WireTime.milliseconds(ContinuousClock.now - started)
                    if !sent.receivedSources { try await send(.sources([])) }
                    try await send(.done(sent.cancelledDone(elapsedMs: elapsedMs)))
                    return
                }
            }
        } catch {
            // Writing failed: the client is gone, so stop generating for it.
            producer.cancel()
            throw error
        }
    }

    /// One event as its SSE frame.
    static func frame(_ event: StreamEvent, requestId: String) -> ByteBuffer {
        ByteBuffer(bytes: frameBytes(event, requestId: requestId))
    }

    /// The bytes of one event's frame.
    static func frameBytes(_ event: StreamEvent, requestId: String) -> [UInt8] {
        // Tokens are most of the frames, one per word: text that JSON would not escape is written as the encoder
        // writes it (sorted keys), without building an encoder for each word.
        if case .token(let chunk) = event, chunk.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            return Array("event: token\ndata: {\"chunk\":\"\(chunk)\",\"type\":\"token\"}\n\n".utf8)
        }
        guard let json = try? APIJSON.encode(event) else {
            let fallback = StreamEvent.error(
                StreamErrorEvent(code: .internalError, message: "Cannot encode an event.", requestId: requestId)
            )
            return Array("event: error\ndata: \(APIJSON.string(fallback))\n\n".utf8)
        }
        return Array("event: \(event.type)\ndata: ".utf8) + json + Array("\n\n".utf8)
    }
}
