import Commands
import Synchronization

/// A one-line spinner with a label on stderr, shown while the REPL waits for the first token (repl.md "Waiting").
///
/// When disabled (`TerminalCapabilities.spinnerEnabled` is false: stderr or stdout not a terminal, `NO_COLOR`,
/// `TERM=dumb`) every call does nothing, so the REPL calls it unconditionally. The animation runs in a task of
/// its own and draws with `\r` on a single line cut to the terminal width (a wrapped line could not be erased).
/// `stop()` erases the line (`\r\e[K`) and returns only when no frame can follow, so the first token or an
/// error can be written right after it.
///
/// ```swift
/// spinner.start(label: "retrieving")
/// for try await event in stream {
///     switch event {
///     case .status(let status): spinner.update(label: status.label)
///     case .token(let text): spinner.stop(); writer.write(text)
///     ...
///     }
/// }
/// spinner.stop()   // also on error, cancellation and an empty answer
/// ```
final class Spinner: Sendable {
    private static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private struct State {
        var label = ""
        var running = false
        var drawn = false
        var frame = 0
        var generation = 0
        var ticker: Task<Void, Never>?
    }

    private let enabled: Bool
    private let writer: TerminalWriter
    private let interval: Duration
    private let columns: @Sendable () -> Int
    private let state = Mutex(State())

    /// Creates a stopped spinner.
    ///
    /// - Parameters:
    ///   - enabled: `TerminalCapabilities.spinnerEnabled`.
    ///   - writer: where frames go (to its stderr).
    ///   - interval: time between frames; the first frame also waits this long, so a fast answer shows none.
    ///   - columns: the terminal width now (`TerminalCapabilities.columns`).
    init(
        enabled: Bool,
        writer: TerminalWriter = .standard,
        interval: Duration = .milliseconds(80),
        columns: @escaping @Sendable () -> Int
    ) {
        self.enabled = enabled
        self.writer = writer
        self.interval = interval
        self.columns = columns
    }

    /// Whether the spinner is animating.
    var isRunning: Bool { state.withLock { $0.running } }

    /// Starts animating with `label`; when already running, only the label changes.
    ///
    /// - Parameter label: what is being waited for, such as "retrieving".
    func start(label: String) {
        guard enabled else { return }
        state.withLock { state in
            state.label = label
            guard !state.running else { return }
            state.running = true
            state.frame = 0
            state.generation += 1
            let generation = state.generation
            let interval = interval
            state.ticker = Task.detached { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let self, !Task.isCancelled else { return }
                    guard self.drawFrame(generation: generation) else { return }
                }
            }
        }
    }

    /// Changes the label; the next frame shows it.
    ///
    /// Ignored when stopped.
    ///
    /// - Parameter label: the new label, from a `status` event.
    func update(label: String) {
        guard enabled else { return }
        state.withLock { $0.label = label }
    }

    /// Stops and erases the spinner line.
    ///
    /// Idempotent; safe to call when never started.
    func stop() {
        guard enabled else { return }
        state.withLock { state in
            guard state.running else { return }
            state.running = false
            state.ticker?.cancel()
            state.ticker = nil
            // Erasing under the lock: a frame being drawn finishes first, and none starts afterwards.
            if state.drawn {
                writer.write("\r\u{1B}[K", to: .standardError)
                state.drawn = false
            }
        }
    }

    /// Draws one frame; returns false when this ticker's run has ended.
    private func drawFrame(generation: Int) -> Bool {
        state.withLock { state in
            guard state.running, state.generation == generation else { return false }
            let glyph = Self.frames[state.frame % Self.frames.count]
            state.frame += 1
            // One column is left free: writing into the last column makes some terminals wrap early.
            let room = max(0, columns() - 1 - DisplayWidth.of(glyph) - 1)
            // The label follows the backend's `status` events: outside text, sanitised like every other.
            let label = DisplayWidth.truncate(OutputSanitizer.visible(state.label), toColumns: room)
            writer.write("\r\u{1B}[K\(glyph) \(label)", to: .standardError)
            state.drawn = true
            return true
        }
    }
}
