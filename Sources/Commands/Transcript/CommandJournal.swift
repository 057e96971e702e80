public import Foundation
import Synchronization

/// The commands of a REPL run that change what later answers see (`/remember`, `/docs rm`, shared memory and
/// shared documents), so `/save` can write them as turns between the questions and the transcript replays.
///
/// Each entry keeps the input in a form a fresh store accepts: a document is named by its file name, since its id
/// differs in every store. A memory can only be forgotten by id, so `/forget` and `/admin memory rm` are kept as
/// they were typed and marked as not replayable: `/save` then writes the file with an `@ skip` saying why.
public final class CommandJournal: Sendable {
    /// One command that ran.
    public struct Entry: Sendable, Equatable {
        public var date: Date
        /// The command as the transcript should send it.
        public var input: String
        /// What the REPL printed for it.
        public var output: String
        /// False when a fresh store cannot run `input` (it names an id of this store).
        public var replayable: Bool
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Notes a command that ran.
    func record(input: String, output: String, replayable: Bool = true, date: Date = Date()) {
        entries.withLock { $0.append(Entry(date: date, input: input, output: output, replayable: replayable)) }
    }

    /// Entries made since `date`, oldest first.
    public func entries(since date: Date) -> [Entry] {
        entries.withLock { $0.filter { $0.date >= date } }
    }

    /// A command word quoted for the REPL's parser when it holds a space or a quote.
    static func quoted(_ word: String) -> String {
        guard word.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\\" }) else { return word }
        return "\"" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }
}
