import ChatAPI
public import ChatClient
public import Foundation
import Session
public import Transcripts

/// The live `TranscriptDriver`: feeds each message to the REPL's own `Interpreter` and renders the outcome with the
/// same `RenderPiece`s the REPL prints, replacing only the terminal (transcripts.md section 7).
///
/// Tagging: answer text (stream tokens) becomes `~` lines; everything else is client output (`|` lines): Sources
/// lists, `(no sources)`, command results, upload summaries and errors. Errors are written as the REPL writes them
/// on stderr, `error: MESSAGE`, so they are checked as hard as any other client output; their codes feed
/// `? error: CODE`. No colour, spinner or progress bar exists here (no TTY).
///
/// ```swift
/// let driver = InterpreterTranscriptDriver(backend: backend, workingDirectory: repositoryRoot)
/// let output = try await driver.run("What is the repeatability of the NR-X200?", options: TranscriptOptions())
/// ```
public final class InterpreterTranscriptDriver: TranscriptDriver {
    public let backend: any Backend
    /// Slash-command paths resolve here (the repository root in replay).
    public let workingDirectory: URL
    /// The terminal width the run pretends to have; no output wraps to it today.
    public let columns: Int
    let session: ActiveSession
    let sessions: InMemorySessionStore
    /// Transport failures (`backend_unavailable`) stop the run as infrastructure errors: true for a server.
    let transportIsInfrastructure: Bool
    let cleanup: @Sendable () async -> String?

    /// - Parameters:
    ///   - backend: a fresh backend for this transcript.
    ///   - workingDirectory: where `/upload` paths resolve.
    ///   - now: the session's clock reading, fixed for determinism.
    ///   - columns: the pretended terminal width.
    ///   - transportIsInfrastructure: treat `backend_unavailable` as an infrastructure error.
    ///   - cleanup: run by `finish()`; returns a note such as a kept directory.
    public init(
        backend: any Backend,
        workingDirectory: URL,
        now: Date = Date(timeIntervalSince1970: 1_767_225_600),
        columns: Int = 100,
        transportIsInfrastructure: Bool = false,
        cleanup: @escaping @Sendable () async -> String? = { nil }
    ) {
        self.backend = backend
        self.workingDirectory = workingDirectory
        self.columns = columns
        self.session = ActiveSession(now: now)
        self.sessions = InMemorySessionStore()
        self.transportIsInfrastructure = transportIsInfrastructure
        self.cleanup = cleanup
    }

    public func index(_ file: URL) async throws -> String? {
        let result = await UploadRunner(backend: backend).run(
            file,
            title: nil,
            shared: false
        ) { _, _, _ in }
        switch result.outcome {
        case .ingested, .duplicate:
            return nil
        case .failed(let code, let message):
            if transportIsInfrastructure, code == .backendUnavailable { throw TranscriptInfrastructureError(message) }
            return message
        }
    }

    public func run(_ message: String, options: TranscriptOptions) async throws -> TranscriptTurnOutput {
        let interpreter = Interpreter(
            backend: backend,
            session: session,
            sessions: sessions,
            workingDirectory: workingDirectory,
            policy: .repl,
            topK: options.topK,
            includeMemory: options.memory,
            readPassword: nil,
            saveTranscript: nil
        )
        let output: TranscriptTurnOutput
        switch await interpreter.handle(message) {
        case .output(let text, _):
            output = TranscriptTurnOutput(lines: Self.clientLines(text.plain))
        case .failure(let code, let message):
            output = TranscriptTurnOutput(
                lines: [Self.client("error: " + message)],
                failures: [.init(code: code, message: message)]
            )
        case .quit:
            output = TranscriptTurnOutput(lines: [])
        case .upload(let plan):
            output = await upload(plan)
        case .answer(let stream, let input):
            let collected = await AnswerCollector().collect(stream, input: input)
            await session.record(collected.turn)
            await interpreter.saveSession()
            var failures: [TranscriptTurnOutput.Failure] = []
            if let code = collected.turn.errorCode {
                failures.append(.init(code: code, message: collected.turn.errorMessage ?? ""))
            }
            output = TranscriptTurnOutput(
                lines: Self.lines(from: collected.pieces),
                answer: collected.turn,
                failures: failures
            )
        }
        if transportIsInfrastructure, let failure = output.failures.first(where: { $0.code == .backendUnavailable }) {
            throw TranscriptInfrastructureError(failure.message)
        }
        return output
    }

    public func finish() async -> String? {
        await cleanup()
    }

    /// `/upload` as the REPL runs it: problems first, then one summary line per file.
    private func upload(_ plan: UploadPlan) async -> TranscriptTurnOutput {
        var lines: [TranscriptTurnOutput.Line] = []
        var failures: [TranscriptTurnOutput.Failure] = []
        for problem in plan.problems {
            if case .failed(let code, let message) = problem.outcome {
                lines.append(Self.client("error: " + message))
                failures.append(.init(code: code, message: message))
            }
        }
        let runner = UploadRunner(backend: backend)
        for file in plan.files {
            let result = await runner.run(file, title: plan.title, shared: plan.shared) { _, _, _ in }
            if case .failed(let code, let message) = result.outcome {
                failures.append(.init(code: code, message: message))
            }
            lines.append(Self.client(result.line.plain))
        }
        return TranscriptTurnOutput(lines: lines, failures: failures)
    }

    // MARK: - Rendering

    /// One line of client output, through the output sanitiser like the REPL's (file names, titles and memory
    /// text come from outside; a transcript is a file that is read on a terminal).
    static func client(_ text: String) -> TranscriptTurnOutput.Line {
        .client(OutputSanitizer.visible(text))
    }

    /// Client output text as lines.
    static func clientLines(_ text: String) -> [TranscriptTurnOutput.Line] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.client(String($0)) }
    }

    /// Render pieces as tagged lines: answer text split at line ends, lines and errors as client output.
    public static func lines(from pieces: [RenderPiece]) -> [TranscriptTurnOutput.Line] {
        var lines: [TranscriptTurnOutput.Line] = []
        var answer = ""
        func flushAnswer() {
            guard !answer.isEmpty else { return }
            var parts = answer.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if answer.hasSuffix("\n") { parts.removeLast() }
            lines += parts.map { .answer($0) }
            answer = ""
        }
        for piece in pieces {
            switch piece {
            case .answer(let text):
                answer += text.plain
            case .lines(let texts):
                flushAnswer()
                lines += texts.map { Self.client($0.plain) }
            case .error(let message):
                flushAnswer()
                lines.append(Self.client("error: " + message))
            case .status:
                break
            }
        }
        flushAnswer()
        return lines
    }
}
