public import Foundation

/// How a bridge runs: the flags of bridge.md section 1, already validated.
public struct BridgeConfiguration: Sendable {
    /// The protocol dialect.
    public enum Mode: String, Sendable {
        /// One question per line, dot-terminated replies (section 3).
        case plain
        /// Typed requests and events, one JSON object per line (section 4).
        case jsonl
    }

    /// What end of input does to unfinished requests (2.6).
    public enum EndOfInput: String, Sendable, CaseIterable {
        /// Finish them, then exit.
        case drain
        /// End each with `cancelled`, then exit.
        case cancel
    }

    public var mode: Mode
    public var onEOF: EndOfInput = .drain
    /// Per request, from leaving the queue; nil for none.
    public var timeout: Duration? = .seconds(120)
    /// Repeat a request's current status after this much silence; nil for off.
    public var heartbeat: Duration?
    /// Requests waiting to start (plain: lines read ahead).
    public var maxQueue = 64
    /// Plain: each question in a fresh conversation.
    public var stateless = false
    /// Plain: write `.source` lines.
    public var sources = false
    /// Plain: cut replies to this many content lines.
    public var maxLines: Int?
    /// Plain: every line is a question, verbatim.
    public var noCommands = false
    /// JSONL: requests running at once.
    public var maxInflight = 4
    /// JSONL: merge a request's tokens within this window even when stdout keeps up; nil for off.
    public var coalesce: Duration?
    /// The backlog of unwritten output, in bytes, past which backend streams are no longer consumed.
    public var maxBuffer = 8 * 1_048_576
    /// JSONL: enables `/upload`, confined to this folder.
    public var uploadRoot: URL?
    /// JSONL: enables `/admin`.
    public var allowAdmin = false
    /// Where relative paths of commands resolve when there is no upload root.
    public var workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// The longest input line, in bytes.
    public var maxLineBytes = 1_048_576
    /// Idle conversations kept before the least recently used is forgotten (4.3).
    public var maxIdleConversations = 1_000
    /// How long records may still be written after SIGINT/SIGTERM (2.8).
    public var signalGrace: Duration = .seconds(2)

    /// - Parameter mode: plain or JSONL; every other setting starts at its documented default.
    public init(mode: Mode) {
        self.mode = mode
    }

    /// Requests running at once: plain mode answers one line at a time.
    var effectiveInflight: Int { mode == .plain ? 1 : max(1, maxInflight) }

    /// Unfinished requests past which input is no longer read (4.4).
    var capacity: Int { effectiveInflight + max(0, maxQueue) }
}

/// The bridge's sense of time, injectable so tests can shorten waits.
public struct BridgeClock: Sendable {
    /// The current instant.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Suspends for a duration; throws when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.now = now
        self.sleep = sleep
    }

    /// Real time.
    public static let live = BridgeClock(now: { ContinuousClock.now }, sleep: { try await Task.sleep(for: $0) })
}

/// What a run did, for tests and the benchmark.
public struct BridgeStatistics: Sendable {
    /// Requests accepted (asks, commands, resets and pings; plain: answered lines).
    public var accepted = 0
    /// The most unfinished requests at once.
    public var peakUnfinished = 0
    /// The most requests running at once.
    public var peakRunning = 0
    /// Records written.
    public var records = 0
    /// Bytes written.
    public var bytes = 0
    /// Tokens merged into a queued token because the reader was behind, or by coalescing.
    public var mergedTokens = 0
    /// The largest backlog of unwritten output, in bytes.
    public var peakBacklogBytes = 0
    /// Time from a backend event reaching the bridge to its record being written, in nanoseconds, sorted.
    public var eventLatencies: [Int64] = []

    public init() {}

    /// A latency percentile in microseconds (0...100), or nil without samples.
    ///
    /// - Parameter percent: the percentile.
    /// - Returns: microseconds.
    public func latencyMicroseconds(percentile percent: Double) -> Double? {
        guard !eventLatencies.isEmpty else { return nil }
        let rank = Int((percent / 100 * Double(eventLatencies.count - 1)).rounded())
        return Double(eventLatencies[min(max(rank, 0), eventLatencies.count - 1)]) / 1_000
    }
}
