import ArgumentParser
import ChatAPI
import Engine
import Foundation
import Hummingbird
import Logging
import Server

extension ChatShellCommand {
    /// `chatshell serve`: the HTTP API (http-api.md) over the local store, for remote clients.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the HTTP API on this machine's store.",
            discussion: """
                Listens on 127.0.0.1:8000 unless told otherwise; another address is logged as a warning, because
                the server speaks plain HTTP and wider exposure belongs behind a TLS proxy.
                The token secret comes from CHATSHELL_JWT_SECRET (at least 32 bytes) or is generated once and kept
                in the data directory, readable by its owner only.
                SIGINT or SIGTERM stops the server: open answers end as cancelled, connections drain.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
        var host = "127.0.0.1"

        @Option(help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "port"))
        var port = 8000

        @Option(
            name: .customLong("max-upload-bytes"),
            help: ArgumentHelp("The largest upload accepted.", valueName: "bytes")
        )
        var maxUploadBytes = 52_428_800

        @Option(
            name: .customLong("rate-limit"),
            help: ArgumentHelp("Requests per minute and caller (0 disables).", valueName: "count")
        )
        var requestsPerMinute = 600

        @Option(
            name: .customLong("login-rate-limit"),
            help: ArgumentHelp("Failed logins per address and username in the window (0 disables).", valueName: "count")
        )
        var failedLogins = 10

        @Option(
            name: .customLong("login-rate-window"),
            help: ArgumentHelp("The window of --login-rate-limit.", valueName: "seconds")
        )
        var loginWindow = 300

        @Option(
            name: .customLong("anonymous-upload-limit"),
            help: ArgumentHelp(
                "Uploads per hour from one address's anonymous callers (0 disables).",
                valueName: "count"
            )
        )
        var anonymousUploads = ServerConfiguration.RateLimits.defaultAnonymousUploadsPerHour

        @Option(
            name: .customLong("max-concurrent-answers"),
            help: ArgumentHelp(
                "Answers generated at once; later questions wait their turn "
                    + "(0: no limit; default: twice the cores, no limit with --llm).",
                valueName: "count"
            )
        )
        var maxConcurrentAnswers: Int?

        @Option(
            name: .customLong("bcrypt-cost"),
            help: ArgumentHelp("bcrypt's cost for new passwords (10 to 31).", valueName: "cost")
        )
        var bcryptCost = 12

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
            guard maxUploadBytes > 0 else { throw ValidationError("--max-upload-bytes must be positive.") }
            guard (AccountsConfiguration.minimumBcryptCost...31).contains(bcryptCost) else {
                throw ValidationError("--bcrypt-cost must be between 10 and 31.")
            }
            guard (maxConcurrentAnswers ?? 0) >= 0 else {
                throw ValidationError("--max-concurrent-answers must not be negative.")
            }
            guard requestsPerMinute >= 0, failedLogins >= 0, loginWindow > 0, anonymousUploads >= 0 else {
                throw ValidationError("Rate limits must not be negative, and the login window must be positive.")
            }
        }

        func run() async throws {
            let settings = Settings()
            let verbose = global.verbose
            // Server logs go to stderr; stdout stays free for whatever runs the server.
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = verbose ? .debug : .info
                return handler
            }
            let logger = Logger(label: "chatshell.server")
            let secret: SigningSecret
            let knowledgeBase: KnowledgeBase
            do {
                // The same engine as the local REPL (data directory, --llm), with the server's upload limit.
                knowledgeBase = try BackendFactory.makeKnowledgeBase(global, settings: settings) { configuration in
                    configuration.maxUploadBytes = maxUploadBytes
                }
                secret = try SigningSecret.resolve(
                    environment: settings.environment,
                    dataDirectory: knowledgeBase.configuration.dataDirectory
                )
            } catch {
                FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
                throw ExitCode(1)
            }
            if !ServerConfiguration.isLoopback(host) {
                logger.warning(
                    """
                    Listening on \(host), which is not a loopback address: the API is reachable from other machines \
                    over plain HTTP. Put a TLS proxy in front of it.
                    """
                )
            }
            let shutdown = ShutdownSignal()
            await shutdown.installSignalHandlers()
            var configuration = ServerConfiguration(
                host: host,
                port: port,
                accounts: AccountsConfiguration(secret: secret, bcryptCost: bcryptCost),
                rateLimits: .init(
                    failedLogins: failedLogins,
                    loginWindowSeconds: loginWindow,
                    requestsPerMinute: requestsPerMinute,
                    anonymousUploadsPerHour: anonymousUploads
                ),
                shutdown: shutdown,
                logger: logger,
                onListening: { host, port in
                    logger.info("chatshell \(ChatShellVersion.current) serving http://\(host):\(port)/api/v1")
                }
            )
            configuration.maxConcurrentAnswers = maxConcurrentAnswers
            let app = buildApplication(configuration: configuration, knowledgeBase: knowledgeBase)
            do {
                try await app.runService()
            } catch  where Self.isAddressInUse(error) {
                FileHandle.standardError.write(
                    Data("error: \(Self.addressInUseMessage(host: host, port: port))\n".utf8)
                )
                throw ExitCode(1)
            }
            logger.info("server stopped")
        }

        /// Whether the listener could not bind because the port is taken (EADDRINUSE, errno 98 on Linux); NIO only
        /// reports it in the error's text.
        static func isAddressInUse(_ error: any Error) -> Bool {
            let text = String(describing: error)
            return text.contains("Address already in use") || text.contains("errno: \(EADDRINUSE)")
        }

        /// Names the port and the ways out.
        static func addressInUseMessage(host: String, port: Int) -> String {
            "Port \(port) on \(host) is already in use (another chatshell serve, or another server). Stop that "
                + "process, or choose another port: chatshell serve --port \(port == 65_535 ? 8001 : port + 1) "
                + "(--port 0 picks a free one)."
        }
    }
}
