public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP listener on 127.0.0.1 and an ephemeral port, for scripted test servers.
///
/// Raw POSIX sockets on plain threads, so it depends on nothing a client under test uses. Each connection is
/// handled on its own thread and closed when its handler returns.
///
/// ```swift
/// let listener = try LoopbackListener()
/// listener.start { connection in
///     guard let request = LoopbackListener.readRequest(connection) else { return }
///     _ = LoopbackListener.sendAll(connection, Data("HTTP/1.1 204 No Content\r\n\r\n".utf8))
/// }
/// ```
public final class LoopbackListener: Sendable {
    /// An HTTP/1.1 request as read off a connection.
    public struct Request: Sendable {
        public var method: String
        /// The request target as sent: a path, or an absolute URL when the client talks to a proxy.
        public var target: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: Data

        public init(method: String, target: String, headers: [String: String], body: Data) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }

        /// The body as text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public let port: Int
    private let descriptor: Int32
    private let stopped = Atomic<Bool>(false)

    /// Binds and listens; nothing is accepted before `start`.
    ///
    /// - Throws: `POSIXError` when no loopback port can be bound.
    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        stop()
    }

    /// Whether `stop` was called.
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Accepts connections until stopped, each handled by `handler` on its own thread.
    public func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread { [self] in
            while !isStopped {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    return
                }
                Thread {
                    handler(connection)
                    close(connection)
                }
                .start()
            }
        }
        thread.start()
    }

    /// Stops accepting; `waitForDisconnect` returns.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        // shutdown wakes the thread blocked in accept().
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    /// A port nothing listens on: bound once, then closed.
    public static func closedPort() throws -> Int {
        let listener = try LoopbackListener()
        listener.stop()
        return listener.port
    }

    /// Reads one request: the head, then a body of `Content-Length` bytes.
    ///
    /// - Returns: The request, or nil when the client leaves first or sends no request line.
    public static func readRequest(_ connection: Int32) -> Request? {
        var buffer = [UInt8]()
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while headEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            if buffer.count >= separator.count {
                headEnd = (0...(buffer.count - separator.count)).first { buffer[$0..<$0 + 4].elementsEqual(separator) }
            }
        }
        guard let headEnd else { return nil }
        var lines = String(decoding: buffer[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        var body = Array(buffer[(headEnd + 4)...])
        let expected = Int(headers["content-length"] ?? "") ?? 0
        while body.count < expected {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { break }
            body.append(contentsOf: chunk[0..<count])
        }
        return Request(
            method: String(requestLine[0]),
            target: String(requestLine[1]),
            headers: headers,
            body: Data(body)
        )
    }

    /// Sends all of `data`; false once the client has gone.
    public static func sendAll(_ connection: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var sent = 0
            while sent < raw.count {
                // MSG_NOSIGNAL: a client that already left must not kill the test process with SIGPIPE.
                let count = send(connection, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return false }
                sent += count
            }
            return true
        }
    }

    /// Sends nothing until the client closes the connection (true) or the listener stops (false).
    public func waitForDisconnect(_ connection: Int32) -> Bool {
        var byte: UInt8 = 0
        while !isStopped {
            var pollDescriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            // Readable with nothing to read means the peer closed (or reset) the connection.
            if poll(&pollDescriptor, 1, 50) > 0, recv(connection, &byte, 1, Int32(MSG_DONTWAIT)) <= 0 { return true }
        }
        return false
    }
}
