import ChatAPI
import DescriptorIO
import Dispatch
import Synchronization

/// The request a record belongs to: its serial (ids may be reused once finished, serials never are) and its id
/// already as JSON text.
struct RequestTag: Sendable, Hashable {
    var serial: Int
    var idJSON: String
}

/// One record to write.
struct OutputRecord: Sendable {
    enum Kind: Sendable {
        /// A whole line without its LF: a plain-mode line, or a JSONL event without `id`/`seq`.
        case line(String)
        /// A JSONL event of a request: its type and the members after `seq` (`,"key":value…`).
        case event(type: String, members: String)
        /// A JSONL `token` event; consecutive ones of a request merge while they wait.
        case token(String)
    }

    var tag: RequestTag?
    var kind: Kind
    /// The last record of its request: the writer forgets the request's `seq` counter after it.
    var terminal = false
    /// When the backend event behind this record reached the bridge, for the latency figures.
    var received: ContinuousClock.Instant?
}

/// The single writer of the protocol stream (bridge.md 2.3 and 4.4).
///
/// Records wait in one queue and a dedicated thread writes them one at a time, each whole with its LF, through
/// the sink; a record that finds the queue empty and the sink ready to take it at once is written by its producer
/// instead, which spares the thread's wake-up. The queue is also where output flow control happens:
///
/// - `seq` is assigned when a record is taken for writing, so merging never leaves a gap;
/// - a `token` arriving while its request's previous record is a `token` still in the queue is appended to it:
///   a blocked reader gets fewer, larger tokens and nothing is lost;
/// - with coalescing, a `token` is held until it is `coalesce` old or its request writes something else;
/// - `waitForRoom()` holds producers back while more than `maxBuffer` bytes wait, until half of them are out.
///
/// The thread blocks in `write(2)` when the reader is slow, which is why it is not a task on the cooperative pool.
final class RecordWriter: Sendable {
    /// Counters for tests and the benchmark.
    struct Counters: Sendable {
        var records = 0
        var bytes = 0
        var mergedTokens = 0
        var peakBacklogBytes = 0
        /// Time from a backend event's arrival to the end of the `write(2)` of its record, in nanoseconds.
        var latencies: [Int64] = []
    }

    private struct Slot {
        var tag: RequestTag?
        var kind: OutputRecord.Kind
        /// Token text, kept apart from `kind` so merging appends in place.
        var tokenText = ""
        var terminal: Bool
        var received: ContinuousClock.Instant?
        var due: ContinuousClock.Instant?
        var bytes: Int
    }

    private struct State {
        var slots: [Slot?] = []
        var head = 0
        /// Absolute index of `slots[0]`; indices in `openToken` are absolute so compaction does not move them.
        var base = 0
        var live = 0
        /// Per request, the absolute index of its queued token when that token is its latest queued record.
        var openToken: [Int: Int] = [:]
        var seq: [Int: Int] = [:]
        var backlogBytes = 0
        var closed = false
        var sleeping = false
        var busy = false
        /// A producer is writing a record itself (`enqueue`'s direct path); the thread waits for it.
        var direct = false
        var onFailure: (@Sendable (SinkFailure) -> Void)?
        var nextWaiterID = 0
        var roomWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var counters = Counters()
    }

    private enum Step {
        case write(Slot, seq: Int?)
        case sleep(until: ContinuousClock.Instant?)
        case stop
    }

    /// The most latency samples kept; enough for stable percentiles without growing with the run.
    private static let maxSamples = 1 << 18

    private let sink: any RecordSink
    private let maxBuffer: Int
    private let coalesce: Duration?
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let measure: Bool

    /// - Parameters:
    ///   - sink: where records go.
    ///   - maxBuffer: the backlog, in bytes, past which producers wait.
    ///   - coalesce: how long a token may wait for more tokens even when the reader keeps up; nil for never.
    ///   - measure: whether to keep latency samples.
    init(sink: any RecordSink, maxBuffer: Int, coalesce: Duration?, measure: Bool = true) {
        self.sink = sink
        self.maxBuffer = max(1, maxBuffer)
        self.coalesce = coalesce
        self.measure = measure
    }

    /// Starts the writing thread.
    ///
    /// - Parameter onFailure: called once, on the writing thread, when the sink stops taking bytes.
    func start(onFailure: @escaping @Sendable (SinkFailure) -> Void) {
        state.withLock { $0.onFailure = onFailure }
        DedicatedThread.start(name: "chatshell.bridge.writer") { [self] in
            run(onFailure: onFailure)
        }
    }

    // MARK: - Producers

    /// What `enqueue` does once the record is queued.
    private enum Handoff {
        case none
        case wakeWriter
        /// The queue was empty and the sink takes the record at once: the producer writes it itself, sparing the
        /// writer thread's wake-up (most of the bridge's latency when the cores are busy).
        case writeDirectly(Slot, seq: Int?)
    }

    /// Queues a record; returns at once (never blocks on the reader).
    func enqueue(_ record: OutputRecord) {
        let now = ContinuousClock.now
        let handoff = state.withLock { state -> Handoff in
            guard !state.closed else { return .none }
            if case .token(let text) = record.kind, let tag = record.tag {
                if let index = state.openToken[tag.serial], state.slots[index - state.base] != nil {
                    state.slots[index - state.base]?.tokenText += text
                    state.slots[index - state.base]?.bytes += text.utf8.count
                    state.backlogBytes += text.utf8.count
                    state.counters.mergedTokens += 1
                    state.counters.peakBacklogBytes = max(state.counters.peakBacklogBytes, state.backlogBytes)
                    return .none
                }
                let slot = Slot(
                    tag: tag,
                    kind: record.kind,
                    tokenText: text,
                    terminal: false,
                    received: record.received,
                    due: coalesce.map { now + $0 },
                    bytes: Self.estimate(record, tokenText: text)
                )
                state.openToken[tag.serial] = state.base + state.slots.count
                Self.append(slot, to: &state)
            } else {
                if let tag = record.tag, let index = state.openToken.removeValue(forKey: tag.serial) {
                    // Something else of the same request follows: the held token must go out first, now.
                    state.slots[index - state.base]?.due = nil
                }
                let slot = Slot(
                    tag: record.tag,
                    kind: record.kind,
                    terminal: record.terminal,
                    received: record.received,
                    due: nil,
                    bytes: Self.estimate(record, tokenText: "")
                )
                Self.append(slot, to: &state)
            }
            if state.live == 1, !state.busy, !state.direct, state.onFailure != nil,
                let first = state.slots[state.head], first.due == nil,
                sink.takesWithoutBlocking(Self.largestEncoding(first)),
                let (slot, seq) = Self.take(now: now, from: &state)
            {
                state.direct = true
                return .writeDirectly(slot, seq: seq)
            }
            guard state.sleeping else { return .none }
            state.sleeping = false
            return .wakeWriter
        }
        switch handoff {
        case .none: break
        case .wakeWriter: wake.signal()
        case .writeDirectly(let slot, let seq): writeDirectly(slot, seq: seq)
        }
    }

    /// Writes a record taken by `enqueue`, then settles the queue as the writer thread would.
    private func writeDirectly(_ slot: Slot, seq: Int?) {
        let bytes = Self.encode(slot, seq: seq)
        let failure = sink.write(bytes)
        let written = ContinuousClock.now
        if let failure, let onFailure = state.withLock({ $0.onFailure }) { onFailure(failure) }
        var release: [CheckedContinuation<Void, Never>] = []
        let signal = state.withLock { state -> Bool in
            state.direct = false
            release = settle(slot, bytes: bytes.count, written: written, failure: failure, in: &state)
            if failure != nil { return true }
            if state.live == 0 { release += Self.takeAllWaiters(&state) }
            guard state.live > 0, state.sleeping else { return false }
            state.sleeping = false
            return true
        }
        release.forEach { $0.resume() }
        if signal { wake.signal() }
    }

    /// Returns when the backlog allows more output: at once below `maxBuffer`, else once it is down to half.
    ///
    /// A cancelled caller returns at once, so cancelled work never waits for a blocked reader.
    func waitForRoom() async {
        let full = state.withLock { !$0.closed && $0.backlogBytes > maxBuffer }
        guard full else { return }
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.backlogBytes <= maxBuffer / 2 || Task.isCancelled { return true }
                    state.roomWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.roomWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Returns once every queued record is written, the sink failed, or `timeout` passed.
    ///
    /// - Parameter timeout: the longest wait; nil waits as long as it takes.
    func waitUntilIdle(timeout: Duration?) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        if let timeout {
            Task {
                try? await Task.sleep(for: timeout)
                state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.closed || (state.live == 0 && !state.busy && !state.direct) { return true }
                state.idleWaiters[id] = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Stops writing: queued records are dropped and waiters released.
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            return Self.takeAllWaiters(&state)
        }
        waiters.forEach { $0.resume() }
        wake.signal()
    }

    /// Bytes queued but not yet written.
    var backlogBytes: Int { state.withLock { $0.backlogBytes } }

    /// What the writer did so far.
    var counters: Counters { state.withLock { $0.counters } }

    /// Producers waiting in `waitForRoom()`; tests wait for one before letting the reader go on.
    var roomWaiters: Int { state.withLock { $0.roomWaiters.count } }

    // MARK: - The writing thread

    private func run(onFailure: @Sendable (SinkFailure) -> Void) {
        while true {
            let now = ContinuousClock.now
            var idle: [CheckedContinuation<Void, Never>] = []
            let step = state.withLock { state -> Step in
                if state.closed { return .stop }
                if state.direct {
                    // A producer is writing; it wakes this thread when it is done and records wait.
                    state.sleeping = true
                    return .sleep(until: nil)
                }
                if let (slot, seq) = Self.take(now: now, from: &state) {
                    state.busy = true
                    return .write(slot, seq: seq)
                }
                state.busy = false
                state.sleeping = true
                if state.live == 0 {
                    idle = Array(state.idleWaiters.values) + Array(state.roomWaiters.values)
                    state.idleWaiters = [:]
                    state.roomWaiters = [:]
                    return .sleep(until: nil)
                }
                return .sleep(until: Self.earliestDue(in: state))
            }
            idle.forEach { $0.resume() }
            switch step {
            case .stop:
                return
            case .sleep(let deadline):
                if let deadline {
                    let nanoseconds = max(0, Self.nanoseconds(now.duration(to: deadline)))
                    _ = wake.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
                } else {
                    wake.wait()
                }
            case .write(let slot, let seq):
                let bytes = Self.encode(slot, seq: seq)
                let failure = sink.write(bytes)
                let written = ContinuousClock.now
                // Reported before the writer counts as closed, so whoever a close releases sees the failure.
                if let failure { onFailure(failure) }
                let room = state.withLock { state in
                    state.busy = false
                    return settle(slot, bytes: bytes.count, written: written, failure: failure, in: &state)
                }
                room.forEach { $0.resume() }
                if failure != nil { return }
            }
        }
    }

    /// Accounts for a written record: backlog, counters and latency, and closes the writer on failure.
    ///
    /// - Returns: The waiters to release: all of them on failure, else producers waiting for room once the
    ///   backlog is down to half.
    private func settle(
        _ slot: Slot,
        bytes: Int,
        written: ContinuousClock.Instant,
        failure: SinkFailure?,
        in state: inout State
    ) -> [CheckedContinuation<Void, Never>] {
        state.backlogBytes -= slot.bytes
        state.counters.records += 1
        state.counters.bytes += bytes
        if measure, let received = slot.received, state.counters.latencies.count < Self.maxSamples {
            state.counters.latencies.append(Self.nanoseconds(received.duration(to: written)))
        }
        if failure != nil {
            state.closed = true
            return Self.takeAllWaiters(&state)
        }
        guard state.backlogBytes <= maxBuffer / 2, !state.roomWaiters.isEmpty else { return [] }
        defer { state.roomWaiters = [:] }
        return Array(state.roomWaiters.values)
    }

    // MARK: - Queue helpers

    private static func append(_ slot: Slot, to state: inout State) {
        state.slots.append(slot)
        state.live += 1
        state.backlogBytes += slot.bytes
        state.counters.peakBacklogBytes = max(state.counters.peakBacklogBytes, state.backlogBytes)
    }

    /// Takes the first record that is due, assigning its `seq`.
    private static func take(now: ContinuousClock.Instant, from state: inout State) -> (Slot, Int?)? {
        var index = state.head
        while index < state.slots.count {
            guard let slot = state.slots[index] else {
                index += 1
                continue
            }
            if let due = slot.due, due > now {
                index += 1
                continue
            }
            let absolute = state.base + index
            state.slots[index] = nil
            state.live -= 1
            if let tag = slot.tag, case .token = slot.kind, state.openToken[tag.serial] == absolute {
                state.openToken[tag.serial] = nil
            }
            while state.head < state.slots.count, state.slots[state.head] == nil { state.head += 1 }
            if state.head == state.slots.count {
                state.slots.removeAll(keepingCapacity: true)
                state.base += state.head
                state.head = 0
            } else if state.head > 1024, state.head * 2 > state.slots.count {
                state.slots.removeFirst(state.head)
                state.base += state.head
                state.head = 0
            }
            var seq: Int?
            if let tag = slot.tag {
                let number = state.seq[tag.serial, default: 0]
                seq = number
                if slot.terminal {
                    state.seq[tag.serial] = nil
                } else {
                    state.seq[tag.serial] = number + 1
                }
            }
            return (slot, seq)
        }
        return nil
    }

    private static func earliestDue(in state: State) -> ContinuousClock.Instant? {
        state.slots[state.head...].compactMap { $0?.due }.min()
    }

    private static func takeAllWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let waiters = Array(state.roomWaiters.values) + Array(state.idleWaiters.values)
        state.roomWaiters = [:]
        state.idleWaiters = [:]
        return waiters
    }

    /// The most bytes a record can take once encoded: JSON escaping makes a character at most six bytes.
    private static func largestEncoding(_ slot: Slot) -> Int {
        let envelope = 64 + (slot.tag?.idJSON.utf8.count ?? 0)
        switch slot.kind {
        case .line(let line): return line.utf8.count + 1
        case .event(let type, let members): return envelope + type.utf8.count + members.utf8.count
        case .token: return envelope + 6 * slot.tokenText.utf8.count
        }
    }

    /// A record's size for the backlog: its text plus a fixed allowance for the envelope.
    private static func estimate(_ record: OutputRecord, tokenText: String) -> Int {
        let envelope = 40 + (record.tag?.idJSON.utf8.count ?? 0)
        switch record.kind {
        case .line(let line): return line.utf8.count + 1
        case .event(let type, let members): return envelope + type.utf8.count + members.utf8.count
        case .token: return envelope + tokenText.utf8.count
        }
    }

    private static func encode(_ slot: Slot, seq: Int?) -> [UInt8] {
        var text: String
        switch slot.kind {
        case .line(let line):
            text = line
        case .event(let type, let members):
            text = "{\"type\":\"" + type + "\"" + envelope(slot.tag, seq: seq) + members + "}"
        case .token:
            text =
                "{\"type\":\"token\"" + envelope(slot.tag, seq: seq) + ",\"text\":" + JSONText.string(slot.tokenText)
                + "}"
        }
        text += "\n"
        return Array(text.utf8)
    }

    private static func envelope(_ tag: RequestTag?, seq: Int?) -> String {
        guard let tag, let seq else { return "" }
        return ",\"id\":" + tag.idJSON + ",\"seq\":" + String(seq)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
