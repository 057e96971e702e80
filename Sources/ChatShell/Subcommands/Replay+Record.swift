import ArgumentParser
import Commands
import Foundation
import Glibc
import Transcripts

extension ChatShellCommand.Replay {
    /// `chatshell replay record FILE.chat`: a conversation on the isolated backend, written as a transcript with
    /// suggested checks.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a new transcript: type (or --from) messages; /save or end of input writes FILE.chat.",
            discussion: """
                Runs on the isolated backend replay uses (a fresh temporary store, stepping clock, sequential ids), \
                so what you see is what replay will compare. Paths of --corpus are written as @ corpus directives: \
                give them relative to the repository root, or ./ and ../ relative to FILE.
                """
        )

        @Argument(help: ArgumentHelp("The transcript to write.", valueName: "file.chat"))
        var file: String

        @Option(
            name: .long,
            parsing: .singleValue,
            help: ArgumentHelp("Index this file, folder or pattern first (repeatable).", valueName: "path")
        )
        var corpus: [String] = []

        @Option(
            name: .customLong("option"),
            parsing: .singleValue,
            help: ArgumentHelp(
                "An @ options pair: top_k=N, retrieval=lexical, answerer=..., memory=on|off.",
                valueName: "k=v"
            )
        )
        var options: [String] = []

        @Option(name: .long, help: ArgumentHelp("anonymous, user (default) or admin.", valueName: "role"))
        var user = "user"

        @Option(name: .long, help: ArgumentHelp("Send each line of this file as one message.", valueName: "file"))
        var from: String?

        @Flag(name: .long, help: "Overwrite an existing transcript.")
        var force = false

        @Flag(name: .long, help: "Also write a NAME.events.jsonl cassette (not available yet).")
        var cassette = false

        @OptionGroup var common: ReplayCommonOptions

        func run() async throws {
            do {
                try await record()
            } catch let exit as ReplayExit {
                throw ReplayExit.fail(exit.message)
            }
        }

        private func record() async throws {
            try common.check()
            if cassette { throw ReplayExit.usage("--cassette is not available yet.") }
            common.bootstrapLogging()
            let environment = ProcessInfo.processInfo.environment
            let replayOptions = try common.replayOptions(mode: .verify, environment: environment)
            if replayOptions.ci { throw ReplayExit.usage("record writes a transcript, which CI mode never does.") }
            guard file.hasSuffix(".chat") else { throw ReplayExit.usage("'\(file)' must end in .chat.") }
            let url = replayOptions.currentDirectory.appendingPathComponent(file).standardizedFileURL
            if file.hasPrefix("/") { throw ReplayExit.usage("give FILE relative to the current folder.") }
            if !force, FileManager.default.fileExists(atPath: url.path) {
                throw ReplayExit.usage("\(file) exists. Use --force to overwrite it.")
            }
            guard let role = TranscriptRole(rawValue: user) else {
                throw ReplayExit.usage("--user must be anonymous, user or admin, not '\(user)'.")
            }
            var transcriptOptions = TranscriptOptions()
            for pair in options {
                guard let equals = pair.firstIndex(of: "=") else {
                    throw ReplayExit.usage("--option takes k=v, not '\(pair)'.")
                }
                do {
                    try transcriptOptions.set(String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
                } catch let error {
                    throw ReplayExit.usage(error.message)
                }
            }
            if let absolute = corpus.first(where: { $0.hasPrefix("/") }) {
                throw ReplayExit.usage("--corpus '\(absolute)' is absolute; give it relative to the repository root.")
            }
            let files: [URL]
            do {
                files = try replayOptions.corpusFiles(corpus, transcript: url)
            } catch let error {
                throw ReplayExit.usage(error.message)
            }
            let messages = try from.map(Self.messages(inFile:))

            let console = Console(useColor: false)
            let setup = TranscriptSetup(
                path: file,
                url: url,
                role: role,
                options: transcriptOptions,
                repositoryRoot: replayOptions.repositoryRoot,
                keep: common.keep
            )
            let factory = ReplayDrivers.factory(
                server: common.serverURL(environment: environment),
                allowAdmin: common.allowAdmin,
                environment: environment
            )
            let driver: any TranscriptDriver
            do {
                driver = try await factory(setup)
            } catch let skip as TranscriptSkip {
                throw ReplayExit.usage(skip.reason)
            } catch {
                console.error("\(error)")
                throw ExitCode(3)
            }
            for file in files {
                if let failure = try await driver.index(file) {
                    console.error("\(file.lastPathComponent) was not indexed: \(failure)")
                    _ = await driver.finish()
                    throw ExitCode(1)
                }
            }
            if !files.isEmpty {
                console.notice("Indexed \(files.count) corpus file\(files.count == 1 ? "" : "s").")
            }

            var turns: [RecordedTurn] = []
            let input = MessageSource(messages: messages)
            while let message = await input.next() {
                let command = message.split(separator: " ").first.map(String.init) ?? ""
                if ["/save", "/quit", "/exit", "/q"].contains(command) { break }
                let output = try await driver.run(message, options: transcriptOptions)
                for line in output.lines {
                    if case .client(let text) = line, text.hasPrefix("error: ") {
                        TerminalWriter.standard.write(OutputSanitizer.visible(text) + "\n", to: .standardError)
                    } else {
                        TerminalWriter.standard.write(OutputSanitizer.visible(line.text) + "\n")
                    }
                }
                turns.append(RecordedTurn(input: message, output: output))
            }
            let note = await driver.finish()
            if let note, common.verbose { console.notice(note) }
            let writer = TranscriptWriter(corpus: corpus, options: transcriptOptions, role: role)
            do {
                try writer.write(turns, to: url, force: force)
            } catch let error {
                throw ReplayExit.usage(error.errorDescription ?? "\(error)")
            }
            console.notice("Wrote \(file) (\(turns.count) turn\(turns.count == 1 ? "" : "s")). Review its checks.")
        }

        /// Each non-empty line of a file as one message.
        static func messages(inFile path: String) throws -> [String] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ReplayExit.usage("cannot read \(path).")
            }
            return text.split(separator: "\n", omittingEmptySubsequences: true)
                .map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
    }
}

/// Messages for `record`: the lines of `--from`, or stdin with the REPL's `"""` blocks.
private actor MessageSource {
    private var messages: [String]?
    private let reader: PlainLineReader?
    private let interactive: Bool

    init(messages: [String]?) {
        self.messages = messages
        reader = messages == nil ? PlainLineReader() : nil
        interactive = messages == nil && isatty(STDIN_FILENO) == 1
    }

    func next() async -> String? {
        if messages != nil {
            guard let first = messages?.first else { return nil }
            messages?.removeFirst()
            return first
        }
        guard let reader else { return nil }
        while true {
            if interactive { TerminalWriter.standard.write("> ") }
            guard case .line(let line) = await reader.readLine(prompt: "") else { return nil }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("\"\"\"") else { return line }
            let opening = trimmed.dropFirst(3)
            if opening.hasSuffix("\"\"\""), !opening.isEmpty { return String(opening.dropLast(3)) }
            var lines: [String] = opening.isEmpty ? [] : [String(opening)]
            while true {
                if interactive { TerminalWriter.standard.write("... ") }
                guard case .line(let next) = await reader.readLine(prompt: "") else { return nil }
                if next.hasSuffix("\"\"\"") {
                    let last = String(next.dropLast(3))
                    if !last.isEmpty { lines.append(last) }
                    return lines.joined(separator: "\n")
                }
                lines.append(next)
            }
        }
    }
}
