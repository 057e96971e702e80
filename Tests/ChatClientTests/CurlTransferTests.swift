import ChatAPI
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@testable import ChatClient

@Suite struct CurlTransferTests {
    /// No proxy variables, whatever the machine running the tests has set.
    static let options = TransportOptions(environment: [:])

    @Test func sendsMethodHeadersAndBody() async throws {
        let server = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.json(#"{"ok":true}"#))] }
        defer { server.stop() }
        let request = HTTPRequest(
            method: "PATCH",
            url: server.origin + "/api/v1/admin/users/usr_2",
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Test", "yes")],
            body: .bytes(Data(#"{"role":"admin"}"#.utf8))
        )

        let response = try await CurlTransfer.perform(request, options: Self.options)

        #expect(response.head.status == 200)
        #expect(response.head.reason == "OK")
        #expect(response.head.header("content-type") == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok":true}"#)
        let received = try #require(server.requests.first)
        #expect(received.method == "PATCH")
        #expect(received.target == "/api/v1/admin/users/usr_2")
        #expect(received.headers["content-type"] == "application/json")
        #expect(received.headers["x-test"] == "yes")
        #expect(received.headers["expect"] == nil)
        #expect(received.bodyText == #"{"role":"admin"}"#)
    }

    @Test func getAndDeleteSendNoBody() async throws {
        let server = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.json("{}"))] }
        defer { server.stop() }

        _ = try await CurlTransfer.perform(HTTPRequest(method: "GET", url: server.origin + "/a"), options: Self.options)
        _ = try await CurlTransfer.perform(
            HTTPRequest(method: "DELETE", url: server.origin + "/b"),
            options: Self.options
        )
        _ = try await CurlTransfer.perform(
            HTTPRequest(method: "POST", url: server.origin + "/c"),
            options: Self.options
        )

        let requests = server.requests
        #expect(requests.map(\.method) == ["GET", "DELETE", "POST"])
        #expect(requests.map(\.target) == ["/a", "/b", "/c"])
        #expect(requests[2].headers["content-length"] == "0")
        #expect(requests.allSatisfy { $0.body.isEmpty })
    }

    @Test func deliversEventsAsTheServerSendsThem() async throws {
        // Given a server that sends each event only once the client has parsed the previous one: a client that
        // buffered the body would leave the server waiting (counted in `waitTimeouts`)
        let received = Atomic<Int>(0)
        let server = try LoopbackHTTPServer { _ in
            [
                .send(LoopbackHTTPServer.eventStreamHead()),
                .send(LoopbackHTTPServer.event("token", #"{"type":"token","chunk":"a"}"#)),
                .waitUntil { received.load(ordering: .relaxed) >= 1 },
                .send(LoopbackHTTPServer.event("token", #"{"type":"token","chunk":"b"}"#)),
                .waitUntil { received.load(ordering: .relaxed) >= 2 },
                .send(LoopbackHTTPServer.event("token", #"{"type":"token","chunk":"c"}"#)),
            ]
        }
        defer { server.stop() }
        let request = HTTPRequest(method: "POST", url: server.origin + "/stream", body: .bytes(Data("{}".utf8)))

        // When the client reads the body
        let transfer = try await CurlTransfer.start(request, options: Self.options)
        var parser = SSEParser()
        var arrivals: [String] = []
        for try await chunk in transfer.body {
            for event in parser.feed(chunk) {
                arrivals.append(event.data)
                received.add(1, ordering: .relaxed)
            }
        }

        // Then each event arrived on its own, before the server sent the next
        #expect(transfer.head.header("Content-Type") == "text/event-stream; charset=utf-8")
        #expect(arrivals.count == 3)
        #expect(server.waitTimeouts == 0)
    }

    @Test func cancellingTheConsumerAbortsAnIdleStream() async throws {
        // Given a stream that sends its head and then nothing, and a consumer waiting for its body
        let server = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.eventStreamHead()), .hang] }
        defer { server.stop() }
        let transfer = try await CurlTransfer.start(
            HTTPRequest(method: "GET", url: server.origin + "/idle", streaming: true),
            options: Self.options
        )
        let consumer = Task {
            for try await _ in transfer.body {}
        }

        // When the consumer is cancelled
        consumer.cancel()
        _ = await consumer.result

        // Then the server sees the connection close (it would hang forever otherwise)
        #expect(await server.waitForDisconnect())
    }

    @Test func droppingTheBodyStreamAbortsTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.eventStreamHead()), .hang] }
        defer { server.stop() }
        do {
            let transfer = try await CurlTransfer.start(
                HTTPRequest(method: "GET", url: server.origin + "/idle", streaming: true),
                options: Self.options
            )
            #expect(transfer.head.status == 200)
        }
        #expect(await server.waitForDisconnect())
    }

    @Test func cancellingBeforeTheHeadArrivesThrowsCancellation() async throws {
        // Given a server that accepts the request and never answers
        let server = try LoopbackHTTPServer { _ in [.hang] }
        defer { server.stop() }
        let task = Task {
            try await CurlTransfer.start(
                HTTPRequest(method: "GET", url: server.origin + "/never"),
                options: Self.options
            )
        }
        #expect(await server.waitForRequests(1))

        // When the waiting task is cancelled
        task.cancel()

        // Then it ends with CancellationError, and the server sees the disconnect
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(await server.waitForDisconnect())
    }

    @Test func connectionRefusedNamesHostAndFix() async throws {
        let port = try LoopbackHTTPServer.closedPort()
        await #expect(
            throws: BackendError.transport(
                "Cannot connect to 127.0.0.1:\(port): connection refused. Is `chatshell serve` running?"
            )
        ) {
            _ = try await CurlTransfer.perform(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/api/v1/health"),
                options: Self.options
            )
        }
    }

    @Test func connectionClosedMidResponseIsATransportError() async throws {
        let server = try LoopbackHTTPServer { _ in
            [.send(Data("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".utf8))]
        }
        defer { server.stop() }
        let transfer = try await CurlTransfer.start(
            HTTPRequest(method: "GET", url: server.origin + "/short"),
            options: Self.options
        )
        do {
            _ = try await transfer.collect()
            Issue.record("a truncated body must fail")
        } catch let error as BackendError {
            let message = error.errorDescription ?? ""
            #expect(message.hasPrefix("The connection to 127.0.0.1:\(server.port) broke in the middle of the response"))
            #expect(message.hasSuffix("Try again."))
        }
    }

    @Test func idleResponseTimesOutWithAMessage() async throws {
        let server = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.eventStreamHead()), .hang] }
        defer { server.stop() }
        var options = Self.options
        options.idleTimeout = .seconds(1)
        let transfer = try await CurlTransfer.start(
            HTTPRequest(method: "GET", url: server.origin + "/idle", streaming: true),
            options: options
        )
        await #expect(
            throws: BackendError.transport(
                "127.0.0.1:\(server.port) sent nothing for 1 s, so the request was abandoned. "
                    + "The server may be overloaded; try again."
            )
        ) {
            _ = try await transfer.collect()
        }
    }

    @Test func httpsToAPlainServerSaysSo() async throws {
        // The server answers the TLS client hello with plain HTTP, as a plain server would after reading it.
        let server = try LoopbackHTTPServer(readsRequest: false) { _ in [.send(LoopbackHTTPServer.json("{}"))] }
        defer { server.stop() }
        do {
            _ = try await CurlTransfer.perform(
                HTTPRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/api/v1/health"),
                options: Self.options
            )
            Issue.record("TLS against a plain HTTP server must fail")
        } catch let error as BackendError {
            let message = error.errorDescription ?? ""
            #expect(message.hasPrefix("TLS: 127.0.0.1:\(server.port) does not speak HTTPS"))
            #expect(message.hasSuffix("If it is a plain HTTP server, use an http:// address."))
        }
    }

    @Test func multipartUploadStreamsTheFileAndReportsProgress() async throws {
        // Given a 300 KB file
        let directory = try RemoteScratchDirectory()
        let file = directory.url.appendingPathComponent("big notes.txt")
        let content = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 26 + 97) })
        try content.write(to: file)
        let body = MultipartBody.upload(file: file, fileSize: Int64(content.count), title: "Notes", boundary: "b0")
        let server = try LoopbackHTTPServer { _ in
            [.send(LoopbackHTTPServer.json(status: 202, reason: "Accepted", "{}"))]
        }
        defer { server.stop() }
        let progress = UploadProgressLog()

        // When it is uploaded
        let response = try await CurlTransfer.perform(
            HTTPRequest(
                method: "POST",
                url: server.origin + "/api/v1/documents/upload",
                headers: [HTTPHeader("Content-Type", body.contentType)],
                body: .multipart(body)
            ),
            options: Self.options,
            uploadProgress: { sent, total in progress.record(sent, total) }
        )

        // Then the server got exactly the body, with its length, and progress reached the total
        #expect(response.head.status == 202)
        let received = try #require(server.requests.first)
        #expect(received.body == (try body.materialized()))
        #expect(received.headers["content-length"] == String(body.length))
        #expect(received.headers["content-type"] == "multipart/form-data; boundary=b0")
        #expect(received.headers["expect"] == nil)
        #expect(progress.last?.sent == body.length)
        #expect(progress.last?.total == body.length)
    }

    @Test func unreadableUploadFailsWithTheFileName() async throws {
        let directory = try RemoteScratchDirectory()
        let file = directory.url.appendingPathComponent("gone.txt")
        try Data("x".utf8).write(to: file)
        let body = MultipartBody.upload(file: file, fileSize: 1, title: nil, boundary: "b0")
        try FileManager.default.removeItem(at: file)
        let server = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.json("{}"))] }
        defer { server.stop() }

        await #expect(throws: BackendError.transport("Cannot read '\(file.path)': No such file or directory.")) {
            _ = try await CurlTransfer.perform(
                HTTPRequest(method: "POST", url: server.origin + "/upload", body: .multipart(body)),
                options: Self.options
            )
        }
    }

    // MARK: - Proxies

    @Test func proxyFromTheEnvironmentIsUsed() async throws {
        // Given a "proxy" that answers plain HTTP requests itself
        let proxy = try LoopbackHTTPServer { _ in [.send(LoopbackHTTPServer.json(#"{"via":"proxy"}"#))] }
        defer { proxy.stop() }
        let options = TransportOptions(environment: ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"])

        // When a non-loopback host is requested
        let response = try await CurlTransfer.perform(
            HTTPRequest(method: "GET", url: "http://chatshell.invalid:8000/api/v1/health"),
            options: options
        )

        // Then the request went to the proxy in absolute form
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"via":"proxy"}"#)
        #expect(proxy.requests.first?.target == "http://chatshell.invalid:8000/api/v1/health")
    }

    @Test func refusingProxyIsNamedWithItsVariable() async throws {
        let port = try LoopbackHTTPServer.closedPort()
        let options = TransportOptions(environment: ["HTTPS_PROXY": "http://127.0.0.1:\(port)"])
        await #expect(
            throws: BackendError.transport(
                "Proxy 127.0.0.1:\(port) (from HTTPS_PROXY) refused the connection. "
                    + "Check HTTPS_PROXY or unset it, or add chatshell.invalid to NO_PROXY to bypass it."
            )
        ) {
            _ = try await CurlTransfer.perform(
                HTTPRequest(method: "GET", url: "https://chatshell.invalid/api/v1/health"),
                options: options
            )
        }
    }

    @Test func proxyRefusingTheTunnelIsNamed() async throws {
        let proxy = try LoopbackHTTPServer { _ in
            [.send(LoopbackHTTPServer.response(status: 403, reason: "Forbidden"))]
        }
        defer { proxy.stop() }
        let options = TransportOptions(environment: ["https_proxy": "127.0.0.1:\(proxy.port)"])
        await #expect(
            throws: BackendError.transport(
                "Proxy 127.0.0.1:\(proxy.port) (from https_proxy) refused the tunnel to chatshell.invalid:443 "
                    + "(HTTP 403). Check that the proxy allows this host, or add chatshell.invalid to NO_PROXY to "
                    + "bypass it."
            )
        ) {
            _ = try await CurlTransfer.perform(
                HTTPRequest(method: "GET", url: "https://chatshell.invalid/api/v1/health"),
                options: options
            )
        }
        #expect(proxy.requests.first?.method == "CONNECT")
        #expect(proxy.requests.first?.target == "chatshell.invalid:443")
    }
}
