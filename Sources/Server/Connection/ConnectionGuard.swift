import ChatAPI
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Guards one HTTP/1.1 connection below the router, where a slow or broken client never reaches a handler.
///
/// What it enforces (http-api.md section 10):
/// - a request head must be complete within `headTimeout` of the connection opening or of the previous response
///   ending, else the connection is closed;
/// - a body must keep up a minimum average rate after a grace period, so a body trickled byte by byte cannot hold
///   a connection: the reader of the body gets `RequestBodyTimeout` (408 in the error body), then the connection
///   closes;
/// - a request line or header block the HTTP parser rejects gets the contract's 400 error body with an
///   `X-Request-Id` instead of the framework's empty 400; a parser error inside a body reaches the body's reader
///   (400 from the middleware) and the connection closes after that response.
///
/// Sits between the HTTP codec and Hummingbird's connection-state handler, so it sees whole request and response
/// parts. It runs on the channel's event loop only.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The clocks the guard enforces.
    struct Limits: Sendable {
        /// How long a complete request head may take.
        var headTimeout: TimeAmount
        /// How long a body may take before the rate rule applies.
        var bodyGrace: TimeAmount
        /// Each received body byte extends the body's time by `1 / minimumBodyBytesPerSecond` seconds.
        var minimumBodyBytesPerSecond: Int
    }

    private enum Phase {
        /// No request is being read; the head clock runs.
        case awaitingHead
        /// A request's body is being read; the body clock runs.
        case readingBody(started: NIODeadline, received: Int)
        /// The request was read whole; its response is being produced (no clock: generation has its own limits).
        case awaitingResponse
        /// The connection is beyond repair and closes once the pending response is written.
        case closing
    }

    private let limits: Limits
    private var phase = Phase.awaitingHead
    /// Request heads read whose response has not ended.
    private var pendingResponses = 0
    private var timer: Scheduled<Void>?

    init(limits: Limits) {
        self.limits = limits
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHeadClock(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startHeadClock(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            guard !isClosing else { return }
            pendingResponses += 1
            phase = .readingBody(started: .now(), received: 0)
            schedule(context, at: NIODeadline.now() + limits.bodyGrace)
        case .body(let buffer):
            guard !isClosing else { return }
            if case .readingBody(let started, let received) = phase {
                phase = .readingBody(started: started, received: received + buffer.readableBytes)
            }
        case .end:
            guard !isClosing else { return }
            cancelTimer()
            if pendingResponses > 0 {
                phase = .awaitingResponse
            } else {
                // The response went out before the body was read whole; the next request may come.
                startHeadClock(context)
            }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        switch phase {
        case .awaitingHead where pendingResponses == 0:
            // The head itself is malformed: no handler will run, so answer here.
            answerMalformedHead(context, parserError)
        case .readingBody where pendingResponses > 0:
            // The body's reader answers 400; the connection cannot carry another request after it.
            phase = .closing
            cancelTimer()
            context.fireErrorCaught(error)
        default:
            // The response is out (or still being written) and what followed cannot be parsed: close once it ends.
            closeWhenResponsesEnd(context)
        }
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        pendingResponses = max(0, pendingResponses - 1)
        if isClosing && pendingResponses == 0 {
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        if case .awaitingResponse = phase, pendingResponses == 0 { startHeadClock(context) }
        context.write(data, promise: promise)
    }

    // MARK: - Clocks

    private var isClosing: Bool {
        if case .closing = phase { return true }
        return false
    }

    private func startHeadClock(_ context: ChannelHandlerContext) {
        phase = .awaitingHead
        schedule(context, at: NIODeadline.now() + limits.headTimeout)
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        cancelTimer()
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            clockExpired(context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func clockExpired(_ context: ChannelHandlerContext) {
        switch phase {
        case .awaitingHead:
            // Nothing to answer: the client has not finished asking.
            context.close(promise: nil)
        case .readingBody(let started, let received):
            let rate = Int64(max(1, limits.minimumBodyBytesPerSecond))
            let deadline = started + limits.bodyGrace + .nanoseconds(Int64(received) * 1_000_000_000 / rate)
            if NIODeadline.now() < deadline {
                schedule(context, at: deadline)
                return
            }
            let elapsed = NIODeadline.now() - started
            let timeout = RequestBodyTimeout(
                receivedBytes: received,
                elapsedSeconds: Int(elapsed.nanoseconds / 1_000_000_000),
                graceSeconds: Int(limits.bodyGrace.nanoseconds / 1_000_000_000),
                minimumBytesPerSecond: limits.minimumBodyBytesPerSecond
            )
            if pendingResponses > 0 {
                // The body's reader answers 408; if no one reads it, the response that does come closes the line.
                phase = .closing
                context.fireErrorCaught(timeout)
            } else {
                // Only the framework's drain of an unread body is waiting: nobody to answer.
                context.close(promise: nil)
            }
        case .awaitingResponse, .closing:
            break
        }
    }

    private func closeWhenResponsesEnd(_ context: ChannelHandlerContext) {
        cancelTimer()
        if pendingResponses == 0 {
            context.close(promise: nil)
        } else {
            phase = .closing
        }
    }

    // MARK: - Malformed heads

    private func answerMalformedHead(_ context: ChannelHandlerContext, _ error: HTTPParserError) {
        cancelTimer()
        phase = .closing
        let requestId = RequestIdentifier.accepting(nil)
        let failure = APIError.malformedRequest(error, inBody: false)
        let body = (try? APIJSON.encode(failure.body(requestId: requestId))).map { Array($0) } ?? []
        var fields = HTTPFields()
        fields[.contentType] = JSONResponse.mediaType
        fields[.contentLength] = String(body.count)
        fields[.connection] = "close"
        fields[.requestId] = requestId
        fields[.contentTypeOptions] = "nosniff"
        let head = HTTPResponse(status: HTTPResponse.Status(code: failure.status), headerFields: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// A request body that arrived too slowly for `ConnectionGuard`'s rate rule.
struct RequestBodyTimeout: Error, Sendable {
    var receivedBytes: Int
    var elapsedSeconds: Int
    var graceSeconds: Int
    var minimumBytesPerSecond: Int
}
