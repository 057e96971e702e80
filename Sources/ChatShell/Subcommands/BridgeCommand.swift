import ArgumentParser
import Bridge
import ChatAPI
import ChatClient
import Dispatch
import Foundation
import Glibc
import Logging
import Synchronization
import UnixSignals

extension ChatShellCommand {
    /// `chatshell bridge`: the `chatshell-bridge/1` line protocol on stdin and stdout, for bots, pipelines and
    /// supervisors (bridge.md).
    struct BridgeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bridge",
            abstract: "Answer questions over stdin/stdout for programs: plain lines or --jsonl events.",
            discussion: """
                Plain mode: one question per line; each reply ends with a line holding a single '.', or with \
                '.error CODE MESSAGE'. JSONL mode (--jsonl): typed requests in, typed events out.
                stdout carries the protocol only; logs go to stderr. See docs/bridge.md.
                Exit codes: 0 end of input, /quit or stdout closed; 1 bridge fault; 64 invalid flags; \
                69 backend unavailable; 77 credentials rejected; 130/143 SIGINT/SIGTERM.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Speak JSONL: one JSON request per line in, one JSON event per line out.")
        var jsonl = false

        @Option(
            name: .customLong("on-eof"),
            help: ArgumentHelp("At end of input: drain (finish accepted requests) or cancel them.", valueName: "mode")
        )
        var onEOF: EndOfInputOption = .drain

        @Option(
            help: ArgumentHelp("Seconds a request may run after leaving the queue; 0 for no limit.", valueName: "s")
        )
        var timeout: Double = 120

        @Option(help: ArgumentHelp("Repeat a request's current status after this many silent seconds.", valueName: "s"))
        var heartbeat: Double?

        @Option(
            name: .customLong("max-queue"),
            help: ArgumentHelp("Requests waiting to start (plain: lines read ahead).", valueName: "n")
        )
        var maxQueue = 64

        @Flag(help: "Plain: answer each question in a fresh conversation.")
        var stateless = false

        @Flag(help: "Plain: write a .source line per cited source.")
        var sources = false

        @Option(
            name: .customLong("max-lines"),
            help: ArgumentHelp("Plain: cut replies to this many lines and add .truncated.", valueName: "n")
        )
        var maxLines: Int?

        @Flag(name: .customLong("no-commands"), help: "Plain: every line is a question, verbatim.")
        var noCommands = false

        @Option(
            name: .customLong("max-inflight"),
            help: ArgumentHelp("JSONL: requests running at once (default 4).", valueName: "n")
        )
        var maxInflight: Int?

        @Option(
            name: .customLong("coalesce-ms"),
            help: ArgumentHelp("JSONL: merge a request's tokens within this many milliseconds.", valueName: "n")
        )
        var coalesceMs: Int?

        @Option(
            name: .customLong("max-buffer"),
            help: ArgumentHelp("JSONL: cap on unwritten output in bytes (default 8 MiB).", valueName: "bytes")
        )
        var maxBuffer: Int?

        @Option(
            name: .customLong("upload-root"),
            help: ArgumentHelp("JSONL: enable /upload for files inside this folder.", valueName: "dir")
        )
        var uploadRoot: String?

        @Flag(name: .customLong("allow-admin"), help: "JSONL: enable /admin.")
        var allowAdmin = false

        @OptionGroup var logging: LogLevelOption

        func validate() throws {
            if jsonl {
                let plainOnly = [
                    ("--stateless", stateless), ("--sources", sources), ("--max-lines", maxLines != nil),
                    ("--no-commands", noCommands),
                ]
                if let flag = plainOnly.first(where: \.1)?.0 {
                    throw ValidationError("\(flag) applies to plain mode only.")
                }
            } else {
                let jsonlOnly = [
                    ("--max-inflight", maxInflight != nil), ("--coalesce-ms", coalesceMs != nil),
                    ("--max-buffer", maxBuffer != nil), ("--upload-root", uploadRoot != nil),
                    ("--allow-admin", allowAdmin),
                ]
                if let flag = jsonlOnly.first(where: \.1)?.0 { throw ValidationError("\(flag) needs --jsonl.") }
            }
            guard timeout >= 0, timeout.isFinite else { throw ValidationError("--timeout must be 0 or more seconds.") }
            if let heartbeat, !(heartbeat > 0 && heartbeat.isFinite) {
                throw ValidationError("--heartbeat must be more than 0 seconds.")
            }
            guard maxQueue >= 0 else { throw ValidationError("--max-queue must be 0 or more.") }
            if let maxLines, maxLines < 1 { throw ValidationError("--max-lines must be 1 or more.") }
            if let maxInflight, maxInflight < 1 { throw ValidationError("--max-inflight must be 1 or more.") }
            if let coalesceMs, coalesceMs < 0 { throw ValidationError("--coalesce-ms must be 0 or more.") }
            if let maxBuffer, maxBuffer < 1_024 { throw ValidationError("--max-buffer must be at least 1024 bytes.") }
            if let uploadRoot { try StdioFrontEnd.requireFolder(uploadRoot, flag: "--upload-root") }
        }

        func run() async throws {
            let (protocolFD, logger, backend) = try StdioFrontEnd.start(
                name: "bridge",
                logLevel: logging.logLevel,
                global: global,
                settings: Settings()
            )
            try await Self.checkReachable(backend, logger: logger)

            let session = BridgeSession(
                configuration: configuration(),
                backend: backend,
                input: FileDescriptorByteSource(fd: STDIN_FILENO),
                output: FileDescriptorSink(fd: protocolFD),
                logger: logger
            )
            let signals = await Self.watchSignals(session)
            FileDescriptorSink(fd: protocolFD).watchForReaderGone {
                Task { await session.outputClosed() }
            }
            let code = await session.run()
            signals.cancel()
            if logger.logLevel <= .info {
                Self.logFigures(await session.currentStatistics(), logger: logger)
            }
            throw ExitCode(code)
        }

        /// The engine's configuration from the flags.
        func configuration() -> BridgeConfiguration {
            var configuration = BridgeConfiguration(mode: jsonl ? .jsonl : .plain)
            configuration.onEOF = onEOF == .cancel ? .cancel : .drain
            configuration.timeout = timeout > 0 ? .milliseconds(Int64((timeout * 1_000).rounded())) : nil
            configuration.heartbeat = heartbeat.map { .milliseconds(Int64(($0 * 1_000).rounded())) }
            configuration.maxQueue = maxQueue
            configuration.stateless = stateless
            configuration.sources = sources
            configuration.maxLines = maxLines
            configuration.noCommands = noCommands
            configuration.maxInflight = maxInflight ?? 4
            configuration.coalesce = (coalesceMs ?? 0) > 0 ? .milliseconds(coalesceMs ?? 0) : nil
            configuration.maxBuffer = maxBuffer ?? 8 * 1_048_576
            configuration.uploadRoot = uploadRoot.map { URL(fileURLWithPath: $0).standardizedFileURL }
            configuration.allowAdmin = allowAdmin
            return configuration
        }

        /// Exit codes 69 and 77 (bridge.md section 5): a remote backend must answer and accept the credentials
        /// before `hello`; nothing is written to stdout otherwise.
        static func checkReachable(_ backend: any Backend, logger: Logger) async throws {
            guard case .remote(let server) = backend.kind else { return }
            do {
                // One authenticated call answers both questions: is the server there, and does it take us?
                _ = try await backend.whoAmI()
            } catch let error as BackendError {
                let rejected: Set<ErrorCode> = [
                    .authRequired, .invalidCredentials, .invalidToken, .tokenExpired, .refreshTokenInvalid,
                    .refreshTokenReused, .forbidden,
                ]
                if case .api(let detail) = error, rejected.contains(detail.code) {
                    logger.critical("\(server) rejected the credentials: \(detail.message)")
                    throw ExitCode(77)
                }
                logger.critical("backend unavailable: \(error.localizedDescription)")
                throw ExitCode(69)
            } catch {
                logger.critical("backend unavailable: \(error.localizedDescription)")
                throw ExitCode(69)
            }
        }

        /// SIGINT and SIGTERM: the first ends the session in order, a second exits at once (2.8).
        static func watchSignals(_ session: BridgeSession) async -> Task<Void, Never> {
            // The default action would kill the process before the bridge can write `interrupted` and `bye`.
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            // Awaited here, so a signal that arrives once the session runs is never missed.
            let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
            return Task {
                var received = 0
                for await signal in signals {
                    let kind: BridgeSession.Signal = signal == .sigint ? .interrupt : .terminate
                    received += 1
                    if received == 1 {
                        Task { await session.interrupt(kind) }
                    } else {
                        Glibc.exit(kind.exitCode)
                    }
                }
            }
        }

        /// With `--log-level info` or lower, the run's figures go to stderr (scripts/bench-bridge.sh reads them).
        static func logFigures(_ statistics: BridgeStatistics, logger: Logger) {
            func micros(_ percentile: Double) -> String {
                statistics.latencyMicroseconds(percentile: percentile).map { String(format: "%.0f", $0) } ?? "-"
            }
            logger.info(
                """
                bridge figures: accepted=\(statistics.accepted) records=\(statistics.records) \
                bytes=\(statistics.bytes) merged_tokens=\(statistics.mergedTokens) \
                peak_unfinished=\(statistics.peakUnfinished) peak_running=\(statistics.peakRunning) \
                peak_backlog_bytes=\(statistics.peakBacklogBytes) events=\(statistics.eventLatencies.count) \
                latency_us_p50=\(micros(50)) latency_us_p90=\(micros(90)) latency_us_p99=\(micros(99)) \
                latency_us_max=\(micros(100))
                """
            )
        }
    }
}

/// `--on-eof`: what end of input does to unfinished requests.
enum EndOfInputOption: String, ExpressibleByArgument, CaseIterable {
    case drain
    case cancel
}
