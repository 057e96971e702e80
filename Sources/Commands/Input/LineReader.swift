/// What a line reader returns.
public enum LineInput: Sendable, Equatable {
    /// A line the user entered (without its newline).
    case line(String)
    /// Ctrl-C at the prompt: the typed text was discarded.
    case interrupt
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// Reads user input one line at a time; `ReadlineLineReader` (ChatShell) and `ScriptedLineReader` (tests)
/// implement it.
public protocol LineReader: Sendable {
    /// Shows `prompt` and waits for one line.
    func readLine(prompt: String) async -> LineInput
    /// Records an entry in the input history (multi-line entries whole).
    func addHistory(_ entry: String) async
    /// Writes the history out, at exit.
    func saveHistory() async
}

/// Offers Tab completions for the current input line; called synchronously from the reader's thread.
public protocol Completer: Sendable {
    /// Candidates replacing the word that ends at `cursor` (Unicode scalar offset into `line`).
    func completions(line: String, cursor: Int) -> [String]
    /// Whether the candidates for the word at `cursor` are file system paths, which the reader quotes when they
    /// contain a space.
    func completesPaths(line: String, cursor: Int) -> Bool
}

extension Completer {
    public func completesPaths(line: String, cursor: Int) -> Bool { false }
}
