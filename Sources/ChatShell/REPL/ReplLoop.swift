import ChatAPI
import ChatClient
import Commands
import Foundation
import Session

/// The interactive loop: reads input, lets the interpreter decide, and acts on the outcome with the terminal
/// adapters (spinner and progress bar on stderr, answers appended to stdout, Ctrl-C cancelling work).
struct ReplLoop {
    let interpreter: Interpreter
    let reader: any LineReader
    let console: Console
    let signals: SignalWatcher?
    let spinner: Spinner?
    let progress: ProgressBar
    let completer: CommandCompleter
    /// Whether stdin is a terminal (prompts shown).
    let interactive: Bool

    /// Runs until Ctrl-D, end of input or `/quit`.
    func run() async {
        await interpreter.refreshCompletions(completer, after: nil)
        while true {
            let input: LineInput = await reader.readLine(prompt: interactive ? "> " : "")
            switch input {
            case .endOfInput:
                await finish()
                return
            case .interrupt:
                continue
            case .line(let line):
                guard var text = Optional(line), !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if text.trimmingCharacters(in: .whitespaces).hasPrefix("\"\"\"") {
                    guard let block = await readBlock(first: text) else { continue }
                    text = block
                }
                if !text.hasPrefix(" ") { await reader.addHistory(text) }
                // `exit` and `quit` alone leave, as in a shell (and in ollama and aichat), rather than being asked;
                // `clear` alone clears the screen, as the shell command a hand types without thinking does.
                let word = text.trimmingCharacters(in: .whitespaces).lowercased()
                if ["exit", "quit"].contains(word) {
                    await finish()
                    return
                }
                if word == "clear" {
                    clearScreen()
                    continue
                }
                if await handle(text) == .quit {
                    await finish()
                    return
                }
            }
        }
    }

    enum Step: Equatable { case next, quit }

    /// Runs one message.
    func handle(_ text: String) async -> Step {
        let command: SlashCommand? =
            if case .command(let command)? = try? SlashCommandParser.parse(text) { command } else { nil }
        // Commands that need the terminal run here; the interpreter refuses them elsewhere.
        if let command {
            switch command {
            case .clear:
                clearScreen()
                return .next
            case .edit(let initial):
                return await compose(initial)
            default: break
            }
        }
        let outcome = await interpreter.handle(text)
        switch outcome {
        case .output(let styled, _):
            console.output(styled)
        case .failure(_, let message):
            console.error(message)
        case .quit:
            return .quit
        case .upload(let plan):
            await upload(plan)
        case .answer(let stream, let input):
            await answer(stream, input: input)
        }
        await interpreter.refreshCompletions(completer, after: text)
        return .next
    }

    /// `/clear`: home the cursor, clear the screen and the scrollback, as `clear` does; nothing outside a terminal.
    private func clearScreen() {
        guard isatty(STDOUT_FILENO) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return }
        console.writer.write("\u{1B}[H\u{1B}[2J\u{1B}[3J")
    }

    /// `/edit [TEXT]`: composes a message in the editor, shows it, and runs it as if typed.
    private func compose(_ initial: String) async -> Step {
        let text: String
        do {
            text = try ExternalEditor().edit(initial)
        } catch {
            console.error(error.message)
            return .next
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            console.notice("Nothing to send: the editor saved an empty message.")
            return .next
        }
        console.output(
            StyledText(
                text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }
                    .joined(separator: "\n"),
                style: .dim
            )
        )
        await reader.addHistory(text)
        return await handle(text)
    }

    /// A `"""` block: lines until one ends in `"""`, with the continuation prompt.
    private func readBlock(first: String) async -> String? {
        var lines: [String] = []
        var opening = first.trimmingCharacters(in: .whitespaces).dropFirst(3)
        if opening.hasSuffix("\"\"\""), !opening.isEmpty {
            opening = opening.dropLast(3)
            return String(opening)
        }
        if !opening.isEmpty { lines.append(String(opening)) }
        while true {
            switch await reader.readLine(prompt: interactive ? "... " : "") {
            case .endOfInput, .interrupt:
                return nil
            case .line(let line):
                if line.hasSuffix("\"\"\"") {
                    let last = String(line.dropLast(3))
                    if !last.isEmpty { lines.append(last) }
                    return lines.joined(separator: "\n")
                }
                lines.append(line)
            }
        }
    }

    private func answer(_ stream: AnswerStream, input: String) async {
        spinner?.start(label: "thinking")
        let console = self.console
        let spinner = self.spinner
        let signals = self.signals
        let work: @Sendable () async throws -> Turn = {
            var renderer = AnswerRenderer()
            // Word wrap and markdown for this answer; it holds a word until it is known to fit.
            var layout = console.answerLayout()
            var recorder = TurnRecorder(input: input)
            var started = false
            var stops = signals?.stopCount ?? 0
            do {
                for try await event in stream {
                    recorder.observe(event)
                    let pieces = renderer.render(event)
                    for piece in pieces {
                        if case .status(let stage) = piece { spinner?.update(label: stage); continue }
                        if !started { spinner?.stop(); started = true }
                        // After Ctrl-Z and `fg` the shell left the cursor on a fresh line: go on from there.
                        if let count = signals?.stopCount, count != stops {
                            stops = count
                            console.restartLine(&layout)
                        }
                        console.write([piece], layout: &layout)
                    }
                }
                if !recorder.fold.isFinished {
                    throw BackendError.transport(StreamErrorEvent.endedEarly().message)
                }
            } catch is CancellationError {
                spinner?.stop()
                recorder.interrupt()
                console.write(renderer.interrupt(), layout: &layout)
            } catch {
                spinner?.stop()
                if Task.isCancelled {
                    recorder.interrupt()
                    console.write(renderer.interrupt(), layout: &layout)
                } else {
                    let message = (error as? BackendError)?.errorDescription ?? error.localizedDescription
                    recorder.fail(code: (error as? BackendError)?.code ?? .internalError, message: message)
                    console.write(
                        renderer.render(
                            .error(StreamErrorEvent(code: recorder.turn.errorCode ?? .internalError, message: message))
                        ),
                        layout: &layout
                    )
                }
            }
            spinner?.stop()
            return recorder.turn
        }
        let turn: Turn?
        if let signals {
            turn = try? await signals.cancellingOnInterrupt(work)
        } else {
            turn = try? await work()
        }
        if let turn {
            await interpreter.session.record(turn)
            if let notice = await interpreter.saveSession() { console.notice(notice) }
            if let hint = await EmptyStoreHint.text(after: turn, backend: interpreter.backend) {
                console.output(StyledText(hint, style: .dim))
            }
        }
    }

    private func upload(_ plan: UploadPlan) async {
        for problem in plan.problems {
            if case .failed(_, let message) = problem.outcome { console.error(message) }
        }
        let console = self.console
        for item in plan.skipped {
            console.output(StyledText("Skipped \(item.path): \(item.reason)", style: .dim))
        }
        let runner = UploadRunner(backend: interpreter.backend)
        let progress = self.progress
        let work: @Sendable () async throws -> [UploadRunner.FileResult] = {
            if plan.files.count == 1, let file = plan.files.first {
                let result = await runner.run(file, title: plan.title, shared: plan.shared) { name, fraction, stage in
                    progress.update(fraction: fraction, label: "\(name) \(stage)")
                }
                progress.finish()
                // Ctrl-C stops the waiting; the runner reports the cancelled wait as a failure, which it is not.
                try Task.checkCancellation()
                Self.show(result, on: console)
                return [result]
            }
            var reported = 0
            let results = await runner.run(plan.files, title: plan.title, shared: plan.shared) { state in
                // After Ctrl-C the results still coming in are not shown, and neither is the bar.
                guard !Task.isCancelled else { return }
                progress.update(fraction: state.fraction, label: state.label)
            } each: { result in
                reported += 1
                guard !Task.isCancelled else { return }
                if reported == plan.files.count {
                    progress.finish()
                    Self.show(result, on: console)
                } else {
                    progress.printAbove { Self.show(result, on: console) }
                }
            }
            progress.finish()
            try Task.checkCancellation()
            return results
        }
        let results = signals != nil ? try? await signals?.cancellingOnInterrupt(work) : try? await work()
        if results == nil {
            progress.finish()
            if plan.files.count > 1 {
                console.notice(
                    "Stopped: no more files are sent; those sent go on indexing (see /docs). "
                        + "The same /upload again sends the rest."
                )
            } else {
                console.notice("Stopped waiting; indexing goes on in the background. See /docs.")
            }
        }
    }

    private static func show(_ result: UploadRunner.FileResult, on console: Console) {
        if case .failed(_, let message) = result.outcome {
            console.error(message)
        } else {
            console.output(result.line)
        }
    }

    private func finish() async {
        if let notice = await interpreter.saveSession() { console.notice(notice) }
        await reader.saveHistory()
        if let snapshot = await interpreter.session.snapshot() {
            let text = "Saved session \(snapshot.name) (\(Plural.count(snapshot.turns.count, "turn")))."
            // A note for the person at the terminal: when stdout is piped it would end up inside the answers.
            if isatty(STDOUT_FILENO) == 1 {
                console.output(StyledText(text, style: .dim))
            } else {
                console.notice(text)
            }
        }
    }
}
