public import Foundation

/// How the remote backend reaches its server: TLS trust, timeouts and the environment proxies come from.
public struct TransportOptions: Sendable, Equatable {
    /// A PEM bundle of CA certificates to trust instead of the system's (`--ca-file`, `CHATSHELL_CA_FILE`).
    public var caFile: String?
    /// How long establishing a connection (TCP and TLS) may take.
    public var connectTimeout: Duration
    /// How long a response may send nothing before it is abandoned.
    ///
    /// Streams get no total timeout, only this, so it stays above the server's 15 s heartbeat with room to spare
    /// (http-api.md section 6 asks for 45 s or more).
    public var idleTimeout: Duration
    /// Where `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) are looked up.
    public var environment: [String: String]

    /// Creates transport options.
    ///
    /// - Parameters:
    ///   - caFile: A PEM CA bundle to trust, or `nil` for the system store.
    ///   - connectTimeout: The limit for connecting, 10 s by default.
    ///   - idleTimeout: The limit for a silent response, 60 s by default.
    ///   - environment: The proxy variables; the process environment by default.
    public init(
        caFile: String? = nil,
        connectTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.environment = environment
    }
}

extension Duration {
    /// Whole seconds, rounded up, at least 1: libcurl's timeouts take seconds and 0 would mean "none".
    var wholeSecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
