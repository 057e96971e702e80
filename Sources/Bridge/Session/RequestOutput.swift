import ChatAPI
import Synchronization

/// The output side of one accepted request: turns its events into records and guards the rule that it gets
/// exactly one terminal event and nothing after it (bridge.md 4.5).
///
/// Runners write through it directly from their own task, without a hop through the session actor: on a busy
/// two-core machine an actor hop per token waits behind the engine for a free thread, which was most of the
/// bridge's added latency. Whoever ends the request first (its runner, or the session for a cancel, a timeout,
/// end of input or a signal) closes it under the lock; later events are dropped.
final class RequestOutput: Sendable {
    /// How a request's events look on the wire.
    struct Shape: Sendable {
        var mode: BridgeConfiguration.Mode
        /// The JSONL id and serial; nil for plain lines and id-less resets.
        var tag: RequestTag?
        var work: RequestWork
        var conversationKey: String?
        var meta: JSONValue?
        var acceptedAt: ContinuousClock.Instant
        /// Plain `--sources`.
        var sourceLines: Bool
        var maxLines: Int?
    }

    private struct State {
        var open = true
        var stage = "queued"
        var lastOutput: ContinuousClock.Instant
        var partial = ""
        var sources: [Source] = []
        var sourcesSent = false
        var plain: PlainReply
    }

    private let shape: Shape
    private let writer: RecordWriter
    private let clock: BridgeClock
    private let state: Mutex<State>

    init(shape: Shape, writer: RecordWriter, clock: BridgeClock) {
        self.shape = shape
        self.writer = writer
        self.clock = clock
        state = Mutex(State(lastOutput: shape.acceptedAt, plain: PlainReply(maxLines: shape.maxLines)))
    }

    /// Whether no terminal event was written yet.
    var isOpen: Bool { state.withLock { $0.open } }

    // MARK: - Events

    /// Writes one event of the request.
    ///
    /// - Parameters:
    ///   - event: what happened; a terminal event closes the request.
    ///   - received: when the backend event behind it arrived, for the latency figures.
    /// - Returns: false when the request was already closed (the event was dropped) or this event closed it.
    @discardableResult
    func emit(_ event: RequestEvent, received: ContinuousClock.Instant? = nil) -> Bool {
        let now = clock.now()
        return state.withLock { state in
            guard state.open else { return false }
            switch shape.mode {
            case .jsonl: jsonl(event, state: &state, now: now, received: received)
            case .plain: plain(event, state: &state, now: now, received: received)
            }
            if event.isTerminal { state.open = false }
            return state.open
        }
    }

    /// Marks the request running: its stage until the backend names one.
    func started() {
        state.withLock { $0.stage = "running" }
    }

    /// Writes the current stage: `status: queued` on admission (JSONL), and heartbeats.
    ///
    /// - Parameter silence: write only when nothing was written for at least this long; nil writes at once.
    func writeStage(ifSilentFor silence: Duration? = nil) {
        let now = clock.now()
        state.withLock { state in
            guard state.open else { return }
            if let silence, state.lastOutput.duration(to: now) < silence { return }
            state.lastOutput = now
            switch shape.mode {
            case .jsonl:
                guard let tag = shape.tag else { return }
                writer.enqueue(
                    OutputRecord(tag: tag, kind: .event(type: "status", members: EventEncoding.status(state.stage)))
                )
            case .plain:
                writer.enqueue(OutputRecord(tag: nil, kind: .line(PlainEncoding.control("status", state.stage))))
            }
        }
    }

    /// Ends a reset: JSONL `reset` (with `id` and `seq` only when it had an id), plain `.`.
    ///
    /// - Parameter existed: whether the conversation had history.
    func reset(existed: Bool) {
        state.withLock { state in
            guard state.open else { return }
            state.open = false
            switch shape.mode {
            case .jsonl:
                let key = shape.conversationKey ?? ""
                if let tag = shape.tag {
                    let members = EventEncoding.reset(conversation: key, existed: existed)
                    writer.enqueue(
                        OutputRecord(tag: tag, kind: .event(type: "reset", members: members), terminal: true)
                    )
                } else {
                    let line = EventEncoding.anonymousReset(conversation: key, existed: existed)
                    writer.enqueue(OutputRecord(tag: nil, kind: .line(line)))
                }
            case .plain:
                writer.enqueue(OutputRecord(tag: nil, kind: .line(PlainEncoding.end)))
            }
        }
    }

    // MARK: - JSONL

    private func jsonl(
        _ event: RequestEvent,
        state: inout State,
        now: ContinuousClock.Instant,
        received: ContinuousClock.Instant?
    ) {
        guard let tag = shape.tag else { return }
        state.lastOutput = now
        let streams = shape.work.streams
        func write(_ type: String, _ members: String, terminal: Bool = false) {
            writer.enqueue(
                OutputRecord(
                    tag: tag,
                    kind: .event(type: type, members: members),
                    terminal: terminal,
                    received: received
                )
            )
        }
        // An ask that streams gets exactly one `sources`, before its first token (4.2).
        func ensureSources(_ state: inout State) {
            guard streams, !state.sourcesSent, case .ask = shape.work else { return }
            state.sourcesSent = true
            write("sources", EventEncoding.sources(state.sources))
        }
        switch event {
        case .status(let stage):
            state.stage = stage
            write("status", EventEncoding.status(stage))
        case .sources(let sources):
            guard !state.sourcesSent else { return }
            state.sources = sources
            guard streams else { return }
            state.sourcesSent = true
            write("sources", EventEncoding.sources(sources))
        case .token(let text):
            guard !text.isEmpty else { return }
            state.partial += text
            guard streams else { return }
            ensureSources(&state)
            writer.enqueue(OutputRecord(tag: tag, kind: .token(text), received: received))
        case .citation(let citation):
            guard streams else { return }
            ensureSources(&state)
            write("citation", EventEncoding.citation(citation, sources: state.sources))
        case .done(let done):
            if done.output == nil { ensureSources(&state) }
            let members = EventEncoding.done(
                done,
                sources: state.sources.isEmpty ? done.lateSources : state.sources,
                conversation: shape.conversationKey,
                elapsed: shape.acceptedAt.duration(to: now),
                meta: shape.meta
            )
            write("done", members, terminal: true)
        case .failure(let code, let message):
            let members = EventEncoding.error(code: code, message: message, partial: state.partial, meta: shape.meta)
            write("error", members, terminal: true)
        }
    }

    // MARK: - Plain

    private func plain(
        _ event: RequestEvent,
        state: inout State,
        now: ContinuousClock.Instant,
        received: ContinuousClock.Instant?
    ) {
        var lines: [String] = []
        switch event {
        case .status(let stage):
            state.stage = stage
        case .sources(let sources):
            state.sources = sources
        case .token(let text):
            state.partial += text
            lines = state.plain.token(text)
        case .citation:
            break
        case .done(let done):
            lines = done.output.map { state.plain.text($0) } ?? state.plain.flush()
            if shape.sourceLines {
                let sources = state.sources.isEmpty ? done.lateSources : state.sources
                let cited = Set(done.citations.map(\.n))
                lines += sources.filter { cited.contains($0.n) }.sorted { $0.n < $1.n }.map(PlainEncoding.source)
            }
            lines.append(PlainEncoding.end)
        case .failure(let code, let message):
            // Content written before an error stands as a partial answer, its last line included.
            lines = state.plain.flush()
            lines.append(PlainEncoding.error(code: code, message: message))
        }
        // Plain heartbeats measure silence on the wire, and statuses write nothing in plain mode.
        if !lines.isEmpty { state.lastOutput = now }
        for line in lines {
            writer.enqueue(OutputRecord(tag: nil, kind: .line(line), received: received))
        }
    }
}
