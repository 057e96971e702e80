import ChatTestSupport
import Foundation
import Testing

/// The REPL binary through a pseudo-terminal against `chatshell serve` running as its own process: upload,
/// a streamed answer, Ctrl-C mid-answer stopping the generation on the server, and the session surviving it.
@Suite(.serialized) struct RemoteReplPTYTests {
    @Test func ctrlCMidAnswerStopsTheServersGeneration() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let serverHome = TemporaryDirectory()
        // The server paces its extractive answers, so Ctrl-C lands mid-answer.
        let server = try await ServerProcess(
            binary: binary,
            dataDirectory: serverHome.url,
            environment: ["CHATSHELL_TOKEN_DELAY_MS": "150"]
        )
        let clientHome = TemporaryDirectory()
        let environment = PseudoTerminal.environment(home: clientHome.url)
        let terminal = try PseudoTerminal(
            executable: binary,
            arguments: ["--server", server.url],
            environment: environment
        )

        // Anonymous use works without logging in, and /whoami says where the REPL talks to
        #expect(await terminal.waitFor("> "))
        terminal.type("/whoami\r")
        #expect(await terminal.waitFor(server.url))
        terminal.type("/upload \(TestCorpus.document("employee-handbook.md").path)\r")
        #expect(await terminal.waitFor("Indexed employee-handbook.md"))

        // When Ctrl-C is typed while the answer streams
        let before = terminal.text.count
        terminal.type("How many days of paid annual leave does a full-time employee get per year?\r")
        #expect(await terminal.waitFor("employees", after: before))
        terminal.type("\u{3}")

        // Then the REPL shows the interruption and the server stops generating for the closed stream
        #expect(await terminal.waitFor("[interrupted]", after: before))
        #expect(await server.waitForLog("client left mid-stream; generation cancelled"))
        #expect(await terminal.waitFor("> ", after: before + 10))

        // And the next question is answered in full over the same session
        let afterInterrupt = terminal.text.count
        terminal.type("How many days of paid annual leave does a full-time employee get per year?\r")
        #expect(await terminal.waitFor("Sources:", after: afterInterrupt))
        #expect(terminal.text.dropFirst(afterInterrupt).contains("25 days"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        #expect(await server.stop() == 0)
        #expect(!server.logText.contains(" 500 "))
    }
}
