import Foundation
import Glibc

/// The one decision about what the terminal can show (style.md section 5, repl.md "Pipes and colour").
///
/// - `useColor`: ANSI styling on stdout and stderr. `--color always` and `--color never` decide outright;
///   `auto` needs stdout to be a terminal, `TERM` set and not `dumb`, and `NO_COLOR` unset or empty.
/// - `spinnerEnabled` (and the progress bar): stderr is a terminal, and the same `auto` conditions hold for stdout
///   (repl.md: "no ANSI and no spinner when stdout is not a TTY, NO_COLOR is set or TERM=dumb"). The `--color`
///   flag does not affect it.
/// - `bracketedPaste`: readline may wrap each prompt in the bracketed-paste mode switches: stdin and stdout are
///   terminals and `TERM` is set and not `dumb` (a dumb terminal prints `ESC[?2004h` as litter). Independent of
///   colour: `NO_COLOR` does not make a terminal dumb.
/// - `columns()`: the terminal width, asked anew on each call because the window can be resized.
///
/// ```swift
/// let terminal = TerminalCapabilities.detect(colorMode: options.color)
/// let renderer = ANSIRenderer(useColor: terminal.useColor)
/// ```
struct TerminalCapabilities: Sendable {
    /// The `--color` option.
    enum ColorMode: String, Sendable, CaseIterable {
        /// Colour when stdout is a terminal that can show it (the default).
        case auto
        /// Always ANSI, even into a pipe.
        case always
        /// Never ANSI.
        case never
    }

    /// Whether stdin is a terminal: readline when true, plain lines when false.
    let stdinIsTerminal: Bool
    /// Whether stdout is a terminal.
    let stdoutIsTerminal: Bool
    /// Whether stderr is a terminal.
    let stderrIsTerminal: Bool
    /// Whether output gets ANSI styles.
    let useColor: Bool
    /// Whether the spinner may animate on stderr.
    let spinnerEnabled: Bool
    /// Whether readline may switch bracketed paste on around the prompt.
    let bracketedPaste: Bool
    /// Whether the upload progress bar may draw on stderr (the same conditions as the spinner).
    var progressBarEnabled: Bool { spinnerEnabled }

    private let environment: [String: String]
    private let windowColumns: @Sendable () -> Int?

    /// Decides from explicit facts; tests use this, `detect` passes the real ones.
    ///
    /// - Parameters:
    ///   - colorMode: the `--color` option.
    ///   - environment: the process environment (`TERM`, `NO_COLOR`, `COLUMNS`).
    ///   - stdinIsTerminal: whether stdin is a TTY.
    ///   - stdoutIsTerminal: whether stdout is a TTY.
    ///   - stderrIsTerminal: whether stderr is a TTY.
    ///   - windowColumns: the window width from the terminal driver, nil when unknown.
    init(
        colorMode: ColorMode,
        environment: [String: String],
        stdinIsTerminal: Bool,
        stdoutIsTerminal: Bool,
        stderrIsTerminal: Bool,
        windowColumns: @escaping @Sendable () -> Int? = { nil }
    ) {
        self.stdinIsTerminal = stdinIsTerminal
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.environment = environment
        self.windowColumns = windowColumns
        let term = environment["TERM"] ?? ""
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let terminalCanStyle = stdoutIsTerminal && !term.isEmpty && term != "dumb" && !noColor
        switch colorMode {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = terminalCanStyle
        }
        spinnerEnabled = stderrIsTerminal && terminalCanStyle
        bracketedPaste = stdinIsTerminal && stdoutIsTerminal && !term.isEmpty && term != "dumb"
    }

    /// Looks at the real file descriptors and environment.
    ///
    /// - Parameters:
    ///   - colorMode: the `--color` option.
    ///   - environment: the process environment.
    /// - Returns: the capabilities of this process's terminal.
    static func detect(
        colorMode: ColorMode = .auto,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> TerminalCapabilities {
        TerminalCapabilities(
            colorMode: colorMode,
            environment: environment,
            stdinIsTerminal: isatty(STDIN_FILENO) == 1,
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            stderrIsTerminal: isatty(STDERR_FILENO) == 1,
            windowColumns: {
                // stderr first: the spinner and the progress bar draw there, and stdout may be a pipe.
                windowWidth(of: STDERR_FILENO) ?? windowWidth(of: STDOUT_FILENO)
            }
        )
    }

    /// The terminal width now: the window size, else `COLUMNS`, else 80.
    ///
    /// - Returns: columns, at least 1.
    func columns() -> Int {
        Self.resolveColumns(window: windowColumns(), environment: environment)
    }

    /// The width rule, separate so tests can state it.
    ///
    /// - Parameters:
    ///   - window: the size the terminal driver reported, or nil.
    ///   - environment: the process environment.
    /// - Returns: the first positive value of the window size and `COLUMNS`, else 80.
    static func resolveColumns(window: Int?, environment: [String: String]) -> Int {
        if let window, window > 0 { return window }
        if let text = environment["COLUMNS"], let value = Int(text.filter { !$0.isWhitespace }), value > 0 {
            return value
        }
        return 80
    }

    /// The width of the terminal behind `fd`, or nil when it is not a terminal.
    ///
    /// - Parameter fd: a file descriptor.
    /// - Returns: the column count reported by `TIOCGWINSZ`.
    static func windowWidth(of fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
