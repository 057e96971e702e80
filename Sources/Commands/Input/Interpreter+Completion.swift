import ChatAPI
import ChatClient
import Session

extension Interpreter {
    /// Brings the names Tab completes up to date once `line` has run, or at start when `line` is nil.
    ///
    /// Session names (a listing of a local folder) are read every time. Document names are asked of the backend
    /// only at start and after a command that may change them (`SlashCommand.mayChangeDocumentNames`): after a
    /// question or `/help` the REPL keeps what it has, where it used to list up to 200 documents after every line
    /// (an HTTP request each in remote mode).
    ///
    /// - Parameters:
    ///   - completer: the completer whose names are replaced.
    ///   - line: the input that just ran.
    public func refreshCompletions(_ completer: CommandCompleter, after line: String?) async {
        var documentsMayHaveChanged = true
        if let line {
            let command: SlashCommand? =
                if case .command(let command)? = try? SlashCommandParser.parse(line) { command } else { nil }
            documentsMayHaveChanged = command?.mayChangeDocumentNames ?? false
        }
        let documents =
            documentsMayHaveChanged
            ? try? await backend.documents(scope: nil, limit: Self.completedDocumentNames, offset: 0).items : nil
        let sessions = (try? self.sessions.list().map(\.name)) ?? []
        completer.update { names in
            if let documents { names.documents = documents.flatMap { [$0.id, $0.filename] } }
            names.sessions = sessions
        }
    }

    /// How many documents completion knows by name: a page of the listing, enough for a store one types names of.
    static let completedDocumentNames = 200
}
