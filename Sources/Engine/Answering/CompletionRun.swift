import ChatAPI
import Synchronization

/// One streaming chat completion in flight: a pump task reads the transport's payloads into answer fragments, a
/// watchdog task enforces the first-token and idle limits, and the caller first awaits the decision between
/// abstention and answer (`AbstentionGate`), then reads the fragments.
///
/// Whatever ends the run (the end of the stream, a failure, a time limit, or the consumer leaving) ends it once:
/// both tasks are cancelled, which aborts the upstream request at once.
final class CompletionRun: Sendable {
    /// How the answer begins.
    enum Decision: Sendable {
        /// The model replied with the no-context sentence.
        case abstain
        /// An answer, streaming.
        case stream(AsyncThrowingStream<AnswerFragment, any Error>)
    }

    /// The answerer's time limits.
    struct Limits: Sendable {
        /// From the request to the first answer text.
        var firstToken: Duration
        /// Between two payloads once text flows.
        var idle: Duration
        /// What both are counted on.
        var clock: CompletionClock = .continuous
    }

    private struct State {
        var decided = false
        var ended = false
        var waiting: CheckedContinuation<Decision, any Error>?
        /// A decision made before anyone awaited it.
        var early: Result<Decision, any Error>?
        var firstToken = false
        var lastActivity: ContinuousClock.Instant
        var tasks: [Task<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let fragments: AsyncThrowingStream<AnswerFragment, any Error>
    private let output: AsyncThrowingStream<AnswerFragment, any Error>.Continuation
    private let limits: Limits
    private let started: ContinuousClock.Instant
    private let failure: @Sendable (any Error) -> any Error

    private init(limits: Limits, failure: @escaping @Sendable (any Error) -> any Error) {
        let now = limits.clock.now()
        started = now
        state = Mutex(State(lastActivity: now))
        (fragments, output) = AsyncThrowingStream<AnswerFragment, any Error>.makeStream()
        self.limits = limits
        self.failure = failure
    }

    /// Sends the request and starts reading.
    ///
    /// - Parameters:
    ///   - request: The streaming chat-completion request.
    ///   - transport: What carries it.
    ///   - limits: The first-token and idle limits.
    ///   - failure: Maps transport and stream failures to the errors the answer ends with.
    /// - Returns: The running completion; await `decision()` next.
    static func start(
        request: CompletionRequest,
        transport: any CompletionTransport,
        limits: Limits,
        failure: @escaping @Sendable (any Error) -> any Error
    ) -> CompletionRun {
        let run = CompletionRun(limits: limits, failure: failure)
        run.output.onTermination = { termination in
            // The consumer left (cancelled, or dropped the stream): stop the model at once.
            if case .cancelled = termination { run.cancel() }
        }
        let pump = Task { await run.pump(request, transport: transport) }
        let watchdog = Task { await run.watch() }
        let alreadyEnded = run.state.withLock { state in
            state.tasks = [pump, watchdog]
            return state.ended
        }
        if alreadyEnded {
            pump.cancel()
            watchdog.cancel()
        }
        return run
    }

    /// Waits until the answer's start shows whether the model abstained.
    ///
    /// - Throws: The mapped failure, or `CancellationError` when the caller is cancelled (which aborts the run).
    func decision() async throws -> Decision {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Decision, any Error>) in
                let early: Result<Decision, any Error>? = state.withLock { state in
                    if let early = state.early { return early }
                    state.waiting = continuation
                    return nil
                }
                if let early { continuation.resume(with: early) }
            }
        } onCancel: {
            cancel()
        }
    }

    // MARK: - Reading the stream

    private func pump(_ request: CompletionRequest, transport: any CompletionTransport) async {
        do {
            let payloads = try await transport.events(for: request)
            var gate = AbstentionGate()
            var gating = true
            var held: [AnswerFragment] = []
            var sawDone = false
            for try await payload in payloads {
                touch()
                guard let chunk = ChatCompletionChunk.decode(payload) else {
                    throw CompletionFailure.malformed(String(payload.prefix(60)))
                }
                switch chunk {
                case .done:
                    sawDone = true
                case .failure(let message):
                    throw CompletionFailure.reported(message)
                case .delta(let content, let finishReason, let usage):
                    var produced: [AnswerFragment] = []
                    if !content.isEmpty {
                        markFirstToken()
                        if gating, case .answer(let text) = gate.feed(content) {
                            gating = false
                            decide(.stream(fragments))
                            produced.append(.text(text))
                            produced += held
                            held = []
                        } else if !gating {
                            produced.append(.text(content))
                        }
                    }
                    if let usage { produced.append(.usage(usage)) }
                    if finishReason == "length" { produced.append(.truncated) }
                    if gating {
                        held += produced.filter { if case .text = $0 { false } else { true } }
                    } else {
                        produced.forEach { output.yield($0) }
                    }
                }
                if sawDone { break }
            }
            try Task.checkCancellation()
            guard sawDone else { throw CompletionFailure.endedWithoutDone }
            if gating {
                if gate.isAbstention {
                    decide(.abstain)
                } else {
                    decide(.stream(fragments))
                    if !gate.text.isEmpty { output.yield(.text(gate.text)) }
                    held.forEach { output.yield($0) }
                }
            }
            end(nil)
        } catch {
            end(error is CancellationError ? error : failure(error))
        }
    }

    /// Enforces the time limits until the run ends.
    private func watch() async {
        while !Task.isCancelled {
            let next: (deadline: ContinuousClock.Instant, failure: CompletionFailure)? = state.withLock { state in
                if state.ended { return nil }
                return state.firstToken
                    ? (state.lastActivity + limits.idle, .stalled)
                    : (started + limits.firstToken, .noFirstToken)
            }
            guard let next else { return }
            if limits.clock.now() >= next.deadline {
                end(failure(next.failure))
                return
            }
            try? await limits.clock.sleep(next.deadline)
        }
    }

    private func touch() {
        let now = limits.clock.now()
        state.withLock { $0.lastActivity = now }
    }

    private func markFirstToken() {
        let now = limits.clock.now()
        state.withLock { state in
            if !state.firstToken {
                state.firstToken = true
                state.lastActivity = now
            }
        }
    }

    // MARK: - Ending

    /// Delivers the decision to whoever awaits it (or keeps it for them).
    private func decide(_ decision: Decision) {
        let waiting: CheckedContinuation<Decision, any Error>? = state.withLock { state in
            guard !state.decided else { return nil }
            state.decided = true
            defer { state.waiting = nil }
            if state.waiting == nil { state.early = .success(decision) }
            return state.waiting
        }
        waiting?.resume(returning: decision)
    }

    /// Ends the run once: with `nil` normally, else with the error the answer (or the decision) fails with.
    private func end(_ error: (any Error)?) {
        typealias Ending = (
            waiting: CheckedContinuation<Decision, any Error>?, decided: Bool, tasks: [Task<Void, Never>]
        )
        let ending: Ending? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            let decided = state.decided
            var waiting: CheckedContinuation<Decision, any Error>?
            if !decided {
                state.decided = true
                waiting = state.waiting
                state.waiting = nil
                if waiting == nil { state.early = .failure(error ?? CancellationError()) }
            }
            defer { state.tasks = [] }
            return (waiting, decided, state.tasks)
        }
        guard let ending else { return }
        ending.waiting?.resume(throwing: error ?? CancellationError())
        if let error, ending.decided {
            output.finish(throwing: error)
        } else {
            output.finish()
        }
        for task in ending.tasks { task.cancel() }
    }

    /// The consumer left: abort everything.
    func cancel() {
        end(CancellationError())
    }
}
