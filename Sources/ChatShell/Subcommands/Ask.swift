import ArgumentParser
import ChatAPI
import ChatClient
import Commands
import Foundation
import Session

extension ChatShellCommand {
    /// `chatshell ask LINE`: runs one REPL line and exits.
    struct Ask: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask one question (or run one command) and exit.",
            discussion: """
                Exit codes: 0 ok (an abstention included), 1 the request failed or the answer was cut off, 2 usage.
                With --json a question prints the body of POST /api/v1/query; a command prints its result.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(
            help: """
                A question, or a slash-command such as /docs (several words are joined). \
                Without words, the question is read from piped standard input.
                """
        )
        var words: [String] = []

        /// Set by `chatshell "QUESTION"`: piped stdin joins the question as context, like `cat f | llm "q"`.
        @Flag(name: .customLong("stdin-context"), help: .hidden)
        var stdinContext = false

        /// The line to run: the words, and for a one-shot question the piped text after a blank line.
        ///
        /// - Returns: the line, and whether piped text joined it.
        func line() throws -> (text: String, piped: Bool) {
            let typed = words.joined(separator: " ")
            if Self.isBlank(words) {
                // `echo "question" | chatshell ask`, as `llm` and `ollama run` read a piped prompt.
                let question = Self.readStandardInput()
                guard !question.isEmpty else {
                    throw ValidationError(
                        "Nothing to ask: standard input was empty. Pipe a question, or give it as words: "
                            + "chatshell ask \"What is ...?\""
                    )
                }
                return (try Self.checkedLength(question, what: "The piped question"), false)
            }
            guard stdinContext, isatty(STDIN_FILENO) == 0, !typed.hasPrefix("/") else { return (typed, false) }
            let piped = Self.readStandardInput()
            guard !piped.isEmpty else { return (typed, false) }
            return (try Self.checkedLength(typed + "\n\n" + piped, what: "The question with its piped text"), true)
        }

        private static func isBlank(_ words: [String]) -> Bool {
            words.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        }

        private static func readStandardInput() -> String {
            String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The line, or a usage error when it is longer than a question may be (the server's limit, kept locally).
        private static func checkedLength(_ line: String, what: String) throws -> String {
            let limit = Capabilities(version: "", generator: "", maxUploadBytes: 0).limits.maxQueryChars
            guard line.unicodeScalars.count <= limit else {
                throw ValidationError(
                    "\(what) is \(line.unicodeScalars.count) characters; the limit is \(limit). "
                        + "Pipe a shorter excerpt, or /upload the file and ask about it."
                )
            }
            return line
        }

        func validate() throws {
            // Piped standard input may carry the question; a terminal may not.
            if Self.isBlank(words), isatty(STDIN_FILENO) != 0 {
                throw ValidationError("Nothing to ask: give a question or a command, such as chatshell ask /docs.")
            }
        }

        @Option(help: ArgumentHelp("Continue this backend conversation.", valueName: "id"))
        var conversation: String?

        @Flag(help: "Print JSON instead of text.")
        var json = false

        /// `ask` allows what a bridge JSONL `command` allows, with `/upload` and `/admin` always on.
        static let allowed: Set<String> = [
            "help", "docs", "compare", "remember", "memories", "forget", "upload", "admin",
        ]

        func run() async throws {
            let settings = Settings()
            let colorMode =
                TerminalCapabilities.ColorMode(rawValue: settings.value("color", flag: global.color) ?? "auto") ?? .auto
            let terminal = TerminalCapabilities.detect(colorMode: colorMode, environment: settings.environment)
            // `--color always` styles even into a pipe; JSON is never styled.
            let console = Console(terminal: terminal, useColor: terminal.useColor && !json, wrapOutput: !json)
            let backend: any Backend
            do {
                backend = try BackendFactory.make(global, settings: settings)
            } catch {
                try fail(error, console: console, exitCode: 1)
            }
            let saved = conversation.map {
                SavedSession(name: "ask", createdAt: Date(), updatedAt: Date(), backendConversationId: $0, turns: [])
            }
            let interpreter = Interpreter(
                backend: backend,
                session: ActiveSession(saved: saved),
                sessions: InMemorySessionStore(),
                policy: .init(allowed: Self.allowed) { name in
                    "/\(name) is not available in chatshell ask; use the REPL."
                }
            )
            let (line, piped) = try self.line()
            switch await interpreter.handle(line) {
            case .answer(let stream, let input):
                let collected = await AnswerCollector().collect(stream, input: input)
                if json {
                    if let response = collected.response {
                        printJSON(response)
                    } else if let code = collected.turn.errorCode {
                        printJSON(
                            ErrorBody(
                                .init(code: code, message: collected.turn.errorMessage ?? "", status: code.httpStatus)
                            )
                        )
                        throw ExitCode(1)
                    }
                } else {
                    console.write(collected.pieces.filter { if case .error = $0 { false } else { true } })
                    if let message = collected.turn.errorMessage { console.error(message) }
                }
                if collected.turn.errorCode != nil { throw ExitCode(1) }
                if !json, let hint = await EmptyStoreHint.text(after: collected.turn, backend: backend) {
                    console.notice(hint)
                } else if !json, piped, collected.turn.finishReason == .noContext,
                    (try? await backend.capabilities().generator) == "extractive"
                {
                    // `cat notes.txt | chatshell "summarise"` needs a model to read the notes; without one the
                    // abstention alone would say the text was not found, which is not what happened.
                    console.notice(
                        "(The piped text went with the question, but without a language model chatshell only quotes "
                            + "your documents: add --llm URL to have a model read it, or /upload the file and ask.)"
                    )
                }
                if collected.turn.interrupted {
                    if !json { console.error("The answer was cut off before it finished; ask again.") }
                    throw ExitCode(1)
                }
            case .output(let text, let result):
                if json { printJSON(result ?? .null) } else { console.output(text) }
            case .upload(let plan):
                try await upload(plan, backend: backend, console: console)
            case .failure(let code, let message):
                let usage = [ErrorCode.unknownCommand, .badRequest, .forbiddenCommand].contains(code)
                if json {
                    printJSON(ErrorBody(.init(code: code, message: message, status: code.httpStatus)))
                } else {
                    console.error(message)
                }
                throw ExitCode(usage ? 2 : 1)
            case .quit:
                return
            }
        }

        private func upload(_ plan: UploadPlan, backend: any Backend, console: Console) async throws {
            let runner = UploadRunner(backend: backend)
            let results =
                plan.problems
                + (await runner.run(plan.files, title: plan.title, shared: plan.shared) { _ in
                } each: { _ in
                })
            if json {
                let documents: [JSONValue] = results.compactMap { result in
                    switch result.outcome {
                    case .ingested(let document), .duplicate(let document): Interpreter.jsonValue(document)
                    case .failed: nil
                    }
                }
                printJSON(JSONValue.array(documents))
            } else {
                for result in results {
                    if case .failed(_, let message) = result.outcome {
                        console.error(message)
                    } else {
                        console.output(result.line)
                    }
                }
            }
            if results.contains(where: { if case .failed = $0.outcome { true } else { false } }) { throw ExitCode(1) }
        }

        private func fail(_ error: any Error, console: Console, exitCode: Int32) throws -> Never {
            if json {
                printJSON(
                    (error as? BackendError)?.body
                        ?? ErrorBody(.init(code: .internalError, message: "\(error)", status: 500))
                )
            } else {
                console.error(error.localizedDescription)
            }
            throw ExitCode(exitCode)
        }

        private func printJSON<T: Encodable>(_ value: T) {
            TerminalWriter.standard.writeLine(OutputSanitizer.escapingJSONControls(APIJSON.string(value)))
        }
    }
}
