public import Commands
import Synchronization

/// A `LineReader` that plays back scripted input, then reports the end of input.
public final class ScriptedLineReader: LineReader {
    private let inputs: Mutex<[LineInput]>
    private let prompts = Mutex<[String]>([])
    private let history = Mutex<[String]>([])

    public init(_ inputs: [LineInput]) {
        self.inputs = Mutex(inputs)
    }

    public convenience init(lines: [String]) {
        self.init(lines.map(LineInput.line))
    }

    public func readLine(prompt: String) async -> LineInput {
        prompts.withLock { $0.append(prompt) }
        return inputs.withLock { $0.isEmpty ? .endOfInput : $0.removeFirst() }
    }

    public func addHistory(_ entry: String) async {
        history.withLock { $0.append(entry) }
    }

    public func saveHistory() async {}

    /// The prompts shown so far.
    public var shownPrompts: [String] { prompts.withLock { $0 } }

    /// The history entries recorded so far.
    public var recordedHistory: [String] { history.withLock { $0 } }
}
