import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/sources [N]`: every source of the last answer with snippets, or source N in full.
    func sources(_ n: Int?) async -> CommandOutcome {
        guard let turn = await session.lastAnswered, !turn.sources.isEmpty else {
            return .failure(code: .badRequest, message: "No sources yet: ask a question first.")
        }
        if let n {
            guard let source = turn.sources.first(where: { $0.n == n }) else {
                return .failure(
                    code: .badRequest,
                    message: "No source [\(n)]: the last answer has sources 1 to \(turn.sources.count)."
                )
            }
            var text = StyledText(SourceFormatter.label(source), style: .emphasis)
            text.append("\n" + source.text)
            return .output(text, result: Self.result(source))
        }
        var lines: [String] = []
        let cited = Set(turn.citations.map(\.n))
        for source in turn.sources {
            lines.append("  " + SourceFormatter.label(source) + (cited.contains(source.n) ? "" : "  (not cited)"))
            lines.append("      " + source.snippet)
        }
        return .output(StyledText(lines.joined(separator: "\n")), result: Self.result(turn.sources))
    }

    /// `/history`: the turns of this conversation.
    func history() async -> CommandOutcome {
        let turns = await session.turns
        guard !turns.isEmpty else { return .output(StyledText("No turns yet."), result: nil) }
        return .output(Self.transcriptText(turns), result: nil)
    }

    /// `/new`.
    func newConversation() async -> CommandOutcome {
        await saveSession()
        await session.reset()
        return .output(StyledText("Started a new conversation."), result: nil)
    }

    /// `/sessions`.
    func listSessions() throws -> CommandOutcome {
        let list = try sessions.list()
        guard !list.isEmpty else { return .output(StyledText("No saved sessions."), result: nil) }
        var lines = [list.count == 1 ? "1 session" : "\(list.count) sessions"]
        let width = list.map { DisplayWidth.of($0.name) }.max() ?? 0
        for session in list {
            lines.append(
                "  \(DisplayWidth.pad(session.name, toColumns: width))  \(Plural.count(session.turnCount, "turn"))"
            )
        }
        return .output(StyledText(lines.joined(separator: "\n")), result: nil)
    }

    /// `/resume NAME`: continues a saved session and reprints its last three turns.
    func resume(_ name: String) async throws -> CommandOutcome {
        guard let saved = try sessions.load(name: name) else {
            let names = try sessions.list().map(\.name)
            throw CommandError.noSession(name, suggestion: CommandCatalog.nearest(name, in: names))
        }
        await saveSession()
        await session.load(saved)
        var text = StyledText("Resumed \(saved.name) (\(Plural.count(saved.turns.count, "turn"))).")
        if !saved.turns.isEmpty {
            text.append("\n")
            text.append(Self.transcriptText(Array(saved.turns.suffix(3))))
        }
        return .output(text, result: nil)
    }

    /// `/save [--force] NAME`: a replayable transcript.
    func save(_ name: String, force: Bool) async throws -> CommandOutcome {
        guard let saveTranscript else {
            throw CommandError.forbidden("/save is not available here.")
        }
        let turns = await session.turns
        guard !turns.isEmpty else {
            throw CommandError.invalidArgument(command: "save", message: "Nothing to save yet.")
        }
        let path = try await saveTranscript(turns, name, force)
        return .output(StyledText("Saved \(turns.count) turn\(turns.count == 1 ? "" : "s") to \(path)"), result: nil)
    }

    /// Stores the active session, if it has turns.
    ///
    /// - Returns: a notice for the user when the session had to move to a new name, else nil.
    @discardableResult
    public func saveSession() async -> String? {
        let sessions = self.sessions
        let isTaken: @Sendable (String) -> Bool = { name in (try? sessions.load(name: name)) != nil }
        _ = await session.claimName(isTaken: isTaken)
        guard var snapshot = await session.snapshot() else { return nil }
        var notice: String?
        // Another REPL that resumed the same session may have saved turns this one does not have; they are kept,
        // and this conversation goes on under a new name.
        if let stored = try? sessions.load(name: snapshot.name), !Self.continues(snapshot.turns, stored.turns),
            let name = await session.fork(isTaken: isTaken),
            let moved = await session.snapshot()
        {
            notice =
                "Session \(snapshot.name) was continued elsewhere meanwhile; this conversation is saved as \(name)."
            snapshot = moved
        }
        try? sessions.save(snapshot)
        return notice
    }

    /// Whether `turns` are `stored` with more turns after them: inputs and answers compared, the parts a round
    /// trip through the session file keeps exactly.
    static func continues(_ turns: [Turn], _ stored: [Turn]) -> Bool {
        stored.count <= turns.count
            && zip(stored, turns).allSatisfy { $0.input == $1.input && $0.answer == $1.answer }
    }

    /// The turns as the REPL showed them, each answer marked `.answer` so a terminal renders its markdown again.
    static func transcriptText(_ turns: [Turn]) -> StyledText {
        var text = StyledText()
        for (index, turn) in turns.enumerated() {
            if index > 0 { text.append("\n\n") }
            text.append("> " + turn.input + "\n")
            text.append(turn.answer, style: .answer)
            if turn.interrupted { text.append("\n[interrupted]") }
            if let message = turn.errorMessage { text.append("\nerror: " + message) }
        }
        return text
    }
}
