public import Foundation

/// How one transcript came out (transcripts.md section 8).
public struct TranscriptFileResult: Sendable {
    /// The per-transcript status of the JSON report.
    public enum Status: String, Sendable, Equatable {
        case passed
        case drifted
        case failed
        case skipped
        /// Infrastructure: the backend could not be used.
        case error

        /// The progress character.
        public var progress: Character {
            switch self {
            case .passed: "."
            case .drifted: "~"
            case .failed: "!"
            case .skipped: "s"
            case .error: "E"
            }
        }
    }

    /// The path as shown.
    public var path: String
    public var url: URL
    public var status: Status
    /// Why it was skipped, or what broke.
    public var reason: String?
    public var turns: [TranscriptTurnReport]
    /// Every failure, in line order per turn; file-level ones have no turn.
    public var failures: [TranscriptFailure]
    /// The `.actual` text when the run differed from the transcript.
    public var actual: String?
    /// Unified diff of `.chat` against `.actual`, one hunk per differing turn.
    public var diff: String?
    /// The diff of one turn alone, by turn number.
    public var turnDiffs: [Int: String] = [:]
    /// A parse error or a refused stale `.actual`: exit 2.
    public var isUsageError: Bool
    /// Tier 2 checks skipped for want of a judge.
    public var skippedJudgedChecks: Int
    /// Something for `-v` output, such as a kept data directory.
    public var note: String?

    public init(
        path: String,
        url: URL,
        status: Status,
        reason: String? = nil,
        turns: [TranscriptTurnReport] = [],
        failures: [TranscriptFailure] = [],
        actual: String? = nil,
        diff: String? = nil,
        isUsageError: Bool = false,
        skippedJudgedChecks: Int = 0,
        note: String? = nil
    ) {
        self.path = path
        self.url = url
        self.status = status
        self.reason = reason
        self.turns = turns
        self.failures = failures
        self.actual = actual
        self.diff = diff
        self.isUsageError = isUsageError
        self.skippedJudgedChecks = skippedJudgedChecks
        self.note = note
    }

    /// Turns that ran.
    public var turnsRun: Int { turns.filter(\.ran).count }
    /// Checks that ran (passed or failed; skipped ones did not run).
    public var checksRun: Int { turns.reduce(0) { $0 + $1.checks.filter { $0.status != .skipped }.count } }
    /// Turns whose answer text drifted.
    public var driftedTurns: Int { turns.filter(\.drifted).count }

    /// `FILE:LINE: turn K: message` lines.
    public var failureLines: [String] { failures.map { $0.rendered(path: path) } }
}

/// One turn of a run.
public struct TranscriptTurnReport: Sendable {
    public var number: Int
    /// The line of the turn's first `>`.
    public var line: Int
    public var input: String
    public var ran: Bool
    public var output: TranscriptTurnOutput?
    public var checks: [TranscriptCheckResult]
    /// The answer text differs from the `~` lines (soft unless `--strict`).
    public var drifted: Bool
    public var timedOut: Bool
    var alignment: OutputAlignment?

    /// Whether the turn has anything to rewrite or report.
    var differs: Bool {
        drifted || timedOut || !(alignment?.isMatch ?? true) || checks.contains { $0.status == .failed }
    }
}

/// One failure, at the line that states it.
public struct TranscriptFailure: Sendable, Equatable {
    /// What failed, for `accept`'s count of checks it cannot fix.
    public enum Kind: Sendable, Equatable {
        /// A `?` line.
        case check
        /// `|` lines that did not match.
        case output
        /// Answer text under `--strict`.
        case drift
        /// An unexpected error or an unresolved marker: only an edit fixes it.
        case turn
        case timeout
        /// The transcript as a whole: parse errors, corpus, stale `.actual`.
        case file
    }

    public var kind: Kind
    public var line: Int
    public var turn: Int?
    public var message: String
    public var afterEarlierFailure: Bool

    public init(kind: Kind, line: Int, turn: Int?, message: String, afterEarlierFailure: Bool = false) {
        self.kind = kind
        self.line = line
        self.turn = turn
        self.message = message
        self.afterEarlierFailure = afterEarlierFailure
    }

    /// The message with the `(after earlier failure)` mark.
    public var text: String { message + (afterEarlierFailure ? " (after earlier failure)" : "") }

    /// `FILE:LINE: turn K: message`.
    public func rendered(path: String) -> String {
        let location = line > 0 ? "\(path):\(line)" : path
        if let turn { return "\(location): turn \(turn): \(text)" }
        return "\(location): \(text)"
    }
}
