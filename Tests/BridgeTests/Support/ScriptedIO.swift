import Bridge
import ChatTestSupport
import Foundation
import Synchronization

/// Input bytes a test hands to the bridge over time; `read()` waits for the next chunk like a pipe.
final class ScriptedInput: ByteSource {
    private struct State {
        var chunks: [[UInt8]] = []
        var closed = false
        var waiter: CheckedContinuation<[UInt8]?, Never>?
        var reads = 0
    }

    private let state = Mutex(State())
    private let changes = Changes()

    init() {}

    /// Input that is complete from the start: these lines (LF added), then end of input.
    convenience init(lines: [String], close: Bool = true) {
        self.init()
        if !lines.isEmpty { send(lines.map { $0 + "\n" }.joined()) }
        if close { self.close() }
    }

    /// Sends text as one chunk, as one `write(2)` of the host would.
    func send(_ text: String) {
        send(bytes: Array(text.utf8))
    }

    /// Sends raw bytes as one chunk.
    func send(bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                state.reads += 1
                return waiter
            }
            state.chunks.append(bytes)
            return nil
        }
        waiter?.resume(returning: bytes)
    }

    /// Ends the input once the chunks sent so far are read.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Chunks the bridge has taken so far.
    var reads: Int { state.withLock { $0.reads } }

    /// Chunks sent but not yet taken.
    var unread: Int { state.withLock { $0.chunks.count } }

    /// Waits until the bridge has taken everything sent so far and asks for more: every line sent is accepted.
    func waitUntilDrained() async {
        await changes.wait { state.withLock { $0.waiter != nil } }
    }

    func read() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [UInt8]?? in
                if !state.chunks.isEmpty {
                    state.reads += 1
                    return .some(state.chunks.removeFirst())
                }
                if state.closed { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) } else { changes.notify() }
        }
    }
}

/// Collects what the bridge writes; can act as a slow reader or one that goes away.
final class CollectingSink: RecordSink {
    private struct State {
        var bytes: [UInt8] = []
        var writes = 0
        /// Writes made by a producer itself rather than by the writer's thread.
        var directWrites = 0
        var paused = false
        /// Writes that found the sink paused and waited.
        var blockedWrites = 0
    }

    private let state = Mutex(State())
    private let changes = Changes()
    private let delay: Duration?
    private let failAfter: Int?
    private let failure: SinkFailure
    private let takesAtOnce: Bool

    /// - Parameters:
    ///   - delay: how long each write takes (a slow reader).
    ///   - failAfter: writes that succeed before every later one fails (a reader that went away).
    ///   - failure: how the later writes fail.
    ///   - takesAtOnce: whether it says it takes records without blocking while not paused (like a pipe with
    ///     room), so producers write directly.
    init(
        delay: Duration? = nil,
        failAfter: Int? = nil,
        failure: SinkFailure = .readerGone,
        takesAtOnce: Bool = false
    ) {
        self.delay = delay
        self.failAfter = failAfter
        self.failure = failure
        self.takesAtOnce = takesAtOnce
    }

    func takesWithoutBlocking(_ count: Int) -> Bool {
        takesAtOnce && !state.withLock { $0.paused }
    }

    /// How many writes came from a producer rather than the writer's thread.
    var directWrites: Int { state.withLock { $0.directWrites } }

    func write(_ bytes: [UInt8]) -> SinkFailure? {
        if state.withLock({ state in
            if state.paused { state.blockedWrites += 1 }
            return state.paused
        }) {
            changes.notify()
            while state.withLock({ $0.paused }) { Thread.sleep(forTimeInterval: 0.002) }
        }
        if let delay {
            Thread.sleep(
                forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds)
            )
        }
        defer { changes.notify() }
        return state.withLock { state in
            if let failAfter, state.writes >= failAfter { return failure }
            state.writes += 1
            if Thread.current.name != "chatshell.bridge.writer" { state.directWrites += 1 }
            state.bytes += bytes
            return nil
        }
    }

    /// Waits until the lines written satisfy `condition` (checked after every write).
    ///
    /// - Returns: Whether they did before the watchdog.
    @discardableResult
    func waitFor(_ condition: ([String]) -> Bool) async -> Bool {
        await changes.wait { condition(lines) }
    }

    /// Waits until a writer is stuck on the paused sink.
    func waitUntilBlocked() async {
        await changes.wait { state.withLock { $0.blockedWrites > 0 } }
    }

    /// Stops taking bytes (a reader that stalls) until `resume()`.
    func pause() { state.withLock { $0.paused = true } }

    /// Takes bytes again.
    func resume() { state.withLock { $0.paused = false } }

    /// Everything written so far, as text.
    var text: String { String(decoding: state.withLock { $0.bytes }, as: UTF8.self) }

    /// Complete lines written so far.
    var lines: [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Writes so far (one per record).
    var writes: Int { state.withLock { $0.writes } }
}
