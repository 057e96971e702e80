import ArgumentParser
import Commands
import Foundation
import Logging
import Transcripts

extension ChatShellCommand {
    /// `chatshell replay`: transcripts as regression tests (transcripts.md section 6).
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Replay .chat transcripts as regression tests, accept their new output, or record new ones.",
            discussion: """
                Exit codes: 0 all passed (drift allowed unless --strict), 1 a failure, 2 a usage or parse error or \
                a stale .actual, 3 infrastructure only (backend unreachable, account rejected).
                See docs/transcripts.md.
                """,
            subcommands: [Verify.self, Accept.self, Record.self],
            defaultSubcommand: Verify.self
        )
    }
}

/// Flags every replay mode takes.
struct ReplayCommonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Run against `chatshell serve` at this URL (else CHATSHELL_SERVER).", valueName: "url")
    )
    var server: String?

    @Flag(name: .long, help: "Fail on drift (changed answer text), not only on client output and checks.")
    var strict = false

    @Flag(name: .customLong("fail-fast"), help: "Stop at the first failing transcript.")
    var failFast = false

    @Flag(
        inversion: .prefixedNo,
        help: "CI mode: write nothing; a .actual next to a transcript fails it (default: CI is set)."
    )
    var ci: Bool?

    @Option(
        name: .long,
        help: ArgumentHelp("Write a chatshell-replay/1 JSON report here (- for stdout).", valueName: "path")
    )
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report here.", valueName: "path"))
    var junit: String?

    @Flag(name: .long, help: "Keep each transcript's temporary data directory.")
    var keep = false

    @Flag(name: .customLong("allow-admin"), help: "Run `@ user: admin` transcripts against a server.")
    var allowAdmin = false

    @Flag(name: .shortAndLong, help: "Diffs of drifted transcripts too, skip reasons, kept directories.")
    var verbose = false

    @Option(
        name: .long,
        help: ArgumentHelp("Transcripts replayed in parallel (default: CPU count; 1 with a server).", valueName: "n")
    )
    var jobs: Int?

    @Flag(name: .long, help: "Play cassettes instead of a backend (not available yet).")
    var offline = false

    @Option(name: .long, help: ArgumentHelp("A judge model for tier 2 checks (not available yet).", valueName: "url"))
    var judge: String?

    /// Usage mistakes, refused with exit 2 (ArgumentParser's own validation exits 64).
    func check() throws {
        if let jobs, jobs < 1 { throw ReplayExit.usage("--jobs must be at least 1.") }
        if offline { throw ReplayExit.usage("--offline needs cassettes, which this build does not record yet.") }
        if judge != nil {
            throw ReplayExit.usage("--judge is not available yet: tier 2 checks are reported as skipped.")
        }
    }

    /// The options of a run, from flags and the variables transcripts.md names.
    func replayOptions(mode: ReplayOptions.Mode, environment: [String: String]) throws -> ReplayOptions {
        let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // Outside a repository (a user's saved transcripts), each file's paths resolve from its own folder.
        let root = ReplayOptions.repositoryRoot(from: currentDirectory)
        let server = self.server ?? environment["CHATSHELL_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        return ReplayOptions(
            mode: mode,
            strict: strict,
            failFast: failFast,
            ci: ci ?? ReplayOptions.isCI(environment),
            verbose: verbose,
            keep: keep,
            jobs: jobs ?? (server == nil ? ProcessInfo.processInfo.activeProcessorCount : 1),
            repositoryRoot: root ?? currentDirectory,
            insideRepository: root != nil,
            currentDirectory: currentDirectory,
            corpusOverride: environment["CHATSHELL_CORPUS"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) },
            modelConfigured: !(environment["CHATSHELL_LLM_URL"] ?? "").isEmpty,
            modelSupported: false,
            backendLine: server.map { "# Replaying against \($0)" }
        )
    }

    /// The server to use, if any.
    func serverURL(environment: [String: String]) -> String? {
        server ?? environment["CHATSHELL_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Engine logs (accounts registered, documents indexed) would interleave with the report: warnings only.
    func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
    }

    /// Runs a mode and writes the reports; exits with the report's code.
    func execute(mode: ReplayOptions.Mode, paths: [String]) async throws {
        try check()
        bootstrapLogging()
        let environment = ProcessInfo.processInfo.environment
        let options = try replayOptions(mode: mode, environment: environment)
        let jsonToStdout = json == "-"
        let writer = TerminalWriter.standard
        let replayer = TranscriptReplayer(
            options: options,
            makeDriver: ReplayDrivers.factory(
                server: serverURL(environment: environment),
                allowAdmin: allowAdmin,
                environment: environment
            ),
            // The report quotes answers and client output: outside text, sanitised at this edge.
            output: { text in
                writer.write(OutputSanitizer.visible(text), to: jsonToStdout ? .standardError : .standardOutput)
            }
        )
        let report = await replayer.run(paths: paths)
        if let json {
            if jsonToStdout {
                writer.write(OutputSanitizer.escapingJSONControls(String(decoding: report.json(), as: UTF8.self)))
            } else {
                try write(report.json(), to: json)
            }
        }
        if let junit { try write(Data(report.junit().utf8), to: junit) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    private func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReplayExit.usage("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// A usage error of `replay`: `error: MESSAGE` on stderr, exit 2.
struct ReplayExit: Error, CustomStringConvertible {
    var message: String

    static func usage(_ message: String) -> ReplayExit { ReplayExit(message: message) }

    var description: String { message }

    /// Prints the message and exits 2.
    static func fail(_ message: String) -> ExitCode {
        TerminalWriter.standard.write("error: \(OutputSanitizer.visible(message))\n", to: .standardError)
        return ExitCode(2)
    }
}

extension ChatShellCommand.Replay {
    /// `chatshell replay [verify] [PATH...]`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run transcripts and compare (the default); differing runs leave NAME.chat.actual."
        )

        @OptionGroup var common: ReplayCommonOptions

        @Argument(
            help: ArgumentHelp(
                ".chat files or folders (searched recursively; default transcripts/).",
                valueName: "path"
            )
        )
        var paths: [String] = []

        func run() async throws {
            do {
                try await common.execute(mode: .verify, paths: paths)
            } catch let exit as ReplayExit {
                throw ReplayExit.fail(exit.message)
            }
        }
    }

    /// `chatshell replay accept [--from-actual] [PATH...]`.
    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify, then write each differing transcript from its run; checks are never rewritten."
        )

        @OptionGroup var common: ReplayCommonOptions

        @Flag(name: .customLong("from-actual"), help: "Promote existing .actual files without running.")
        var fromActual = false

        @Flag(name: .short, help: "Ask per turn (not available yet).")
        var i = false

        @Flag(name: .long, help: "Also write NAME.events.jsonl cassettes (not available yet).")
        var cassette = false

        @Argument(help: ArgumentHelp(".chat files or folders (default transcripts/).", valueName: "path"))
        var paths: [String] = []

        func run() async throws {
            do {
                if i { throw ReplayExit.usage("accept -i is not available yet; accept whole files instead.") }
                if cassette { throw ReplayExit.usage("--cassette is not available yet.") }
                try await common.execute(mode: fromActual ? .acceptFromActual : .accept, paths: paths)
            } catch let exit as ReplayExit {
                throw ReplayExit.fail(exit.message)
            }
        }
    }
}
