public import Engine
import Foundation
public import Logging

/// How `chatshell serve` runs: address, limits, rate limits and the accounts' secret (http-api.md section 10).
public struct ServerConfiguration: Sendable {
    /// Limits on requests per time window; 0 disables a limit.
    public struct RateLimits: Sendable, Equatable {
        /// Failed logins allowed per client address and username within `loginWindowSeconds`.
        public var failedLogins: Int
        /// The window of `failedLogins`, in seconds.
        public var loginWindowSeconds: Int
        /// Requests allowed per caller and minute.
        public var requestsPerMinute: Int
        /// Uploads anonymous callers may send per client address and hour (`--anonymous-upload-limit`).
        public var anonymousUploadsPerHour: Int

        /// Uploads an address's anonymous callers may send per hour by default.
        ///
        /// Anyone may open an anonymous session, and a new session escapes the per-caller limit, so the address
        /// is what bounds how much document processing strangers can start (issue 15: one anonymous caller's
        /// upload took the server down). Someone trying the service uploads a handful of files; accounts are not
        /// held to it.
        public static let defaultAnonymousUploadsPerHour = 30

        /// Creates rate limits; the defaults are the contract's.
        public init(
            failedLogins: Int = 10,
            loginWindowSeconds: Int = 300,
            requestsPerMinute: Int = 600,
            anonymousUploadsPerHour: Int = RateLimits.defaultAnonymousUploadsPerHour
        ) {
            self.failedLogins = max(0, failedLogins)
            self.loginWindowSeconds = max(1, loginWindowSeconds)
            self.requestsPerMinute = max(0, requestsPerMinute)
            self.anonymousUploadsPerHour = max(0, anonymousUploadsPerHour)
        }
    }

    /// The address to bind; `127.0.0.1` by default.
    public var host: String
    /// The port; 0 picks a free one (reported through `onListening`).
    public var port: Int
    /// Token secret, bcrypt cost and lifetimes.
    public var accounts: AccountsConfiguration
    /// Per-caller and login rate limits.
    public var rateLimits: RateLimits
    /// The largest JSON body, in bytes.
    public var maxJSONBodyBytes: Int
    /// The largest login form, in bytes.
    public var maxFormBodyBytes: Int
    /// Seconds without output after which a stream sends `: keep-alive`.
    public var heartbeatSeconds: Double
    /// Seconds a generation may take before the stream ends with `timeout` (or the JSON twin answers 504).
    public var generationTimeoutSeconds: Double
    /// Seconds a connection may stay idle (no request bytes, no response in progress) before it is closed; also
    /// the longest silence inside a request body.
    public var idleTimeoutSeconds: Int
    /// Seconds a connection has to deliver a complete request head, from its opening or from the end of the
    /// previous response; then it is closed (slow-header clients hold no connection for long).
    public var requestHeadTimeoutSeconds: Double
    /// Seconds a request body may take before `minimumBodyBytesPerSecond` applies.
    public var bodyGraceSeconds: Double
    /// The average rate a body must keep after `bodyGraceSeconds`: each byte buys `1 / rate` seconds more, so a
    /// body trickled a byte at a time ends with 408 `request_timeout` while slow but real uploads finish.
    public var minimumBodyBytesPerSecond: Int
    /// Answers (and comparisons) generated at once; 0 admits all at once, nil decides by the generator.
    ///
    /// Later questions wait their turn in arrival order (see `concurrentAnswers(generator:)`).
    public var maxConcurrentAnswers: Int?
    /// Connections the kernel queues before the server accepts them; bursts of clients need more than the usual 256.
    public var backlog: Int
    /// Ends open streams with `done` `cancelled` when triggered; `Serve` triggers it on SIGINT and SIGTERM.
    public var shutdown: ShutdownSignal
    /// Where request logs go (stderr when the process bootstraps swift-log that way).
    public var logger: Logger
    /// Told the bound port once the server listens.
    public var onListening: @Sendable (_ host: String, _ port: Int) -> Void

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - host: the bind address.
    ///   - port: the port, 0 for any free one.
    ///   - accounts: the accounts' secret and cost.
    ///   - rateLimits: the rate limits.
    ///   - maxJSONBodyBytes: 1 MiB by default.
    ///   - maxFormBodyBytes: 16 KiB by default.
    ///   - heartbeatSeconds: 15 by default.
    ///   - generationTimeoutSeconds: 120 by default.
    ///   - idleTimeoutSeconds: 60 by default.
    ///   - requestHeadTimeoutSeconds: 30 by default.
    ///   - bodyGraceSeconds: 60 by default.
    ///   - minimumBodyBytesPerSecond: 1,024 by default.
    ///   - maxConcurrentAnswers: nil to decide by the generator.
    ///   - backlog: 1,024 by default.
    ///   - shutdown: the signal that ends open streams.
    ///   - logger: the request logger.
    ///   - onListening: called with the bound address.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8000,
        accounts: AccountsConfiguration,
        rateLimits: RateLimits = RateLimits(),
        maxJSONBodyBytes: Int = 1_048_576,
        maxFormBodyBytes: Int = 16_384,
        heartbeatSeconds: Double = 15,
        generationTimeoutSeconds: Double = 120,
        idleTimeoutSeconds: Int = 60,
        requestHeadTimeoutSeconds: Double = 30,
        bodyGraceSeconds: Double = 60,
        minimumBodyBytesPerSecond: Int = 1024,
        maxConcurrentAnswers: Int? = nil,
        backlog: Int = 1024,
        shutdown: ShutdownSignal = ShutdownSignal(),
        logger: Logger = Logger(label: "chatshell.server"),
        onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }
    ) {
        self.host = host
        self.port = port
        self.accounts = accounts
        self.rateLimits = rateLimits
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxFormBodyBytes = maxFormBodyBytes
        self.heartbeatSeconds = heartbeatSeconds
        self.generationTimeoutSeconds = generationTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.requestHeadTimeoutSeconds = max(0.001, requestHeadTimeoutSeconds)
        self.bodyGraceSeconds = max(0, bodyGraceSeconds)
        self.minimumBodyBytesPerSecond = max(1, minimumBodyBytesPerSecond)
        self.maxConcurrentAnswers = maxConcurrentAnswers.map { max(0, $0) }
        self.backlog = max(1, backlog)
        self.shutdown = shutdown
        self.logger = logger
        self.onListening = onListening
    }

    /// The admission limit in force: the configured one, else twice the cores for the built-in extractive
    /// generator (CPU work: enough to keep the cores busy while one answer waits on the store) and none for a
    /// language model, whose answers mostly wait on the network and would leave queued clients without a byte
    /// for too long.
    public func concurrentAnswers(generator: String) -> Int {
        if let maxConcurrentAnswers { return maxConcurrentAnswers }
        return generator == "extractive" ? 2 * ProcessInfo.processInfo.activeProcessorCount : 0
    }

    /// Whether `host` is a loopback address; binding anything else deserves a warning (http-api.md section 10).
    public var isLoopback: Bool {
        Self.isLoopback(host)
    }

    /// Whether an address is loopback: `localhost`, `127.0.0.0/8` or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
