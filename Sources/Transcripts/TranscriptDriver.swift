public import ChatAPI
public import Foundation
public import Session

/// Runs the turns of one transcript against a backend (transcripts.md section 7).
///
/// The live form feeds the REPL's own interpreter and renderer, replacing only the terminal; tests use scripted
/// ones. A driver serves one transcript: the replayer asks its factory for a fresh one per file.
public protocol TranscriptDriver: Sendable {
    /// Indexes one `@ corpus` file as the run's user and waits until it is ready.
    ///
    /// - Returns: nil when the file is ready, else why it failed (a product result, reported at the directive).
    /// - Throws: `TranscriptInfrastructureError` when the backend cannot be reached.
    func index(_ file: URL) async throws -> String?

    /// Runs one turn's input as the REPL would: a question, or a slash command.
    ///
    /// - Parameters:
    ///   - input: the turn's `>` lines joined with LF.
    ///   - options: the file's options merged with the turn's.
    /// - Returns: the tagged output and what the turn ended with.
    /// - Throws: `TranscriptInfrastructureError` when the backend cannot be reached; `CancellationError` on timeout.
    func run(_ input: String, options: TranscriptOptions) async throws -> TranscriptTurnOutput

    /// Ends the run: removes the temporary data directory unless asked to keep it.
    ///
    /// - Returns: a note for `-v` output, such as the kept directory.
    func finish() async -> String?
}

/// What the replayer gives a driver factory for one transcript.
public struct TranscriptSetup: Sendable {
    /// The transcript's path as shown.
    public var path: String
    /// The transcript file.
    public var url: URL
    public var role: TranscriptRole
    /// The file's options.
    public var options: TranscriptOptions
    /// Slash-command paths resolve here.
    public var repositoryRoot: URL
    /// Keep the temporary data directory (`--keep`).
    public var keep: Bool

    public init(
        path: String,
        url: URL,
        role: TranscriptRole,
        options: TranscriptOptions,
        repositoryRoot: URL,
        keep: Bool
    ) {
        self.path = path
        self.url = url
        self.role = role
        self.options = options
        self.repositoryRoot = repositoryRoot
        self.keep = keep
    }
}

/// Makes the driver for one transcript.
public typealias TranscriptDriverFactory = @Sendable (TranscriptSetup) async throws -> any TranscriptDriver

/// Everything one turn produced, as the REPL would have shown it.
public struct TranscriptTurnOutput: Sendable, Equatable {
    /// One rendered line, tagged.
    public enum Line: Sendable, Equatable {
        /// Answer text (stream tokens), one line of it.
        case answer(String)
        /// Client output: Sources lists, command results, `error: MESSAGE` lines.
        case client(String)

        public var text: String {
            switch self {
            case .answer(let text), .client(let text): text
            }
        }

        public var isAnswer: Bool {
            if case .answer = self { return true }
            return false
        }
    }

    /// One error the turn ended with.
    public struct Failure: Sendable, Equatable {
        public var code: ErrorCode
        public var message: String

        public init(code: ErrorCode, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var lines: [Line]
    /// The answer of a question or `/compare`, with its sources and citations; nil for other commands.
    public var answer: Turn?
    /// Errors the turn ended with (a failed command, a stream error, each failed upload).
    public var failures: [Failure]

    public init(lines: [Line], answer: Turn? = nil, failures: [Failure] = []) {
        self.lines = lines
        self.answer = answer
        self.failures = failures
    }

    /// The client output lines.
    public var clientLines: [String] { lines.compactMap { $0.isAnswer ? nil : $0.text } }

    /// The answer lines as rendered.
    public var answerLines: [String] { lines.compactMap { $0.isAnswer ? $0.text : nil } }
}

/// The backend could not be used at all: unreachable, TLS, an account rejected (exit 3).
public struct TranscriptInfrastructureError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
