import ChatTestSupport
import Foundation
import Testing

/// Drives the built `chatshell` binary through a pseudo-terminal: typing, an unknown command, Ctrl-C during an
/// answer and at the prompt, and Ctrl-D.
@Suite(.serialized) struct ReplPTYTests {
    private func start(home: TemporaryDirectory, delay: Int = 0) throws -> PseudoTerminal? {
        guard let binary = TestCorpus.binary else { return nil }
        var environment = ["HOME": home.url.path, "CHATSHELL_HOME": home.url.path, "TERM": "xterm", "LANG": "C.UTF-8"]
        if delay > 0 { environment["CHATSHELL_TOKEN_DELAY_MS"] = "\(delay)" }
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        return try PseudoTerminal(executable: binary, arguments: [], environment: environment)
    }

    @Test func typingUploadingAskingAndQuitting() async throws {
        let home = TemporaryDirectory()
        let terminal = try #require(try start(home: home), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        terminal.type("/uplaod x\r")
        #expect(await terminal.waitFor("Unknown command '/uplaod'. Did you mean '/upload'?"))
        terminal.type("/upload \(TestCorpus.document("travel-policy.pdf").path)\r")
        #expect(await terminal.waitFor("Indexed travel-policy.pdf as doc_"))
        terminal.type("What is the nightly hotel cap in high-cost cities?\r")
        #expect(await terminal.waitFor("Sources:"))
        #expect(terminal.text.contains("$320"))
        // The source lines follow "Sources:" and may arrive in a later read.
        #expect(await terminal.waitFor("[1] travel-policy.pdf p.1"))
        // Ctrl-D is typed at the next prompt, as a person would: before it the terminal is not in raw mode.
        let text = terminal.text
        let afterSources =
            text.range(of: "Sources:").map { text.distance(from: text.startIndex, to: $0.upperBound) } ?? 0
        #expect(await terminal.waitFor("\n> ", after: afterSources))
        terminal.type("\u{4}")
        #expect(await terminal.waitFor("Saved session "))
        #expect(await terminal.waitForExit() == 0)
        let sessions = try FileManager.default.contentsOfDirectory(
            atPath: home.url.appendingPathComponent("sessions").path
        )
        #expect(sessions.count == 1)
        let history = home.url.appendingPathComponent("history")
        let attributes = try FileManager.default.attributesOfItem(atPath: history.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func ctrlCInterruptsTheAnswerButNotTheREPL() async throws {
        let home = TemporaryDirectory()
        let terminal = try #require(try start(home: home, delay: 150), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        terminal.type("/upload \(TestCorpus.document("employee-handbook.md").path)\r")
        #expect(await terminal.waitFor("Indexed employee-handbook.md"))
        let before = terminal.text.count
        terminal.type("How many days of paid annual leave does a full-time employee get per year?\r")
        #expect(await terminal.waitFor("employees", after: before))
        terminal.type("\u{3}")
        #expect(await terminal.waitFor("[interrupted]", after: before))
        // The second Ctrl-C must reach the prompt that follows the interrupted answer, not the answer's last line.
        let text = terminal.text
        let interrupted =
            text.range(of: "[interrupted]").map { text.distance(from: text.startIndex, to: $0.upperBound) } ?? before
        #expect(await terminal.waitFor("\n> ", after: interrupted))
        let afterInterrupt = terminal.text.count
        terminal.type("\u{3}")
        #expect(await terminal.waitFor("(To quit, press Ctrl-D or type /quit.)", after: afterInterrupt))
        terminal.type("/history\r")
        #expect(await terminal.waitFor("[interrupted]", after: afterInterrupt))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }
}
