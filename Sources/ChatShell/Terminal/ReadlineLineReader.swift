import CReadline
import Commands
import Foundation
import Glibc
import Synchronization

/// The interactive line reader: GNU readline's callback interface on a thread of its own (repl.md section 4).
///
/// Plain `readline()` blocks inside the library and ignores Ctrl-C once the process handles SIGINT itself, so the
/// reader thread polls stdin and a wake-up pipe and feeds readline one character at a time
/// (`rl_callback_read_char`). Readline never installs signal handlers (`rl_catch_signals = 0`); the
/// `SignalWatcher` routes SIGINT here while a prompt shows. Behaviour:
///
/// - Ctrl-C clears the typed text, moves to a fresh line and returns `.interrupt`; on an empty line it first
///   prints `interruptHint` (by default `(To quit, press Ctrl-D or type /quit.)`).
/// - Ctrl-D on an empty line returns `.endOfInput` (readline moves to a fresh line); mid-line it deletes a
///   character.
/// - Bracketed paste is on when the terminal can take it (`TerminalCapabilities.bracketedPaste`), so a pasted
///   block with newlines arrives as one entry (newlines at its end dropped); off for `TERM=dumb` or when stdout is
///   not a terminal, where its `ESC[?2004h` around every prompt would be litter. Alt-Enter inserts a newline.
/// - Tab asks the `Completer`; readline's file-name fallback never runs, and a single completion ending in `/`
///   (a folder) gets no trailing space. Paths with a space are quoted, and a quote opens a word.
/// - History: `HistoryFile` (one JSON string per line, 0600, 1,000 entries) is loaded at start;
///   `addHistory` skips entries starting with a space and repeats of the previous entry and appends each entry to
///   the file at once (a crash loses nothing); `saveHistory` retries what could not be written. A nil `historyFile` (`CHATSHELL_NO_HISTORY=1`) keeps history in memory only.
///
/// When `readLine` returns, the cursor is at the start of a fresh line and the terminal is back in its normal
/// mode, so the answer can be written and Ctrl-C reaches `SignalWatcher.interrupts()`. Readline is one global
/// state machine, so only one reader may exist per process. A prompt containing ANSI codes must wrap them in
/// `\u{01}` and `\u{02}` so readline can measure it.
///
/// ```swift
/// let reader = ReadlineLineReader(historyFile: HistoryFile.defaultPath(environment: env),
///                                 completer: completer, signals: SignalWatcher.install())
/// let input = await reader.readLine(prompt: "> ")
/// ```
final class ReadlineLineReader: LineReader {
    /// The hint printed after Ctrl-C on an empty line (repl.md section 2).
    static let defaultInterruptHint = "(To quit, press Ctrl-D or type /quit.)"

    private static let instances = Mutex(0)

    private let core: ReadlineCore

    /// Starts the reader thread; readline itself is set up there before the first prompt.
    ///
    /// - Parameters:
    ///   - historyFile: the history file path, or nil to keep no history on disk.
    ///   - completer: answers Tab, called on the reader thread; nil turns completion off.
    ///   - signals: the installed watcher, which routes Ctrl-C to the prompt.
    ///   - writer: writes the newline and hint after Ctrl-C, and history errors.
    ///   - interruptHint: printed after Ctrl-C on an empty line; nil prints nothing.
    ///   - echoToStandardError: draw the prompt and the typed text on stderr (when stdout is redirected).
    ///   - bracketedPaste: let readline switch the terminal's bracketed-paste mode on around each prompt.
    init(
        historyFile: String?,
        completer: (any Completer)?,
        signals: SignalWatcher,
        writer: TerminalWriter = .standard,
        interruptHint: String? = ReadlineLineReader.defaultInterruptHint,
        echoToStandardError: Bool = false,
        bracketedPaste: Bool = true
    ) {
        let count = Self.instances.withLock { count in
            count += 1
            return count
        }
        precondition(count == 1, "readline is process-global: create one ReadlineLineReader only")
        core = ReadlineCore(
            settings: ReadlineCore.Settings(
                historyFile: historyFile.map { HistoryFile(path: $0) },
                completer: completer,
                interruptHint: interruptHint,
                echoToStandardError: echoToStandardError,
                bracketedPaste: bracketedPaste
            ),
            signals: signals,
            writer: writer
        )
        core.start()
    }

    deinit {
        core.shutdown()
        Self.instances.withLock { $0 -= 1 }
    }

    /// Shows `prompt` and waits for one entry.
    ///
    /// - Parameter prompt: the prompt, such as `> ` or the continuation prompt `... `.
    /// - Returns: the entry (newlines included for pastes and Alt-Enter), `.interrupt` or `.endOfInput`.
    func readLine(prompt: String) async -> LineInput {
        await withCheckedContinuation { continuation in
            core.enqueue(.read(prompt: prompt, continuation))
        }
    }

    /// Records an entry for Up-arrow recall and for the file.
    ///
    /// Entries starting with a space, blank ones and a repeat of the previous entry are skipped. Never pass a
    /// password.
    ///
    /// - Parameter entry: the whole entry, a `"""` block as one string.
    func addHistory(_ entry: String) async {
        core.enqueue(.addHistory(entry))
    }

    /// Appends this run's entries to the history file; errors are reported on stderr and otherwise ignored.
    func saveHistory() async {
        await withCheckedContinuation { continuation in
            core.enqueue(.saveHistory(continuation))
        }
    }
}

// MARK: - Reader thread

/// What the async API sends to the reader thread.
private enum ReaderJob: Sendable {
    case read(prompt: String, CheckedContinuation<LineInput, Never>)
    case addHistory(String)
    case saveHistory(CheckedContinuation<Void, Never>)
}

/// Wake-up messages for the reader thread.
private enum WakeMessage {
    static let job: UInt8 = 0x4A
    static let interrupt: UInt8 = 0x49
    static let resize: UInt8 = 0x57
    static let resume: UInt8 = 0x43
    static let quit: UInt8 = 0x51
}

/// The part of the reader the thread shares with the async API: immutable settings and a locked job queue.
private final class ReadlineCore: Sendable {
    struct Settings: Sendable {
        var historyFile: HistoryFile?
        var completer: (any Completer)?
        var interruptHint: String?
        var echoToStandardError: Bool
        var bracketedPaste: Bool
    }

    let settings: Settings
    let signals: SignalWatcher
    let writer: TerminalWriter
    private let wake: WakePipe?
    private let jobs = Mutex<[ReaderJob]>([])

    init(settings: Settings, signals: SignalWatcher, writer: TerminalWriter) {
        self.settings = settings
        self.signals = signals
        self.writer = writer
        self.wake = WakePipe()
    }

    func start() {
        guard let wake else { return }
        let thread = Thread { [self] in
            ReaderThread(core: self, wake: wake).run()
        }
        thread.name = "chatshell.readline"
        thread.start()
    }

    func enqueue(_ job: ReaderJob) {
        guard let wake else {
            // No pipe means no thread: answer at once rather than hang the REPL.
            switch job {
            case .read(_, let continuation): continuation.resume(returning: .endOfInput)
            case .addHistory: break
            case .saveHistory(let continuation): continuation.resume()
            }
            return
        }
        jobs.withLock { $0.append(job) }
        wake.post(WakeMessage.job)
    }

    func nextJob() -> ReaderJob? {
        jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    func shutdown() {
        wake?.post(WakeMessage.quit)
    }
}

/// Lives on the reader thread only; every readline call of the process happens in here.
private final class ReaderThread {
    private let core: ReadlineCore
    private let wake: WakePipe
    private var pending: CheckedContinuation<LineInput, Never>?
    private var lastEntry: String?
    private var newEntries: [String] = []
    private var reportedHistoryError = false

    init(core: ReadlineCore, wake: WakePipe) {
        self.core = core
        self.wake = wake
    }

    func run() {
        setUpReadline()
        while true {
            var fds = [pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0)]
            if pending != nil {
                fds.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0))
            }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                // poll only fails for reasons that will not pass soon (ENOMEM): end the input, and pause so a
                // persistent failure cannot spin this thread.
                if pending != nil { finishPrompt(.endOfInput, removeHandler: true) }
                usleep(50_000)
                continue
            }
            // Signals first: a Ctrl-C pressed together with Enter belongs to the line being edited.
            if fds[0].revents != 0 {
                for message in wake.drain() {
                    switch message {
                    case WakeMessage.interrupt where pending != nil: interruptPrompt()
                    case WakeMessage.resize where pending != nil: rl_resize_terminal()
                    case WakeMessage.resume where pending != nil:
                        // Back from Ctrl-Z and `fg`: the shell may have left its own terminal modes, and the
                        // prompt scrolled away; the cursor is on a fresh line.
                        rl_deprep_terminal()
                        rl_prep_terminal(1)
                        rl_on_new_line()
                        rl_forced_update_display()
                    case WakeMessage.quit:
                        if pending != nil { finishPrompt(.endOfInput, removeHandler: true) }
                        wake.close()
                        return
                    default: break
                    }
                }
            }
            if pending != nil, fds.count > 1, fds[1].revents != 0 {
                rl_callback_read_char()
                if let accepted = ReadlineCallbacks.accepted {
                    ReadlineCallbacks.accepted = nil
                    // The line handler already removed itself, as readline's callback protocol asks; readline
                    // has moved to a fresh line for Enter and for Ctrl-D alike.
                    finishPrompt(accepted, removeHandler: false)
                }
            }
            while pending == nil, let job = core.nextJob() {
                perform(job)
            }
        }
    }

    // MARK: Jobs

    private func perform(_ job: ReaderJob) {
        switch job {
        case .read(let prompt, let continuation):
            pending = continuation
            core.signals.attachPrompt { [wake] signal in
                switch signal {
                case .interrupt: wake.post(WakeMessage.interrupt)
                case .resize: wake.post(WakeMessage.resize)
                case .resume: wake.post(WakeMessage.resume)
                }
            }
            // The window may have changed while the answer streamed; readline only learns of it when asked.
            rl_reset_screen_size()
            prompt.withCString { rl_callback_handler_install($0, ReadlineCallbacks.lineHandler) }
        case .addHistory(let entry):
            guard HistoryFile.isRecordable(entry), entry != lastEntry else { return }
            lastEntry = entry
            add_history(entry)
            guard core.settings.historyFile != nil else { return }
            // Written as each entry is made, so a crash or a killed terminal loses nothing typed before it.
            newEntries.append(entry)
            writePendingHistory()
        case .saveHistory(let continuation):
            writePendingHistory()
            continuation.resume()
        }
    }

    /// Appends the entries not yet on disk; a failure is reported once and the entries are tried again with the
    /// next one.
    private func writePendingHistory() {
        guard let file = core.settings.historyFile, !newEntries.isEmpty else { return }
        do {
            try file.append(newEntries)
            newEntries.removeAll()
        } catch {
            if !reportedHistoryError {
                reportedHistoryError = true
                core.writer.writeLine("error: \(error.localizedDescription)", to: .standardError)
            }
        }
    }

    private func finishPrompt(_ input: LineInput, removeHandler: Bool) {
        if removeHandler { rl_callback_handler_remove() }
        core.signals.detachPrompt()
        // Up-arrow starts from the newest entry again at the next prompt.
        using_history()
        let continuation = pending
        pending = nil
        continuation?.resume(returning: input)
    }

    /// Ctrl-C at the prompt: discard the text and any half-typed key sequence, leave the cursor on a fresh line.
    private func interruptPrompt() {
        let hadText = cs_rl_end() > 0
        // With the cursor in the middle of a multi-line entry, the `^C` and newline must land after all of it.
        rl_end_of_line(1, 0)
        rl_redisplay()
        rl_echo_signal_char(SIGINT)
        rl_free_line_state()
        rl_callback_sigcleanup()
        cs_rl_clear_line()
        rl_callback_handler_remove()
        writeNewline()
        if !hadText, let hint = core.settings.interruptHint {
            core.writer.writeLine(hint, to: outputTarget)
        }
        finishPrompt(.interrupt, removeHandler: false)
    }

    private var outputTarget: TerminalWriter.Target {
        core.settings.echoToStandardError ? .standardError : .standardOutput
    }

    private func writeNewline() {
        core.writer.write("\n", to: outputTarget)
    }

    // MARK: Set-up

    private func setUpReadline() {
        Self.chooseUTF8Locale()
        // Readline keeps this pointer; the copy lives as long as the process.
        cs_rl_set_readline_name(strdup("chatshell"))
        cs_rl_set_catch_signals(0)
        cs_rl_set_change_environment(0)
        if core.settings.echoToStandardError, let errorStream = fdopen(STDERR_FILENO, "w") {
            cs_rl_set_outstream(errorStream)
        }
        // Reads ~/.inputrc; our settings below come after it on purpose, since the REPL depends on them.
        rl_initialize()
        rl_variable_bind("enable-bracketed-paste", core.settings.bracketedPaste ? "on" : "off")
        // In a non-UTF-8 locale readline would show `ü` as `\303\274`; pass bytes through instead.
        rl_variable_bind("input-meta", "on")
        rl_variable_bind("output-meta", "on")
        rl_variable_bind("convert-meta", "off")
        // Alt-Enter sends ESC CR (ESC LF on some terminals; emacs mode binds that to vi-editing-mode).
        rl_bind_keyseq("\u{1B}\r", ReadlineCallbacks.insertNewline)
        rl_bind_keyseq("\u{1B}\n", ReadlineCallbacks.insertNewline)
        // Ctrl-X Ctrl-E composes the entry in $VISUAL/$EDITOR, as in bash.
        rl_bind_keyseq("\u{18}\u{05}", ReadlineCallbacks.editInEditor)
        // Installed even without a completer: it then offers nothing, where readline would complete file names.
        ReadlineCallbacks.completer = core.settings.completer
        cs_rl_use_whitespace_word_breaks()
        cs_rl_use_completion_quotes()
        cs_rl_set_attempted_completion(ReadlineCallbacks.attemptCompletion)
        stifle_history(Int32(HistoryFile.defaultLimit))
        if let file = core.settings.historyFile {
            let entries = file.load()
            for entry in entries { add_history(entry) }
            lastEntry = entries.last
        }
        using_history()
    }

    /// Readline decides multibyte handling from LC_CTYPE; a Swift program starts in the C locale.
    private static func chooseUTF8Locale() {
        if let name = setlocale(LC_CTYPE, ""), isUTF8(String(cString: name)) { return }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }

    private static func isUTF8(_ locale: String) -> Bool {
        let lowered = locale.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8")
    }
}

// MARK: - C callbacks

/// State and functions readline calls back into.
///
/// Readline's callbacks are C function pointers without a context argument, so what they share with the reader
/// thread sits in static variables. `nonisolated(unsafe)` is safe here because readline runs only on the reader
/// thread (one reader per process, enforced in `ReadlineLineReader.init`): these are read and written on that
/// thread alone, `completer` being set before the first prompt.
private enum ReadlineCallbacks {
    nonisolated(unsafe) static var accepted: LineInput?
    nonisolated(unsafe) static var completer: (any Completer)?

    /// Receives the finished line (nil for Ctrl-D on an empty line or the end of input).
    static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        if let line {
            var text = String(cString: line)
            // A paste that ended with a newline would otherwise leave one at the end of the entry.
            while text.hasSuffix("\n") { text.removeLast() }
            accepted = .line(text)
            free(line)
        } else {
            accepted = .endOfInput
        }
        // Removing the handler here keeps readline from printing the prompt again before we asked for it.
        rl_callback_handler_remove()
    }

    /// Alt-Enter: a newline inside the entry instead of accepting it.
    static let insertNewline: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
        rl_insert_text("\n")
        return 0
    }

    /// Ctrl-X Ctrl-E: the entry so far goes to the editor, and what it saves is accepted as the entry.
    ///
    /// An empty file or a failed editor leaves the entry as it was.
    static let editInEditor: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
        let typed: String
        if let buffer = cs_rl_line_buffer() {
            typed = String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(cs_rl_end())), as: UTF8.self)
        } else {
            typed = ""
        }
        // The editor needs the terminal in its normal mode, on a line of its own.
        rl_deprep_terminal()
        FileHandle.standardError.write(Data("\n".utf8))
        let edited: String?
        do {
            edited = try ExternalEditor().edit(typed)
        } catch let failure as ExternalEditor.Failure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            edited = nil
        } catch {
            edited = nil
        }
        rl_prep_terminal(1)
        rl_on_new_line()
        guard let edited, !edited.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            rl_forced_update_display()
            return 0
        }
        rl_replace_line(edited, 0)
        cs_rl_point_to_end()
        rl_forced_update_display()
        // Accept it, as Enter would.
        return rl_newline(1, 10)
    }

    /// Tab: asks the completer and hands readline its candidates in the `rl_completion_matches` layout.
    static let attemptCompletion: CompletionFunction = { text, _, _ in complete(text: text) }

    typealias CompletionFunction =
        @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    private static func complete(text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        // Set on every call: readline resets it before each attempt, and it stops the file-name fallback.
        cs_rl_set_attempted_completion_over(1)
        guard let completer, let buffer = cs_rl_line_buffer() else { return nil }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(cs_rl_end()))
        let line = String(decoding: bytes, as: UTF8.self)
        let cursor = String(decoding: bytes.prefix(Int(cs_rl_point())), as: UTF8.self).unicodeScalars.count
        let candidates = completer.completions(line: line, cursor: cursor)
        guard !candidates.isEmpty else { return nil }
        // File names: readline then quotes one with a space (`"my folder/`), stats a single match to add `/` or the
        // closing quote and a space, and lists only the last path component. Reset by readline before each attempt.
        if completer.completesPaths(line: line, cursor: cursor) { cs_rl_set_filename_completion_desired(1) }
        let typed = text.map { String(cString: $0) } ?? ""
        if candidates.count == 1, candidates[0].hasSuffix("/") {
            cs_rl_set_completion_suppress_append(1)
        }
        return matchArray(substitution: substitution(typed: typed, candidates: candidates), candidates)
    }

    /// What replaces the typed word: the only candidate, else the candidates' common prefix, but never less than
    /// what was typed (a case-insensitive match must not eat the user's text).
    static func substitution(typed: String, candidates: [String]) -> String {
        guard var prefix = candidates.first else { return typed }
        if candidates.count == 1 { return prefix }
        for candidate in candidates.dropFirst() {
            prefix = String(zip(prefix, candidate).prefix { $0 == $1 }.map(\.0))
        }
        return prefix.count < typed.count ? typed : prefix
    }

    /// A NULL-terminated `malloc` array of `strdup` strings, which readline frees itself.
    private static func matchArray(
        substitution: String,
        _ candidates: [String]
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        // A single candidate is its own substitution; readline expects then no list after it.
        let entries = candidates.count == 1 ? [substitution] : [substitution] + candidates
        let size = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)
        guard let raw = malloc(size) else { return nil }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (index, entry) in entries.enumerated() {
            array[index] = strdup(entry)
        }
        array[entries.count] = nil
        return array
    }
}
