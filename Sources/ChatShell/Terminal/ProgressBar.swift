import Commands
import Synchronization

/// A one-line progress bar on stderr for uploads: `label  [=========>        ]  42%` (repl.md "Upload feedback").
///
/// Drawn only when enabled (`TerminalCapabilities.progressBarEnabled`); otherwise every call does nothing and
/// the REPL prints just the summary line. The line is fitted to the terminal width measured in display columns:
/// the label gets at most half of it, the bar the rest (at least 10 columns, else no bar). `finish()` erases the
/// line so the summary replaces it.
///
/// ```swift
/// for await status in backend.statusUpdates(ticket) {
///     bar.update(fraction: status.progress, label: "Indexing travel-policy.pdf")
/// }
/// bar.finish()
/// writer.writeLine("Indexed travel-policy.pdf as doc_T3: 8 chunks, 2 pages")
/// ```
final class ProgressBar: Sendable {
    private struct State {
        var lastLine: String?
    }

    private let enabled: Bool
    private let writer: TerminalWriter
    private let columns: @Sendable () -> Int
    private let state = Mutex(State())

    /// Creates a bar that has not drawn anything yet.
    ///
    /// - Parameters:
    ///   - enabled: `TerminalCapabilities.progressBarEnabled`.
    ///   - writer: where the bar goes (to its stderr).
    ///   - columns: the terminal width now (`TerminalCapabilities.columns`).
    init(enabled: Bool, writer: TerminalWriter = .standard, columns: @escaping @Sendable () -> Int) {
        self.enabled = enabled
        self.writer = writer
        self.columns = columns
    }

    /// Redraws the bar; an unchanged line is not written again.
    ///
    /// - Parameters:
    ///   - fraction: progress from 0 to 1 (clamped).
    ///   - label: what is progressing, such as the file name.
    func update(fraction: Double, label: String) {
        guard enabled else { return }
        let line = Self.line(fraction: fraction, label: label, columns: columns())
        state.withLock { state in
            guard state.lastLine != line else { return }
            state.lastLine = line
            writer.write("\r\u{1B}[K" + line, to: .standardError)
        }
    }

    /// Erases the bar's line.
    ///
    /// Idempotent.
    func finish() {
        guard enabled else { return }
        state.withLock { state in
            guard state.lastLine != nil else { return }
            state.lastLine = nil
            writer.write("\r\u{1B}[K", to: .standardError)
        }
    }

    /// The text of the bar, at most `columns - 1` display columns wide.
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
        // The last column stays free: writing into it makes some terminals wrap before the `\r`.
        let width = max(1, columns - 1)
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
