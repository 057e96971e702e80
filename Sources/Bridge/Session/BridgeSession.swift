import ChatAPI
public import ChatClient
import Commands
import Foundation
public import Logging
import Session

/// The `chatshell-bridge/1` engine: reads requests from a byte source, runs them against a `Backend`, and writes
/// the replies through one writer (bridge.md).
///
/// Independent of the process: input, output, backend and clock are injected, so tests drive it with scripts
/// and doubles while `chatshell bridge` wires it to stdin, a private duplicate of stdout and signals.
///
/// ```swift
/// let session = BridgeSession(
///     configuration: BridgeConfiguration(mode: .jsonl),
///     backend: backend,
///     input: FileDescriptorByteSource(fd: STDIN_FILENO),
///     output: FileDescriptorSink(fd: privateStdout)
/// )
/// let exitCode = await session.run()
/// ```
///
/// Scheduling lives on this actor: which requests are open, the global FIFO, per-conversation FIFOs, slots,
/// conversations and flow control. Each request's events go through its `RequestOutput`, which runners write
/// to directly; whoever ends a request first (its runner, a cancel, the timeout, end of input, a signal) writes
/// its one terminal event there, and later reports for it are dropped. The actor settles the request's
/// bookkeeping when it ends it itself, or when the runner's task returns.
public actor BridgeSession {
    /// The signals that end a bridge (2.8).
    public enum Signal: Sendable {
        case interrupt
        case terminate

        /// 130 for SIGINT, 143 for SIGTERM.
        public var exitCode: Int32 {
            switch self {
            case .interrupt: 130
            case .terminate: 143
            }
        }

        var name: String {
            switch self {
            case .interrupt: "SIGINT"
            case .terminate: "SIGTERM"
            }
        }
    }

    enum AcceptResult {
        case consumed(Int)
        case stopped
    }

    private enum Phase {
        case queued
        case running
        case finished
    }

    private struct Request {
        let serial: Int
        let id: String?
        let tag: RequestTag?
        let work: RequestWork
        let op: String
        let conversationKey: String?
        let output: RequestOutput
        var phase = Phase.queued
        /// Left the queue (a reset has no task, so `task` cannot tell).
        var started = false
        var task: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var holdsSlot = false
    }

    /// A host conversation: the `ActiveSession` holding its history and backend conversation id, and the FIFO of
    /// its requests (the head is the one running or next to run).
    private struct ConversationEntry {
        var session = ActiveSession()
        var queue: [Int] = []
        /// Whether an ask or command ran since it was created or reset (`reset.existed`).
        var used = false
        var lastUsed: UInt64 = 0
    }

    private let configuration: BridgeConfiguration
    private let backend: any Backend
    private let input: any ByteSource
    private let writer: RecordWriter
    private let clock: BridgeClock
    private let logger: Logger
    private let policy: BridgeCommandPolicy

    private var requests: [Int: Request] = [:]
    private var nextSerial = 0
    private var activeIds: [String: Int] = [:]
    /// Accepted requests not yet started, in acceptance order: the global FIFO.
    private var pending: [Int] = []
    private var pendingResets = 0
    private var conversations: [String: ConversationEntry] = [:]
    private var useCounter: UInt64 = 0
    private var running = 0
    private var unfinished = 0
    /// No more input is taken (end of input, `/quit`, a signal, stdout gone).
    private var stopped = false
    private var inputEnded = false
    /// The last records are queued; only the exit is left.
    private var finishing = false
    /// Every open request is being ended (end of input with `cancel`, a signal, stdout gone): start nothing more.
    private var cancelling = false
    /// The signal being handled, whose exit code wins over a stdout that closes meanwhile.
    private var interruption: Signal?
    /// stdout is gone: requests end without events.
    private var halted = false
    private var capacityWaiter: CheckedContinuation<Void, Never>?
    private var exitCode: Int32?
    private var exitWaiter: CheckedContinuation<Int32, Never>?
    private var heartbeatTask: Task<Void, Never>?
    private var statistics = BridgeStatistics()

    /// - Parameters:
    ///   - configuration: the validated flags.
    ///   - backend: the ready backend (its availability is checked by the caller: exit codes 69 and 77).
    ///   - input: the request bytes.
    ///   - output: where records go.
    ///   - clock: time for timeouts, heartbeats and `elapsed_ms`.
    ///   - logger: diagnostics, never on the protocol stream.
    public init(
        configuration: BridgeConfiguration,
        backend: any Backend,
        input: any ByteSource,
        output: any RecordSink,
        clock: BridgeClock = .live,
        logger: Logger = Logger(label: "chatshell.bridge")
    ) {
        self.configuration = configuration
        self.backend = backend
        self.input = input
        self.clock = clock
        self.logger = logger
        self.writer = RecordWriter(
            sink: output,
            maxBuffer: configuration.maxBuffer,
            coalesce: configuration.mode == .jsonl ? configuration.coalesce : nil
        )
        self.policy = BridgeCommandPolicy(
            mode: configuration.mode,
            uploadEnabled: configuration.uploadRoot != nil,
            adminEnabled: configuration.allowAdmin
        )
    }

    // MARK: - Running

    /// Runs the bridge until end of input, `/quit`, a signal or a closed stdout.
    ///
    /// - Returns: the process exit code of bridge.md section 5.
    public func run() async -> Int32 {
        writer.start { failure in
            Task { await self.outputFailed(failure) }
        }
        if configuration.mode == .jsonl {
            writer.enqueue(OutputRecord(tag: nil, kind: .line(hello())))
        }
        Task { await self.readInput() }
        if let heartbeat = configuration.heartbeat {
            let tick = max(Duration.milliseconds(10), heartbeat / 5)
            let clock = self.clock
            heartbeatTask = Task {
                while !Task.isCancelled {
                    do { try await clock.sleep(tick) } catch { return }
                    self.beat()
                }
            }
        }
        let code = await withCheckedContinuation { continuation in
            if let exitCode {
                continuation.resume(returning: exitCode)
            } else {
                exitWaiter = continuation
            }
        }
        heartbeatTask?.cancel()
        return code
    }

    /// Ends the run after SIGINT or SIGTERM: each unfinished request ends with `interrupted`, JSONL writes `bye`,
    /// and `run()` returns 130 or 143 once those records are written or the grace period (2 s) is over.
    ///
    /// - Parameter signal: which signal arrived.
    public func interrupt(_ signal: Signal) {
        guard exitCode == nil, interruption == nil else { return }
        interruption = signal
        cancelling = true
        logger.notice("\(signal.name): interrupting \(unfinished) open request(s)")
        stopped = true
        resumeReader()
        for serial in unfinishedSerials() {
            fail(serial, code: .interrupted, message: "Interrupted by \(signal.name).", cancelTask: true)
        }
        if !finishing {
            finishing = true
            if configuration.mode == .jsonl {
                writer.enqueue(OutputRecord(tag: nil, kind: .line(EventEncoding.bye(reason: "signal"))))
            }
        }
        let writer = self.writer
        let grace = configuration.signalGrace
        Task {
            await writer.waitUntilIdle(timeout: grace)
            self.complete(signal.exitCode)
        }
    }

    /// Ends the run because the reader of the output went away: all work is cancelled, exit 0 (2.7).
    public func outputClosed() {
        outputFailed(.readerGone)
    }

    /// What the run did so far.
    public func currentStatistics() -> BridgeStatistics {
        var result = statistics
        let counters = writer.counters
        result.records = counters.records
        result.bytes = counters.bytes
        result.mergedTokens = counters.mergedTokens
        result.peakBacklogBytes = counters.peakBacklogBytes
        result.eventLatencies = counters.latencies.sorted()
        return result
    }

    private func complete(_ code: Int32) {
        guard exitCode == nil else { return }
        exitCode = code
        exitWaiter?.resume(returning: code)
        exitWaiter = nil
    }

    private func outputFailed(_ failure: SinkFailure) {
        guard exitCode == nil, !halted else { return }
        var code: Int32
        switch failure {
        case .readerGone:
            logger.notice("stdout was closed; cancelling all work")
            code = 0
        case .failed(let errno):
            logger.error("writing to stdout failed (errno \(errno)); cancelling all work")
            code = 1
        }
        if let interruption { code = interruption.exitCode }
        halted = true
        stopped = true
        finishing = true
        cancelling = true
        resumeReader()
        for request in requests.values {
            request.task?.cancel()
            request.timer?.cancel()
        }
        writer.close()
        complete(code)
    }

    private func hello() -> String {
        var capabilities: [String] = []
        if configuration.uploadRoot != nil { capabilities.append("upload") }
        if configuration.allowAdmin { capabilities.append("admin") }
        if configuration.heartbeat != nil { capabilities.append("heartbeat") }
        if configuration.coalesce != nil { capabilities.append("coalesce") }
        let backendName: String
        switch backend.kind {
        case .embedded: backendName = "embedded"
        case .remote: backendName = "remote"
        }
        return EventEncoding.hello(backend: backendName, capabilities: capabilities, configuration: configuration)
    }

    // MARK: - Input

    /// The reading loop; it runs off the actor and hands over lines in batches.
    ///
    /// A batch (every complete line of one read) is accepted in one actor turn, so the requests it starts cannot
    /// run before the batch's later lines, a `cancel` among them, have been seen.
    private nonisolated func readInput() async {
        var reader = InputLineReader(source: input, maxLineBytes: configuration.maxLineBytes)
        while await waitForCapacity() {
            let (lines, ended) = await reader.next()
            var rest = lines[...]
            while !rest.isEmpty {
                switch await accept(rest) {
                case .stopped:
                    return
                case .consumed(let count):
                    rest = rest.dropFirst(count)
                    if !rest.isEmpty, await !waitForCapacity() { return }
                }
            }
            if ended {
                await endOfInput()
                return
            }
        }
    }

    /// Waits until fewer than max-inflight + max-queue requests are unfinished (4.4).
    ///
    /// - Returns: false once input is no longer taken.
    private func waitForCapacity() async -> Bool {
        while !stopped && unfinished >= configuration.capacity {
            await withCheckedContinuation { capacityWaiter = $0 }
        }
        return !stopped
    }

    private func resumeReader() {
        capacityWaiter?.resume()
        capacityWaiter = nil
    }

    func accept(_ lines: ArraySlice<InputLine>) -> AcceptResult {
        for (offset, line) in lines.enumerated() {
            if stopped { return .stopped }
            if unfinished >= configuration.capacity { return .consumed(offset) }
            switch configuration.mode {
            case .jsonl: acceptJSONL(line)
            case .plain: acceptPlain(line)
            }
        }
        return stopped ? .stopped : .consumed(lines.count)
    }

    private func endOfInput() {
        guard !inputEnded else { return }
        inputEnded = true
        stopped = true
        resumeReader()
        if configuration.onEOF == .cancel {
            cancelling = true
            for serial in unfinishedSerials() {
                fail(serial, code: .cancelled, message: "Cancelled at end of input.", cancelTask: true)
            }
        }
        finishIfDrained()
    }

    private func finishIfDrained() {
        guard inputEnded, unfinished == 0, !finishing, exitCode == nil else { return }
        finishing = true
        if configuration.mode == .jsonl {
            writer.enqueue(OutputRecord(tag: nil, kind: .line(EventEncoding.bye(reason: "eof"))))
        }
        let writer = self.writer
        Task {
            await writer.waitUntilIdle(timeout: nil)
            self.complete(0)
        }
    }

    // MARK: - JSONL input

    private func acceptJSONL(_ line: InputLine) {
        switch line.content {
        case .invalidUTF8:
            reject(line.number, LineRejection(code: .parseError, message: "Line \(line.number) is not valid UTF-8."))
        case .tooLarge:
            reject(
                line.number,
                LineRejection(
                    code: .tooLarge,
                    message: "Line \(line.number) is longer than \(configuration.maxLineBytes) bytes."
                )
            )
        case .text(let text):
            guard !text.allSatisfy(\.isWhitespace) else { return }
            switch JSONLRequest.parse(text) {
            case .failure(let rejection): reject(line.number, rejection)
            case .success(let request): handle(request, line: line.number)
            }
        }
    }

    private func handle(_ request: JSONLRequest, line: Int) {
        switch request {
        case .ask(let ask):
            guard isFree(ask.id, line: line) else { return }
            let question = RequestWork.Question(
                text: ask.text,
                documents: ask.documents,
                topK: ask.topK,
                includeMemory: ask.includeMemory,
                stream: ask.stream
            )
            admit(id: ask.id, op: "ask", work: .ask(question), conversation: ask.conversation, meta: ask.meta)
        case .command(let command):
            guard isFree(command.id, line: line) else { return }
            admit(
                id: command.id,
                op: "command",
                work: .command(command.line),
                conversation: command.conversation,
                meta: command.meta
            )
        case .cancel(let id):
            guard let serial = activeIds[id], let request = requests[serial], !request.work.isReset,
                request.output.isOpen
            else {
                logger.info("cancel: no unfinished ask or command with id \(id); ignored")
                return
            }
            fail(serial, code: .cancelled, message: "cancelled by host", cancelTask: true)
        case .reset(let id, let conversation):
            if let id, !isFree(id, line: line) { return }
            admit(id: id, op: "reset", work: .reset, conversation: conversation, meta: nil)
        case .ping(let id):
            guard isFree(id, line: line) else { return }
            statistics.accepted += 1
            let tag = RequestTag(serial: nextSerial, idJSON: JSONText.string(id))
            nextSerial += 1
            let members = EventEncoding.pong(inflight: running, queued: pending.count)
            writer.enqueue(OutputRecord(tag: tag, kind: .event(type: "pong", members: members), terminal: true))
        }
    }

    private func isFree(_ id: String, line: Int) -> Bool {
        // Once its terminal event is out the request is finished for the host, even if its task is still ending.
        guard activeIds[id].flatMap({ requests[$0] })?.output.isOpen != true else {
            reject(
                line,
                LineRejection(
                    code: .duplicateId,
                    message: "Id '\(id)' is held by an unfinished request.",
                    ref: id
                )
            )
            return false
        }
        return true
    }

    private func reject(_ line: Int, _ rejection: LineRejection) {
        logger.debug("line \(line) rejected: \(rejection.code) \(rejection.message)")
        let text = EventEncoding.rejection(
            line: line,
            ref: rejection.ref,
            code: rejection.code,
            message: rejection.message
        )
        writer.enqueue(OutputRecord(tag: nil, kind: .line(text)))
    }

    // MARK: - Plain input

    private func acceptPlain(_ line: InputLine) {
        switch line.content {
        case .invalidUTF8:
            admit(work: .reject(.parseError, "Line \(line.number) is not valid UTF-8."))
        case .tooLarge:
            admit(work: .reject(.tooLarge, "Line \(line.number) is longer than \(configuration.maxLineBytes) bytes."))
        case .text(let raw):
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return }
            guard !configuration.noCommands, text.hasPrefix("/") else {
                admit(work: .ask(.init(text: text, stream: true)))
                return
            }
            if text.hasPrefix("//") {
                admit(work: .ask(.init(text: String(text.dropFirst()), stream: true)))
                return
            }
            switch try? SlashCommandParser.parse(text) {
            case .command(.quit):
                // `/quit` is end of input: earlier lines are answered, later ones are not read.
                endOfInput()
            case .command(.new):
                admit(work: .reset)
            default:
                admit(work: .command(text))
            }
        }
    }

    /// Plain requests share one conversation, or none with `--stateless`.
    private func admit(work: RequestWork) {
        let op: String
        switch work {
        case .ask: op = "ask"
        case .reset: op = "reset"
        case .command, .reject: op = "command"
        }
        admit(id: nil, op: op, work: work, conversation: configuration.stateless ? nil : "", meta: nil)
    }

    // MARK: - Scheduling

    private func admit(id: String?, op: String, work: RequestWork, conversation key: String?, meta: JSONValue?) {
        let serial = nextSerial
        nextSerial += 1
        let tag = id.map { RequestTag(serial: serial, idJSON: JSONText.string($0)) }
        let shape = RequestOutput.Shape(
            mode: configuration.mode,
            tag: tag,
            work: work,
            conversationKey: key,
            meta: meta,
            acceptedAt: clock.now(),
            sourceLines: configuration.sources,
            maxLines: configuration.maxLines
        )
        let output = RequestOutput(shape: shape, writer: writer, clock: clock)
        requests[serial] = Request(
            serial: serial,
            id: id,
            tag: tag,
            work: work,
            op: op,
            conversationKey: key,
            output: output
        )
        unfinished += 1
        statistics.accepted += 1
        logger.debug("accepted \(op) \(id ?? "#\(serial)") conversation=\(key ?? "-")")
        statistics.peakUnfinished = max(statistics.peakUnfinished, unfinished)
        if let id { activeIds[id] = serial }
        if let key {
            conversations[key, default: ConversationEntry()].queue.append(serial)
        }
        if work.isReset { pendingResets += 1 }
        pending.append(serial)
        let announced = configuration.mode == .jsonl && !work.isReset
        if announced, let tag {
            let members = EventEncoding.start(op: op, conversation: key, meta: meta)
            writer.enqueue(OutputRecord(tag: tag, kind: .event(type: "start", members: members)))
        }
        schedule()
        if announced, requests[serial]?.phase == .queued {
            output.writeStage()
        }
    }

    /// Starts every request that may start, oldest first: a request needs a free slot (resets in JSONL do not)
    /// and must head its conversation's FIFO.
    private func schedule() {
        guard !cancelling else { return }
        let slots = configuration.effectiveInflight
        var index = 0
        while index < pending.count {
            let serial = pending[index]
            guard let request = requests[serial], request.phase == .queued else {
                pending.remove(at: index)
                continue
            }
            let needsSlot = !(request.work.isReset && configuration.mode == .jsonl)
            if (!needsSlot || running < slots) && headsConversation(request) {
                pending.remove(at: index)
                if request.work.isReset { pendingResets -= 1 }
                start(serial)
                continue
            }
            if running >= slots && pendingResets == 0 { break }
            index += 1
        }
    }

    private func headsConversation(_ request: Request) -> Bool {
        guard let key = request.conversationKey else { return true }
        return conversations[key]?.queue.first == request.serial
    }

    private func start(_ serial: Int) {
        guard var request = requests[serial] else { return }
        request.phase = .running
        request.started = true
        request.output.started()
        if !(request.work.isReset && configuration.mode == .jsonl) {
            running += 1
            request.holdsSlot = true
            statistics.peakRunning = max(statistics.peakRunning, running)
        }
        requests[serial] = request
        if request.work.isReset {
            performReset(serial)
            return
        }
        var session = ActiveSession()
        if let key = request.conversationKey, var entry = conversations[key] {
            entry.used = true
            session = entry.session
            conversations[key] = entry
        }
        let runner = RequestRunner(
            work: request.work,
            session: session,
            output: request.output,
            backend: backend,
            writer: writer,
            policy: policy,
            uploadRoot: configuration.uploadRoot,
            workingDirectory: configuration.workingDirectory,
            logger: logger
        )
        request.task = Task {
            await runner.execute()
            self.taskEnded(serial)
        }
        if let timeout = configuration.timeout {
            let clock = self.clock
            request.timer = Task {
                do { try await clock.sleep(timeout) } catch { return }
                self.expire(serial)
            }
        }
        requests[serial] = request
    }

    private func performReset(_ serial: Int) {
        guard let request = requests[serial] else { return }
        var existed = false
        if let key = request.conversationKey, var entry = conversations[key] {
            existed = entry.used
            entry.session = ActiveSession()
            entry.used = false
            conversations[key] = entry
        }
        request.output.reset(existed: existed)
        settle(serial, cancelTask: false)
        release(serial)
    }

    // MARK: - Heartbeats

    /// Repeats the current status of each request silent for `--heartbeat` (plain: only the one answering).
    private func beat() {
        guard let heartbeat = configuration.heartbeat, !finishing else { return }
        for serial in unfinishedSerials() {
            guard let request = requests[serial] else { continue }
            // Plain replies go out one at a time: a line still waiting has no reply to put a status in.
            if configuration.mode == .plain && request.phase != .running { continue }
            request.output.writeStage(ifSilentFor: heartbeat)
        }
    }

    // MARK: - Ending requests

    /// Ends a request from outside its runner with an `error`, keeping its partial text.
    private func fail(_ serial: Int, code: ErrorCode, message: String, cancelTask: Bool) {
        // A request whose runner already wrote its terminal event is finished for the host: leave it be.
        guard var request = requests[serial], request.phase != .finished, request.output.isOpen else { return }
        if request.work.isReset && configuration.mode == .jsonl {
            // A reset has no error event in JSONL (4.2); it takes effect at once, its conversation ending anyway.
            if let index = pending.firstIndex(of: serial) {
                pending.remove(at: index)
                pendingResets -= 1
            }
            request.phase = .running
            request.started = true
            requests[serial] = request
            performReset(serial)
            return
        }
        // Queued plain lines have no reply yet; their error still goes out in input order, after the running one.
        request.output.emit(.failure(code: code, message: message))
        settle(serial, cancelTask: cancelTask)
    }

    private func expire(_ serial: Int) {
        guard let request = requests[serial], request.phase == .running, let timeout = configuration.timeout else {
            return
        }
        let seconds = Double(EventEncoding.milliseconds(timeout)) / 1_000
        let shown = seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
        fail(serial, code: .timeout, message: "No result within \(shown) s.", cancelTask: true)
    }

    /// Bookkeeping once a request's terminal event is queued.
    private func settle(_ serial: Int, cancelTask: Bool) {
        guard var request = requests[serial], request.phase != .finished else { return }
        let wasQueued = !request.started
        request.phase = .finished
        request.timer?.cancel()
        request.timer = nil
        if cancelTask { request.task?.cancel() }
        requests[serial] = request
        unfinished -= 1
        logger.debug("ended \(request.op) \(request.id ?? "#\(serial)"), \(unfinished) unfinished")
        if let id = request.id, activeIds[id] == serial { activeIds[id] = nil }
        if wasQueued {
            // Never started: nothing will call `taskEnded`, so release its places now.
            if let index = pending.firstIndex(of: serial) {
                pending.remove(at: index)
                if request.work.isReset { pendingResets -= 1 }
            }
            release(serial)
        }
        if unfinished < configuration.capacity { resumeReader() }
        finishIfDrained()
    }

    private func taskEnded(_ serial: Int) {
        guard let request = requests[serial] else { return }
        if request.output.isOpen && !halted {
            // Never leave a request without its terminal event.
            logger.error("request \(request.id ?? "#\(serial)") ended without a result")
            request.output.emit(.failure(code: .internalError, message: "The request ended without a result."))
        }
        settle(serial, cancelTask: false)
        release(serial)
    }

    /// Frees a request's slot and its place at the head of its conversation, then starts what may start.
    private func release(_ serial: Int) {
        guard let request = requests.removeValue(forKey: serial) else { return }
        if request.holdsSlot { running -= 1 }
        if let key = request.conversationKey, var entry = conversations[key] {
            entry.queue.removeAll { $0 == serial }
            useCounter += 1
            entry.lastUsed = useCounter
            if entry.queue.isEmpty && !entry.used {
                // Nothing to remember: a reset or a cancelled queue left it empty.
                conversations[key] = nil
            } else {
                conversations[key] = entry
            }
            if entry.queue.isEmpty { forgetIdleConversations() }
        }
        schedule()
    }

    /// Keeps at most `maxIdleConversations` idle conversations, forgetting the least recently used (4.3).
    private func forgetIdleConversations() {
        guard conversations.count > configuration.maxIdleConversations else { return }
        let idle = conversations.filter { $0.value.queue.isEmpty }
        guard idle.count > configuration.maxIdleConversations else { return }
        let excess = idle.count - configuration.maxIdleConversations
        for (key, _) in idle.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }).prefix(excess) {
            logger.debug("forgetting idle conversation \(key)")
            conversations[key] = nil
        }
    }

    private func unfinishedSerials() -> [Int] {
        requests.values.filter { $0.phase != .finished }.map(\.serial).sorted()
    }
}
