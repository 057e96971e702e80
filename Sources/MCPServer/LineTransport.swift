import DescriptorIO
public import Foundation
import Glibc
public import Logging
public import MCP

/// The MCP stdio transport on two file descriptors: one JSON-RPC message per line each way.
///
/// Used instead of the SDK's `StdioTransport` for three reasons: input is read by blocking `read(2)` on a thread
/// of its own (no polling, and the descriptor's flags, shared with the parent process, stay as they are); broken
/// lines are answered here the way JSON-RPC requires (`MessageScreen`); and at end of input the requests already
/// accepted are answered before the stream ends, so `printf '...' | chatshell mcp` gets every response.
public actor LineTransport: Transport {
    public nonisolated let logger: Logger

    private let input: Int32
    private let output: Int32
    private let maxLineBytes: Int
    private let messages: AsyncThrowingStream<Data, any Error>
    private let messageSink: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false
    private var inputEnded = false
    private var readerGone = false
    /// Requests forwarded to the SDK and not yet answered (ids as JSON text).
    private var pending: Set<String> = []

    /// - Parameters:
    ///   - input: the descriptor messages arrive on (stdin).
    ///   - output: the descriptor responses go to, used by this transport alone.
    ///   - maxLineBytes: the longest message accepted; longer lines get a JSON-RPC error and reading goes on.
    ///   - logger: where the transport logs (stderr).
    public init(input: Int32, output: Int32, maxLineBytes: Int, logger: Logger) {
        self.input = input
        self.output = output
        self.maxLineBytes = maxLineBytes
        self.logger = logger
        (messages, messageSink) = AsyncThrowingStream<Data, any Error>.makeStream()
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let lines = Self.readLines(from: input, maxLineBytes: maxLineBytes)
        Task { await self.pump(lines) }
    }

    public func disconnect() async {
        connected = false
        messageSink.finish()
    }

    public func send(_ data: Data) async throws {
        for id in MessageScreen.responseIds(in: data) { pending.remove(id) }
        defer { finishIfDrained() }
        guard !readerGone else { throw MCPError.connectionClosed }
        var record = data
        record.append(UInt8(ascii: "\n"))
        if !Self.writeAll(record, to: output) {
            // The client closed its end: nothing more can be answered (EPIPE with SIGPIPE ignored).
            logger.info("client closed the output pipe")
            readerGone = true
            inputEnded = true
            pending.removeAll()
            throw MCPError.connectionClosed
        }
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    // MARK: - Input

    private func pump(_ lines: AsyncStream<Data>) async {
        for await line in lines {
            switch MessageScreen.screen(line, maxBytes: maxLineBytes) {
            case .skip:
                continue
            case .reject(let response):
                logger.debug("rejected an input line: \(String(decoding: response, as: UTF8.self))")
                try? await send(response)
            case .forward(let message):
                for id in MessageScreen.cancelledIds(in: message) { pending.remove(id) }
                pending.formUnion(MessageScreen.requestIds(in: message))
                messageSink.yield(message)
            }
        }
        logger.debug("end of input; \(pending.count) request(s) still to answer")
        inputEnded = true
        finishIfDrained()
    }

    /// Ends the SDK's message loop once input is over and every accepted request has its response.
    private func finishIfDrained() {
        if inputEnded && pending.isEmpty { messageSink.finish() }
    }

    /// Lines read by blocking `read(2)` on a dedicated thread.
    ///
    /// A quiet client so never holds a thread of the cooperative pool. A line longer than `maxLineBytes` arrives cut to `maxLineBytes + 1` bytes, which the
    /// screen rejects; the rest of it is skipped.
    private static func readLines(from fd: Int32, maxLineBytes: Int) -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var line = Data()
            var overflowing = false
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                var start = 0
                for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                    if !overflowing { line.append(contentsOf: buffer[start..<index]) }
                    continuation.yield(overflowing ? Data(count: maxLineBytes + 1) : line)
                    line = Data()
                    overflowing = false
                    start = index + 1
                }
                if !overflowing && start < count {
                    line.append(contentsOf: buffer[start..<count])
                    if line.count > maxLineBytes {
                        overflowing = true
                        line = Data()
                    }
                }
            }
            // A last line without LF still counts as a message.
            if overflowing {
                continuation.yield(Data(count: maxLineBytes + 1))
            } else if !line.isEmpty {
                continuation.yield(line)
            }
            continuation.finish()
        }
        thread.name = "mcp-stdin"
        thread.start()
        return stream
    }

    /// Writes all bytes (the shared write loop); false once the reader is gone.
    private static func writeAll(_ data: Data, to fd: Int32) -> Bool {
        data.withUnsafeBytes { DescriptorWriter.writeAll($0, to: fd) == nil }
    }
}
