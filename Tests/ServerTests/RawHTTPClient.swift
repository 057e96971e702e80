import ChatAPI
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response as bytes on the wire became: status, headers in order (repeated ones kept), body de-chunked.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data

    /// The first value of a header, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of a header.
    func headers(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try APIJSON.decode(type, from: body)
    }

    /// The contract's error body.
    var error: ErrorBody? { try? APIJSON.decode(ErrorBody.self, from: body) }

    /// The error code, for short assertions.
    var code: String? { error?.error.code.rawValue }

    /// The body as a JSON object.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
}

/// A deliberately small HTTP/1.1 client over POSIX sockets.
///
/// Tests see exactly what the server sends (framing, repeated headers, chunk boundaries) and can hang up
/// mid-stream. Each request uses its own connection with `Connection: close`; blocking I/O runs on a thread of its
/// own, off the cooperative pool.
struct RawHTTPClient: Sendable {
    let port: Int

    /// Sends a request and reads the whole response.
    func send(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: Data? = nil
    ) async throws -> RawResponse {
        let request = Self.requestBytes(method, path, headers: headers, body: body)
        let port = self.port
        return try await Self.onThread {
            let connection = try Connection(port: port)
            defer { connection.close() }
            connection.write(request)
            var reader = ResponseReader()
            while let chunk = try connection.read() {
                reader.feed(chunk)
            }
            return try reader.response()
        }
    }

    /// Sends a JSON body.
    func json(
        _ method: String,
        _ path: String,
        _ object: Any,
        headers: [(String, String)] = []
    ) async throws -> RawResponse {
        let body = try JSONSerialization.data(withJSONObject: object)
        return try await send(method, path, headers: headers + [("Content-Type", "application/json")], body: body)
    }

    /// Sends a request and reads the response head and body as they arrive; `shouldHangUp` sees the body so far
    /// after every read and may close the connection early.
    func stream(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        hangUpWhen shouldHangUp: @escaping @Sendable (_ bodySoFar: Data) -> Bool = { _ in false }
    ) async throws -> (response: RawResponse, hungUp: Bool) {
        let request = Self.requestBytes(method, path, headers: headers, body: body)
        let port = self.port
        return try await Self.onThread {
            let connection = try Connection(port: port)
            defer { connection.close() }
            connection.write(request)
            var reader = ResponseReader()
            while let chunk = try connection.read() {
                reader.feed(chunk)
                if let partial = reader.partialBody(), shouldHangUp(partial) {
                    return (try reader.response(allowIncomplete: true), true)
                }
            }
            return (try reader.response(), false)
        }
    }

    /// Sends `bytes` exactly as given (nothing added) and reads until the server closes the connection.
    ///
    /// - Returns: the response, nil when the server closed without one, and how long until it closed.
    func exchange(raw bytes: Data) async throws -> (response: RawResponse?, elapsed: Duration) {
        let port = self.port
        return try await Self.onThread {
            let connection = try Connection(port: port)
            defer { connection.close() }
            let started = ContinuousClock.now
            connection.write(bytes)
            var reader = ResponseReader()
            var received = false
            while let chunk = try connection.read() {
                reader.feed(chunk)
                received = true
            }
            return (received ? try reader.response() : nil, ContinuousClock.now - started)
        }
    }

    /// Sends `head`, then `body` `bytesPerStep` bytes at a time with `interval` between steps, until the body is
    /// sent or the server answers; then reads until the server closes.
    ///
    /// - Returns: the response (nil when the server closed without one) and how many body bytes went out.
    func trickle(
        head: Data,
        body: Data,
        bytesPerStep: Int = 1,
        interval: Duration
    ) async throws -> (response: RawResponse?, sent: Int) {
        let port = self.port
        return try await Self.onThread {
            let connection = try Connection(port: port)
            defer { connection.close() }
            connection.write(head)
            var sent = 0
            // The pause between steps is a wait for the server's answer, so an early response ends the trickle.
            while sent < body.count, !connection.waitReadable(for: interval) {
                let step = body[body.startIndex + sent..<body.startIndex + min(body.count, sent + bytesPerStep)]
                connection.write(Data(step))
                sent += step.count
            }
            var reader = ResponseReader()
            var received = false
            while let chunk = try connection.read() {
                reader.feed(chunk)
                received = true
            }
            return (received ? try reader.response() : nil, sent)
        }
    }

    static func requestBytes(_ method: String, _ path: String, headers: [(String, String)], body: Data?) -> Data {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var data = Data(head.utf8)
        if let body { data.append(body) }
        return data
    }

    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// One TCP connection to the loopback server.
private final class Connection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: 300, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            closeDescriptor(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    func write(_ data: Data) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let sent = send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                // The server may answer and close before reading everything (a 413); what it sent still counts.
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    /// Whether bytes (or the end of the stream) can be read within `timeout`.
    func waitReadable(for timeout: Duration) -> Bool {
        var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return poll(&descriptors, 1, milliseconds) > 0
    }

    /// The next bytes, or nil at the end of the stream.
    func read() throws -> Data? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        if count > 0 { return Data(buffer[..<count]) }
        if count == 0 || errno == ECONNRESET { return nil }
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }

    func close() {
        closeDescriptor(descriptor)
    }
}

/// Parses a response as its bytes arrive.
private struct ResponseReader {
    private var raw = Data()

    mutating func feed(_ data: Data) { raw.append(data) }

    private var headEnd: Int? {
        raw.firstRange(of: Data("\r\n\r\n".utf8)).map(\.upperBound)
    }

    private func parseHead() throws -> (status: Int, headers: [(name: String, value: String)], bodyStart: Int) {
        guard let end = headEnd else { throw POSIXError(.EBADMSG) }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 ") else { throw POSIXError(.EBADMSG) }
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (status, headers, end)
    }

    /// The de-chunked body received so far, once the head is complete.
    func partialBody() -> Data? {
        guard let head = try? parseHead() else { return nil }
        return Self.body(Data(raw[head.bodyStart...]), headers: head.headers, allowIncomplete: true)
    }

    func response(allowIncomplete: Bool = false) throws -> RawResponse {
        let head = try parseHead()
        let body =
            Self.body(Data(raw[head.bodyStart...]), headers: head.headers, allowIncomplete: allowIncomplete) ?? Data()
        return RawResponse(status: head.status, headers: head.headers, body: body)
    }

    private static func body(_ data: Data, headers: [(name: String, value: String)], allowIncomplete: Bool) -> Data? {
        let chunked = headers.contains {
            $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked")
        }
        guard chunked else { return data }
        var out = Data()
        var index = data.startIndex
        while index < data.endIndex {
            guard let lineEnd = data[index...].firstRange(of: Data("\r\n".utf8)) else { break }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else { break }
            if size == 0 { break }
            let start = lineEnd.upperBound
            let end = min(data.endIndex, start + size)
            out.append(data[start..<end])
            if end < start + size { break }
            index = min(data.endIndex, end + 2)
        }
        return out
    }
}

/// `close(2)`, named apart from the `close()` method it is called from.
private func closeDescriptor(_ descriptor: Int32) {
    close(descriptor)
}
