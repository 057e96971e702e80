import CCurl
import ChatAPI
import Foundation
import Synchronization

/// Reports upload progress: bytes sent so far and the body's total.
typealias UploadProgress = @Sendable (_ sent: Int64, _ total: Int64) -> Void

/// One HTTP exchange over libcurl, running on a thread of its own.
///
/// `start` returns once the response head has arrived; the body then follows chunk by chunk, as the server sends
/// it, in `body`. Cancelling the task awaiting `start`, cancelling or dropping the consumer of `body`, or calling
/// `cancel()` aborts the transfer within about a second even when the server sends nothing, and the server sees
/// the connection close.
///
/// ```swift
/// let transfer = try await CurlTransfer.start(request, options: options)
/// for try await chunk in transfer.body { parser.feed(chunk) }
/// ```
struct CurlTransfer: Sendable {
    /// The response's status line and headers.
    let head: HTTPResponseHead
    /// The response body in chunks as they arrive; ends when the server finishes, throws on transport failures.
    let body: AsyncThrowingStream<Data, any Error>
    private let context: TransferContext

    /// Aborts the transfer (idempotent); the body stream then ends with `CancellationError`.
    func cancel() {
        context.cancel()
    }

    /// Reads the rest of the body into memory.
    func collect() async throws -> Data {
        var data = Data()
        for try await chunk in body {
            data.append(chunk)
        }
        return data
    }

    /// Sends a request and waits for the response head.
    ///
    /// - Parameters:
    ///   - request: What to send.
    ///   - options: CA bundle, timeouts and the proxy environment.
    ///   - uploadProgress: Called on the transfer thread while a body is sent.
    /// - Returns: The transfer, its head received and its body streaming.
    /// - Throws: `BackendError.transport` naming the failing layer, or `CancellationError`.
    static func start(
        _ request: HTTPRequest,
        options: TransportOptions,
        uploadProgress: UploadProgress? = nil
    ) async throws -> CurlTransfer {
        guard CurlRuntime.initialized else {
            throw BackendError.transport("Cannot start HTTP transfers: libcurl failed to initialise.")
        }
        let (body, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let context = TransferContext(
            request: request,
            options: options,
            body: continuation,
            uploadProgress: uploadProgress
        )
        continuation.onTermination = { termination in
            // A finished stream needs nothing; a consumer that left (cancelled, or dropped the stream) must not
            // keep the connection open, or the server would go on generating an answer nobody reads.
            if case .cancelled = termination { context.cancel() }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (headContinuation: CheckedContinuation<HTTPResponseHead, any Error>) in
                context.setHeadContinuation(headContinuation)
                // curl_easy_perform blocks for the whole exchange: a dedicated thread keeps it off the cooperative
                // pool, which may have only two threads.
                let thread = Thread { context.run() }
                thread.name = "chatshell-curl"
                thread.start()
            }
        } onCancel: {
            context.cancel()
        }
        return CurlTransfer(head: head, body: body, context: context)
    }

    /// Sends a request and reads the whole response.
    static func perform(
        _ request: HTTPRequest,
        options: TransportOptions,
        uploadProgress: UploadProgress? = nil
    ) async throws -> HTTPResponse {
        let transfer = try await start(request, options: options, uploadProgress: uploadProgress)
        return HTTPResponse(head: transfer.head, body: try await transfer.collect())
    }
}

/// libcurl's process-wide setup.
enum CurlRuntime {
    /// `curl_global_init` must run once, before any other thread uses libcurl; a lazily initialised static runs
    /// exactly once and thread-safely.
    static let initialized: Bool = curl_global_init(cs_curl_global_all()) == CURLE_OK
}

// MARK: - The C side

/// State shared between the Swift side and libcurl's callbacks.
// @unchecked Sendable: this is C glue. The plain `var`s below are touched only on the transfer's own thread
// (inside curl callbacks, which run synchronously within curl_easy_perform, and after it returns). Everything
// other threads touch is an Atomic (`cancelled`), a Mutex (`headSlot`) or a Sendable continuation.
private final class TransferContext: @unchecked Sendable {
    let request: HTTPRequest
    let options: TransportOptions
    let proxy: ProxyRoute?
    let cancelled = Atomic<Bool>(false)
    private let bodyContinuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let headSlot = Mutex<CheckedContinuation<HTTPResponseHead, any Error>?>(nil)
    private let uploadProgress: UploadProgress?

    // Transfer thread only.
    private var status = 0
    private var reason = ""
    private var headers: [HTTPHeader] = []
    private var headDelivered = false
    private var reader: MultipartReader?
    private var lastReportedUpload: Int64 = -1

    init(
        request: HTTPRequest,
        options: TransportOptions,
        body: AsyncThrowingStream<Data, any Error>.Continuation,
        uploadProgress: UploadProgress?
    ) {
        self.request = request
        self.options = options
        self.bodyContinuation = body
        self.uploadProgress = uploadProgress
        self.proxy = URL(string: request.url).flatMap { ProxyRoute.resolve(for: $0, environment: options.environment) }
    }

    func setHeadContinuation(_ continuation: CheckedContinuation<HTTPResponseHead, any Error>) {
        headSlot.withLock { $0 = continuation }
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    private var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    // MARK: Running

    func run() {
        guard !isCancelled else { return fail(CancellationError()) }
        guard let handle = curl_easy_init() else {
            return fail(BackendError.transport("Cannot start an HTTP transfer: libcurl could not create a handle."))
        }
        defer { curl_easy_cleanup(handle) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        configure(handle, errorBuffer: errorBuffer, headerList: &headerList)
        let result = curl_easy_perform(handle)

        if result == CURLE_OK {
            if !headDelivered { deliverHead() }
            bodyContinuation.finish()
        } else if isCancelled {
            fail(CancellationError())
        } else {
            fail(diagnose(result, handle: handle, errorBuffer: errorBuffer).error)
        }
    }

    private func configure(
        _ handle: UnsafeMutableRawPointer,
        errorBuffer: UnsafeMutablePointer<CChar>,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        func set(_ option: CURLoption, _ value: Int) { _ = cs_curl_setopt_long(handle, option, value) }
        func set(_ option: CURLoption, _ value: String) { _ = cs_curl_setopt_string(handle, option, value) }

        set(CURLOPT_URL, request.url)
        // Required with threads: without it libcurl uses SIGALRM for DNS timeouts, which is not thread-safe.
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_USERAGENT, "chatshell/\(ChatShellVersion.current)")
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options.connectTimeout))
        // An idle limit instead of a total one: answers may stream for minutes, but never go silent for long,
        // because the server sends a heartbeat every 15 s.
        set(CURLOPT_LOW_SPEED_LIMIT, 1)
        set(CURLOPT_LOW_SPEED_TIME, options.idleTimeout.wholeSecondsRoundedUp)
        // The proxy is chosen by ProxyRoute from the same variables libcurl reads, so errors can name it; the
        // empty string stops libcurl from second-guessing that choice.
        set(CURLOPT_PROXY, proxy?.url ?? "")
        // Keeps a proxy's "200 Connection established" out of the response head.
        set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        if let caFile = options.caFile {
            set(CURLOPT_CAINFO, caFile)
            // An HTTPS proxy that inspects TLS is signed by the same organisation CA as the servers behind it.
            set(CURLOPT_PROXY_CAINFO, caFile)
        }
        _ = cs_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)

        configureMethodAndBody(handle, set: set, set: set)

        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name):" : "\($0.name): \($0.value)" }
        // "Expect: 100-continue" would stall every body over 1 MiB for a second on servers that ignore it.
        if request.body != .none && request.header("Expect") == nil { lines.append("Expect:") }
        for line in lines { headerList = curl_slist_append(headerList, line) }
        _ = cs_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        _ = cs_curl_setopt_data_function(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
                .receiveHeader(buffer, size * count)
        }
        _ = cs_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, me)
        _ = cs_curl_setopt_data_function(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
                .receiveBody(buffer, size * count)
        }
        _ = cs_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, me)
        // The progress callback runs about once a second even on a silent connection: that is what lets a
        // cancelled idle stream abort promptly.
        set(CURLOPT_NOPROGRESS, 0)
        _ = cs_curl_setopt_xferinfo_function(handle) { user, _, _, uploadTotal, uploaded in
            guard let user else { return 1 }
            return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
                .progress(uploaded: uploaded, total: uploadTotal)
        }
        _ = cs_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, me)
    }

    private func configureMethodAndBody(
        _ handle: UnsafeMutableRawPointer,
        set setLong: (CURLoption, Int) -> Void,
        set setString: (CURLoption, String) -> Void
    ) {
        let method = request.method.uppercased()
        switch request.body {
        case .none where method == "GET":
            setLong(CURLOPT_HTTPGET, 1)
        case .none where method == "POST":
            // An empty POST still sends Content-Length: 0, which servers expect.
            _ = cs_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            setString(CURLOPT_COPYPOSTFIELDS, "")
        case .none:
            setString(CURLOPT_CUSTOMREQUEST, method)
        case .bytes(let data):
            // The size goes first so COPYPOSTFIELDS copies exactly these bytes, NULs included.
            _ = cs_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(data.count))
            if data.isEmpty {
                setString(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                data.withUnsafeBytes { raw in
                    _ = cs_curl_setopt_pointer(
                        handle,
                        CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: raw.baseAddress)
                    )
                }
            }
            if method != "POST" { setString(CURLOPT_CUSTOMREQUEST, method) }
        case .multipart(let body):
            reader = MultipartReader(body)
            setLong(CURLOPT_POST, 1)
            _ = cs_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.length))
            _ = cs_curl_setopt_data_function(handle, CURLOPT_READFUNCTION) { buffer, size, count, user in
                guard let buffer, let user else { return cs_curl_readfunc_abort() }
                return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
                    .sendBody(buffer, size * count)
            }
            _ = cs_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque())
            if method != "POST" { setString(CURLOPT_CUSTOMREQUEST, method) }
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    // MARK: Callbacks (transfer thread)

    private func receiveHeader(_ buffer: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        if isCancelled { return 0 }
        // Trailers of a chunked body arrive here too; the head is already out.
        if headDelivered { return count }
        let raw = UnsafeRawBufferPointer(start: buffer, count: count)
        let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        if line.hasPrefix("HTTP/") {
            // Each status line starts a new head: 1xx interim answers come before the real one.
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            reason = parts.count > 2 ? String(parts[2]) : ""
            headers = []
        } else if line.isEmpty {
            if (100..<200).contains(status) { return count }
            deliverHead()
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(
                HTTPHeader(
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            )
        }
        return count
    }

    private func receiveBody(_ buffer: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        // Returning less than `count` makes libcurl abort with CURLE_WRITE_ERROR.
        if isCancelled { return 0 }
        if !headDelivered { deliverHead() }
        let chunk = Data(bytes: buffer, count: count)
        if case .terminated = bodyContinuation.yield(chunk) {
            cancel()
            return 0
        }
        return count
    }

    private func sendBody(_ buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int {
        if isCancelled { return cs_curl_readfunc_abort() }
        guard let reader, let count = reader.read(into: buffer, capacity: capacity) else {
            return cs_curl_readfunc_abort()
        }
        return count
    }

    private func progress(uploaded: curl_off_t, total: curl_off_t) -> Int32 {
        if isCancelled { return 1 }
        if let uploadProgress, total > 0, Int64(uploaded) != lastReportedUpload {
            lastReportedUpload = Int64(uploaded)
            uploadProgress(Int64(uploaded), Int64(total))
        }
        return 0
    }

    // MARK: Completion

    private func deliverHead() {
        headDelivered = true
        let head = HTTPResponseHead(status: status, reason: reason, headers: headers)
        headSlot.withLock { slot in
            slot?.resume(returning: head)
            slot = nil
        }
    }

    private func fail(_ error: any Error) {
        headSlot.withLock { slot in
            slot?.resume(throwing: error)
            slot = nil
        }
        bodyContinuation.finish(throwing: error)
    }

    private func diagnose(
        _ result: CURLcode,
        handle: UnsafeMutableRawPointer,
        errorBuffer: UnsafeMutablePointer<CChar>
    ) -> TransportFailure {
        func long(_ info: CURLINFO) -> Int {
            var value = 0
            _ = cs_curl_getinfo_long(handle, info, &value)
            return value
        }
        var connectTime = 0.0
        _ = cs_curl_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connectTime)
        return TransportFailure(
            code: result.rawValue,
            url: URL(string: request.url) ?? URL(fileURLWithPath: "/"),
            proxy: proxy,
            detail: String(cString: errorBuffer),
            osErrno: Int32(truncatingIfNeeded: long(CURLINFO_OS_ERRNO)),
            certificateVerifyResult: long(CURLINFO_SSL_VERIFYRESULT),
            proxyConnectStatus: long(CURLINFO_HTTP_CONNECTCODE),
            connected: connectTime > 0,
            responseStarted: headDelivered,
            caFile: options.caFile,
            connectTimeout: options.connectTimeout,
            idleTimeout: options.idleTimeout,
            uploadFailure: reader?.failure
        )
    }
}
