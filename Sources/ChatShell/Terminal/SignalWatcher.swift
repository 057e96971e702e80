import Foundation
import Glibc
import Synchronization

/// The process's SIGINT (and SIGWINCH) handling for the interactive REPL.
///
/// A C-level `sigaction` handler writes one byte into a self-pipe (the only async-signal-safe way out of a
/// handler); a dispatcher thread reads the pipe and routes each signal to exactly one place:
///
/// - while a line reader shows a prompt, to that reader (`attachPrompt(_:)`): Ctrl-C clears the typed text;
/// - otherwise to every `interrupts()` stream (Ctrl-C while an answer streams or a command waits), which the
///   REPL turns into cancelling that work. Nothing exits the process on SIGINT once the watcher is installed.
///
/// A signal arriving when neither is listening (between an answer and the next prompt) is dropped.
///
/// Why not ServiceLifecycle's `UnixSignalsSequence`, which the server and the bridge use: its signals arrive on a
/// dispatch queue as an async sequence, but the prompt's reader is a dedicated thread blocked in `select()` inside
/// readline's callback interface, and only a file descriptor can wake that wait. SIGCONT (after Ctrl-Z) and SIGWINCH
/// must also reach readline on that thread (`rl_resize_terminal`, redisplay), never on a queue racing it.
///
/// How the REPL loop uses it:
///
/// ```swift
/// let signals = SignalWatcher.install()          // once, before the first prompt
/// let reader = ReadlineLineReader(historyFile: path, completer: completer, signals: signals)
/// while true {
///     switch await reader.readLine(prompt: "> ") {   // Ctrl-C here comes back as .interrupt
///     case .endOfInput: save and exit
///     case .interrupt: drop any open """ block; continue
///     case .line(let text):
///         // Subscribes before the work starts, cancels the work on every Ctrl-C, unsubscribes at the end.
///         try await signals.cancellingOnInterrupt { try await runTurn(text) }
///     }
/// }
/// ```
final class SignalWatcher: Sendable {
    /// A signal as the watcher routes it.
    enum Signal: Sendable, Equatable {
        /// SIGINT: Ctrl-C.
        case interrupt
        /// SIGWINCH: the terminal changed size.
        case resize
        /// SIGCONT: the process runs again after Ctrl-Z and `fg`; a prompt must be drawn again.
        case resume
    }

    private struct State {
        var promptSink: (@Sendable (Signal) -> Void)?
        var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextSubscriberID = 0
    }

    private let state = Mutex(State())

    private static let installed = Mutex<SignalWatcher?>(nil)

    private init() {}

    /// Installs the handlers for SIGINT and SIGWINCH, ignores SIGPIPE, and starts the dispatcher thread.
    ///
    /// Idempotent: later calls return the same watcher. Only the interactive REPL should call it; `ask`, `serve`
    /// and the bridge keep the default SIGINT behaviour.
    ///
    /// - Returns: the process-wide watcher.
    static func install() -> SignalWatcher {
        installed.withLock { existing in
            if let existing { return existing }
            let watcher = SignalWatcher()
            // Creating the pipe before the handler is installed means the handler only ever sees a ready fd.
            let pipe = signalPipe
            _ = stopCounter.load(ordering: .relaxed)
            ignoreBrokenPipe()
            installStopHandler()
            for signo in [SIGINT, SIGWINCH, SIGCONT] {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = signalHandler
                sigemptyset(&action.sa_mask)
                // SA_RESTART keeps reads and writes elsewhere in the process from failing with EINTR.
                action.sa_flags = SA_RESTART
                sigaction(signo, &action, nil)
            }
            watcher.startDispatcher(readFD: pipe.read)
            existing = watcher
            return watcher
        }
    }

    /// Ignores SIGPIPE so a write to a closed pipe fails with `EPIPE` (which `TerminalWriter` handles) instead
    /// of killing the process.
    static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// How often the process was stopped by Ctrl-Z (SIGTSTP) so far.
    ///
    /// An answer being written compares it between tokens to learn that the shell wrote its job-control lines
    /// meanwhile. Counted by the SIGTSTP handler before it stops the process, so the count has moved before any
    /// thread runs again after `fg`.
    var stopCount: Int { stopCounter.load(ordering: .acquiring) }

    // MARK: - Interrupts as a sequence

    /// A stream that yields once per Ctrl-C pressed while no prompt is showing.
    ///
    /// Subscribe before starting the work that a Ctrl-C should stop, and end the iteration (cancel the task that
    /// iterates) when the work is over. Presses that arrive faster than they are consumed collapse into one.
    ///
    /// - Returns: a stream that finishes when its iterating task is cancelled.
    func interrupts() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Runs `operation` in a child task and cancels that task on every Ctrl-C until it returns.
    ///
    /// No number of presses ends the process: each one only cancels. The operation sees cancellation as a thrown
    /// `CancellationError` or `Task.isCancelled`, and keeps whatever partial result it wants to keep.
    ///
    /// - Parameter operation: the answer stream, the `/compare` stream, or an upload's waiting.
    /// - Returns: what `operation` returns.
    /// - Throws: what `operation` throws, `CancellationError` included.
    func cancellingOnInterrupt<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let interrupts = interrupts()
        let work = Task { try await operation() }
        let watcher = Task {
            for await _ in interrupts { work.cancel() }
        }
        defer { watcher.cancel() }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    }

    // MARK: - Prompt routing (line readers)

    /// Routes every signal to `sink` until `detachPrompt()`; interrupt streams get nothing meanwhile.
    ///
    /// Called by a line reader when it starts showing a prompt. The sink runs on the dispatcher thread and must
    /// only hand the signal over (the readline reader writes a byte into its own wake-up pipe).
    ///
    /// - Parameter sink: receives each signal.
    func attachPrompt(_ sink: @escaping @Sendable (Signal) -> Void) {
        state.withLock { $0.promptSink = sink }
    }

    /// Ends the routing set up by `attachPrompt(_:)`.
    func detachPrompt() {
        state.withLock { $0.promptSink = nil }
    }

    /// Routes one signal as if it had arrived from the kernel (the dispatcher thread and tests use it).
    ///
    /// - Parameter signal: the signal to route.
    func deliver(_ signal: Signal) {
        let (sink, subscribers) = state.withLock { ($0.promptSink, Array($0.subscribers.values)) }
        if let sink {
            sink(signal)
        } else if signal == .interrupt {
            for subscriber in subscribers { subscriber.yield() }
        }
    }

    private func startDispatcher(readFD: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if count == 0 { return }
                for byte in buffer[0..<count] {
                    switch byte {
                    case SignalByte.resize: deliver(.resize)
                    case SignalByte.resume: deliver(.resume)
                    default: deliver(.interrupt)
                    }
                }
            }
        }
        thread.name = "chatshell.signals"
        thread.start()
    }
}

// MARK: - C glue

/// The bytes the handler writes into the self-pipe.
private enum SignalByte {
    static let interrupt: UInt8 = 0x49
    static let resize: UInt8 = 0x57
    static let resume: UInt8 = 0x43
}

/// The self-pipe, as its read and write ends.
///
/// An immutable global, created on first use (from `install()`, before any handler exists), so the handler
/// reads an already-initialised value.
private let signalPipe: (read: Int32, write: Int32) = {
    guard let fds = WakePipe.openPipe(nonBlocking: false) else { return (-1, -1) }
    // A full pipe (thousands of unread presses) must drop a byte, never block inside the handler; the read end
    // stays blocking for the dispatcher thread.
    _ = fcntl(fds.write, F_SETFL, fcntl(fds.write, F_GETFL) | O_NONBLOCK)
    return fds
}()

/// SIGTSTP deliveries, counted by `stopHandler`: a lock-free atomic, created on first use in `install()` like
/// `signalPipe`, so the handler only touches an initialised value.
private let stopCounter = Atomic<Int>(0)

/// Ctrl-Z: counts the stop, then stops the process as the default action does.
///
/// `SA_RESETHAND` makes the action the default on entry, and the SIGTSTP raised here is blocked until the handler
/// returns; SIGCONT installs this handler again (`signalHandler`). Only `sigaction`, `raise` and a lock-free
/// atomic add: async-signal-safe.
private let stopHandler: @convention(c) (Int32) -> Void = { _ in
    let savedErrno = errno
    stopCounter.add(1, ordering: .releasing)
    raise(SIGTSTP)
    errno = savedErrno
}

/// Installs `stopHandler` for SIGTSTP, for one delivery.
private func installStopHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = stopHandler
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART | Int32(bitPattern: UInt32(SA_RESETHAND))
    sigaction(SIGTSTP, &action, nil)
}

/// Runs in signal context: only `write(2)`, `errno` and `sigaction`, all async-signal-safe.
private let signalHandler: @convention(c) (Int32) -> Void = { signo in
    let savedErrno = errno
    // Literals rather than `SignalByte`'s statics: no lazily initialised value is touched in signal context.
    if signo == SIGCONT { installStopHandler() }
    var byte: UInt8 = signo == SIGWINCH ? 0x57 : signo == SIGCONT ? 0x43 : 0x49
    _ = write(signalPipe.write, &byte, 1)
    errno = savedErrno
}
