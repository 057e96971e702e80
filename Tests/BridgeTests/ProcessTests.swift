import ChatTestSupport
import Foundation
import Glibc
import Testing

/// The built binary end to end (bridge.md sections 2 and 6, "Process"): signals, a closed stdout, end of input,
/// exit codes, real pipes with a slow reader, and stdout staying clean at full log verbosity.
@Suite(
    .enabled(if: TestCorpus.binary != nil, "needs the built binary: run `swift build` first (.build/debug/chatshell)"),
    .serialized
)
struct ProcessTests {
    /// The ingested corpus, shared: these runs only read it.
    private static let store = Task { try await NorthwindStore.make() }

    private static let questions = [
        "What is the repeatability of the NR-X200?",
        "What is the nightly hotel cap in high-cost cities?",
        "What is the Severity 1 response time on the Priority support plan?",
        "How many days of paid annual leave does a full-time employee get per year?",
        "What is the minimum length for a Northwind password?",
    ]

    private func asks(_ count: Int, prefix: String = "a") -> [String] {
        (0..<count).map { index in
            BridgeDriver.json([
                "op": "ask", "id": "\(prefix)\(index)", "text": Self.questions[index % Self.questions.count],
            ])
        }
    }

    private func bridge(_ flags: [String], pausedOutput: Bool = false) async throws -> ChildProcess {
        let store = try await Self.store.value
        return try ChildProcess(
            ["bridge", "--data-dir", store.directory.url.path] + flags,
            pausedOutput: pausedOutput,
            smallPipe: pausedOutput
        )
    }

    @Test func sigtermInterruptsEveryOpenRequestSaysByeAndExits143() async throws {
        // Given: a host that stops reading, so requests stay open behind a full pipe and a small buffer.
        let child = try await bridge(
            ["--jsonl", "--max-inflight", "2", "--max-buffer", "4096", "--log-level", "debug"],
            pausedOutput: true
        )
        child.writeLines(asks(60))
        #expect(await child.waitForLog("accepted ask a59 "))
        // When: SIGTERM arrives, and the host reads again.
        child.signal(SIGTERM)
        child.resumeOutput()
        let status = await child.exitStatus()
        // Then: every accepted request has exactly one terminal event, open ones `interrupted`, `bye` is last.
        #expect(status == 143)
        let report = ProtocolGrammar.checkJSONL(child.lines)
        #expect(report.problems.prefix(5) == [])
        #expect(report.terminals.count == 60)
        #expect(report.terminals.contains { $0.event["code"] as? String == "interrupted" })
        #expect(report.events.last?["type"] as? String == "bye")
        #expect(report.events.last?["reason"] as? String == "signal")
    }

    @Test func recordsNotWrittenWithinTwoSecondsAreAbandoned() async throws {
        let child = try await bridge(["--jsonl", "--max-buffer", "4096", "--log-level", "debug"], pausedOutput: true)
        // More output than the pipe and the buffer hold: the start records of a full queue (4 running, 64
        // waiting) alone overflow the one-page pipe, so records are still waiting at the signal.
        child.writeLines(asks(120))
        #expect(await child.waitForLog("accepted ask a67 "))
        let signalled = ContinuousClock.now
        child.signal(SIGTERM)
        // Nobody ever reads: the bridge exits at all only by giving up on its last records, and not before the
        // grace period (a lower bound, which a loaded machine can only lengthen).
        let status = await child.exitStatus()
        #expect(status == 143)
        #expect(signalled.duration(to: .now) >= .milliseconds(1_900))
    }

    @Test func secondSignalExitsAtOnce() async throws {
        let child = try await bridge(["--jsonl", "--max-buffer", "4096", "--log-level", "debug"], pausedOutput: true)
        // More output than the pipe and the buffer hold, so records are still waiting at the signal.
        child.writeLines(asks(120))
        #expect(await child.waitForLog("accepted ask a67 "))
        child.signal(SIGINT)
        // The second signal goes once the first is being handled (two pending signals would merge into one).
        #expect(await child.waitForLog("SIGINT: interrupting"))
        child.signal(SIGINT)
        let status = await child.exitStatus()
        #expect(status == 130)
        // At once: the orderly end (after the grace period, nobody reading) would log the run's figures first.
        #expect(!child.stderr.contains("bridge figures"))
    }

    @Test func closedStdoutCancelsTheWorkAndExitsZero() async throws {
        let child = try await bridge(["--jsonl", "--log-level", "info"])
        #expect(await child.waitFor { $0.count >= 1 })
        child.closeOutput()
        child.writeLines(asks(3))
        let status = await child.exitStatus()
        #expect(status == 0)
        #expect(child.stderr.contains("stdout was closed; cancelling all work"))
    }

    @Test func endOfInputWithCancelEndsQueuedWork() async throws {
        let child = try await bridge(["--jsonl", "--max-inflight", "1", "--on-eof", "cancel"])
        child.writeLines(asks(20))
        child.closeInput()
        let status = await child.exitStatus()
        #expect(status == 0)
        let report = ProtocolGrammar.checkJSONL(child.lines)
        #expect(report.problems == [])
        #expect(report.terminals.count == 20)
        #expect(report.terminals.contains { $0.event["code"] as? String == "cancelled" })
        #expect(report.events.last?["reason"] as? String == "eof")
    }

    @Test func fullVerbosityLogsNeverReachStdout() async throws {
        let child = try await bridge(["--jsonl", "--log-level", "trace", "--heartbeat", "0.05"])
        child.writeLines(
            asks(4) + [
                BridgeDriver.json(["op": "command", "id": "help", "line": "/help"]),
                BridgeDriver.json(["op": "command", "id": "docs", "line": "/docs"]),
                BridgeDriver.json(["op": "ping", "id": "ping"]),
                BridgeDriver.json(["op": "cancel", "id": "nobody"]),
                "not json at all",
            ]
        )
        child.closeInput()
        let status = await child.exitStatus()
        #expect(status == 0)
        // Any line that is not a protocol event fails the grammar check.
        #expect(ProtocolGrammar.checkJSONL(child.lines).problems == [])
        #expect(child.stderr.contains("bridge figures"))
        #expect(child.stderr.contains("cancel: no unfinished ask or command with id nobody"))
    }

    @Test func slowReaderThroughRealPipesLosesNothing() async throws {
        let child = try await bridge(["--jsonl", "--max-buffer", "4096", "--log-level", "debug"], pausedOutput: true)
        child.writeLines(asks(30))
        child.closeInput()
        // The host comes back once the bridge has taken every line and answers are piling up unread.
        #expect(await child.waitForLog("accepted ask a29 "))
        child.resumeOutput(readSize: 512, readDelay: .milliseconds(1))
        let status = await child.exitStatus()
        #expect(status == 0)
        let report = ProtocolGrammar.checkJSONL(child.lines)
        #expect(report.problems == [])
        #expect(ProtocolGrammar.citationSpanProblems(report.events) == [])
        #expect(report.terminals.count == 30)
        #expect(report.terminals.allSatisfy { $0.type == "done" })
    }

    @Test func plainModeAnswersAndQuits() async throws {
        let child = try await bridge(["--sources"])
        let input = [Self.questions[0], "/upload travel-policy.pdf", "/quit", "never read"]
        child.writeLines(input)
        let status = await child.exitStatus()
        #expect(status == 0)
        #expect(ProtocolGrammar.checkPlain(child.lines, replies: ProtocolGrammar.plainReplies(to: input)) == [])
        #expect(child.lines.contains { $0.hasPrefix(".source 1 ") })
        #expect(child.lines.last == ".error forbidden_command /upload is not available in plain mode")
    }

    @Test(arguments: [
        ["--jsonl", "--max-inflight", "0"], ["--jsonl", "--sources"], ["--max-inflight", "2"], ["--on-eof", "later"],
        ["--jsonl", "--upload-root", "/nonexistent-folder"],
    ])
    func invalidFlagsExit64WithNothingOnStdout(_ flags: [String]) async throws {
        let child = try await bridge(flags)
        let status = await child.exitStatus()
        #expect(status == 64)
        #expect(child.stdoutBytes.isEmpty)
    }

    @Test func rejectedCredentialsExit77WithNothingOnStdout() async throws {
        let server = try #require(RefusingServer())
        let child = try ChildProcess(["bridge", "--jsonl", "--server", "http://127.0.0.1:\(server.port)"])
        let status = await child.exitStatus()
        #expect(status == 77)
        #expect(child.stdoutBytes.isEmpty)
        withExtendedLifetime(server) {}
    }

    @Test func unreachableServerExits69WithNothingOnStdout() async throws {
        let child = try ChildProcess(["bridge", "--jsonl", "--server", "http://127.0.0.1:9"])
        let status = await child.exitStatus()
        #expect(status == 69)
        #expect(child.stdoutBytes.isEmpty)
    }
}
