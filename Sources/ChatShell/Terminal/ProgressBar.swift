import Commands
import Synchronization

/// A one-line progress bar on stderr for uploads: `label  [=========>        ]  42%` (repl.md "Upload feedback").
///
/// Drawn only when enabled (`TerminalCapabilities.progressBarEnabled`); otherwise every call does nothing and
/// the REPL prints just the summary line. The line is fitted to the terminal width measured in display columns:
/// the label gets at most half of it, the bar the rest (at least 10 columns, else no bar). `finish()` erases the
/// line so the summary replaces it.
///
/// Smooth motion: the backend reports progress in stage steps (10, 40, 70%), so the bar does not jump to each
/// report. A ticker draws a shown fraction that eases toward the reported one, and while a stage runs it creeps on
/// toward a ceiling a little above the report (`creepRoom`) that it approaches but never reaches, so the bar
/// never claims more than the next stage is likely to report and never moves backwards.
///
/// Resizing: each frame asks the width. When the window narrowed since the last frame, a terminal that reflows
/// (tmux, VTE, kitty, iTerm2) has wrapped the old line onto several rows with the cursor on the last; the bar
/// moves up over those rows and clears to the end of the screen (`eraseSequence`), so no broken line is left.
///
/// ```swift
/// for await status in backend.statusUpdates(ticket) {
///     bar.update(fraction: status.progress, label: "Indexing travel-policy.pdf")
/// }
/// bar.finish()
/// writer.writeLine("Indexed travel-policy.pdf as doc_T3: 8 chunks, 2 pages")
/// ```
final class ProgressBar: Sendable {
    /// How far past the last reported fraction the bar may creep while it waits for the next report.
    static let creepRoom = 0.08
    /// The share of the remaining distance to the target covered per frame (about 0.2 s to settle).
    static let easing = 0.3
    /// The share of the remaining distance to the creep ceiling covered per frame.
    static let creepRate = 0.02

    private struct State {
        var label = ""
        var target = 0.0
        var shown = 0.0
        var running = false
        /// What the last frame wrote, and the width it was written at.
        var lastLine: String?
        var lastColumns = 0
        var ticker: Task<Void, Never>?
    }

    private let enabled: Bool
    private let writer: TerminalWriter
    private let columns: @Sendable () -> Int
    private let interval: Duration
    private let state = Mutex(State())

    /// Creates a bar that has not drawn anything yet.
    ///
    /// - Parameters:
    ///   - enabled: `TerminalCapabilities.progressBarEnabled`.
    ///   - writer: where the bar goes (to its stderr).
    ///   - interval: time between frames.
    ///   - columns: the terminal width now (`TerminalCapabilities.columns`).
    init(
        enabled: Bool,
        writer: TerminalWriter = .standard,
        interval: Duration = .milliseconds(50),
        columns: @escaping @Sendable () -> Int
    ) {
        self.enabled = enabled
        self.writer = writer
        self.interval = interval
        self.columns = columns
    }

    /// Sets the reported progress; the bar moves toward it over the next frames.
    ///
    /// - Parameters:
    ///   - fraction: progress from 0 to 1 (clamped).
    ///   - label: what is progressing, such as the file name.
    func update(fraction: Double, label: String) {
        guard enabled else { return }
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        state.withLock { state in
            state.label = label
            // Reports only grow within a file (`finish()` starts the next from zero); a lower one just stops the
            // creep, since `advance` never moves the bar backwards.
            state.target = clamped
            if !state.running {
                state.running = true
                drawLocked(&state)
                let interval = interval
                state.ticker = Task.detached { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        guard let self, !Task.isCancelled, self.tick() else { return }
                    }
                }
            }
        }
    }

    /// Erases the bar's line and stops the animation.
    ///
    /// Idempotent.
    func finish() {
        guard enabled else { return }
        state.withLock { state in
            state.ticker?.cancel()
            state.ticker = nil
            state.running = false
            state.target = 0
            state.shown = 0
            guard let last = state.lastLine else { return }
            writer.write(Self.eraseSequence(drawnWidth: DisplayWidth.of(last), columns: columns()), to: .standardError)
            state.lastLine = nil
        }
    }

    /// Writes lines above the bar: the bar is erased, `body` writes, and the bar is drawn again below at the
    /// fraction it had, so a batch's result lines never land on the bar's row and the bar never starts over.
    ///
    /// - Parameter body: writes whole lines (to stdout or stderr).
    func printAbove(_ body: () -> Void) {
        guard enabled else { return body() }
        state.withLock { state in
            if let last = state.lastLine {
                writer.write(
                    Self.eraseSequence(drawnWidth: DisplayWidth.of(last), columns: columns()),
                    to: .standardError
                )
                state.lastLine = nil
            }
            body()
            if state.running { drawLocked(&state) }
        }
    }

    /// One frame: advance the shown fraction and redraw; false once finished.
    private func tick() -> Bool {
        state.withLock { state in
            guard state.running else { return false }
            state.shown = Self.advance(shown: state.shown, target: state.target)
            drawLocked(&state)
            return true
        }
    }

    private func drawLocked(_ state: inout State) {
        let width = columns()
        let line = Self.line(fraction: state.shown, label: state.label, columns: width)
        guard line != state.lastLine || width != state.lastColumns else { return }
        let erase =
            state.lastLine.map { Self.eraseSequence(drawnWidth: DisplayWidth.of($0), columns: width) } ?? "\r\u{1B}[K"
        writer.write(erase + line, to: .standardError)
        state.lastLine = line
        state.lastColumns = width
    }

    /// The next shown fraction: eased toward the target, then creeping toward a ceiling it never reaches.
    ///
    /// - Parameters:
    ///   - shown: the fraction drawn now.
    ///   - target: the last reported fraction.
    /// - Returns: a fraction not below `shown` (unless the target is lower), never past `target + creepRoom`.
    static func advance(shown: Double, target: Double) -> Double {
        if shown < target - 0.001 { return shown + (target - shown) * easing }
        guard target < 1 else { return 1 }
        let ceiling = min(0.99, target + creepRoom)
        return max(shown, shown + (ceiling - shown) * creepRate)
    }

    /// Moves to the start of the bar's line and clears it, and the rows it wrapped onto when the window narrowed.
    ///
    /// - Parameters:
    ///   - drawnWidth: the display width of the line last drawn.
    ///   - columns: the terminal width now.
    /// - Returns: `\r` and `ESC[K`, preceded by a move up over the wrapped rows and followed by `ESC[J` when the
    ///   line no longer fits.
    static func eraseSequence(drawnWidth: Int, columns: Int) -> String {
        let rows = columns > 0 ? max(1, (drawnWidth + columns - 1) / columns) : 1
        guard rows > 1 else { return "\r\u{1B}[K" }
        return "\u{1B}[\(rows - 1)A\r\u{1B}[J"
    }

    /// The text of the bar, at most `columns - 3` display columns wide.
    ///
    /// - Parameters:
    ///   - fraction: progress from 0 to 1 (clamped; NaN counts as 0).
    ///   - label: what is progressing.
    ///   - columns: the terminal width.
    /// - Returns: the line without escape codes.
    static func line(fraction: Double, label: String, columns: Int) -> String {
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let percent = Int((clamped * 100).rounded(.down))
        let percentText = String(repeating: " ", count: 3 - String(percent).count) + "\(percent)%"
        // The last three columns stay free: writing into the last makes some terminals wrap before the `\r`, and
        // the terminal echoes `^C` after the bar when Ctrl-C stops the waiting, which must stay on the bar's row
        // for the erase to take it too.
        let width = max(1, columns - 3)
        let fixed = DisplayWidth.of(percentText)
        // The label holds a file name and the backend's stage: outside text, on one line.
        let safeLabel = OutputSanitizer.sanitize(label, policy: .visible, keepLayout: false)
        let labelText = DisplayWidth.truncate(safeLabel, toColumns: min(DisplayWidth.of(safeLabel), width / 2))
        let prefix = labelText.isEmpty ? "" : labelText + "  "
        // The two brackets and the two spaces before the percentage.
        let barInner = width - DisplayWidth.of(prefix) - fixed - 2 - 2
        guard barInner >= 10 else {
            // Too narrow for a bar: the label and the number, or the number alone.
            let number = "\(percent)%"
            let short = prefix + number
            return DisplayWidth.of(short) <= width ? short : DisplayWidth.truncate(number, toColumns: width)
        }
        let filled = Int((Double(barInner) * clamped).rounded(.down))
        var bar = String(repeating: "=", count: filled)
        if filled < barInner {
            bar += filled > 0 ? ">" : " "
            bar += String(repeating: " ", count: barInner - filled - 1)
        }
        return prefix + "[" + bar + "]  " + percentText
    }
}
