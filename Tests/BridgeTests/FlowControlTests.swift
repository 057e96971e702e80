import Bridge
import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Testing

@Suite struct FlowControlTests {
    private static let json = BridgeDriver.json

    @Test func inputIsNotReadPastInflightPlusQueue() async {
        // Given: answers held until the test has looked at the input, and twelve asks in the "pipe"
        let answering = Gate()
        let backend = ScriptedBackend { request, _ in
            var script = ScriptedBackend.Script.echo(request.query)
            script.holds = [0: answering]
            return script
        }
        let input = ScriptedInput()
        for index in 1...12 { input.send(Self.json(["op": "ask", "id": "b\(index)", "text": "q"]) + "\n") }
        input.close()
        var configuration = BridgeConfiguration(mode: .jsonl)
        configuration.maxInflight = 1
        configuration.maxQueue = 2
        let sink = CollectingSink()
        let run = await BridgeDriver.run(configuration, backend: backend, input: input, sink: sink) { _ in
            // When: one request runs and two wait, the reader stops: at most one more line is taken off the pipe.
            await sink.waitFor { $0.filter { $0.contains(#""type":"start""#) }.count == 3 }
            #expect(input.unread >= 8)
            answering.open()
        }
        #expect(ProtocolGrammar.checkJSONL(run.lines).problems == [])
        #expect(run.statistics.peakUnfinished == 3)
        #expect(run.statistics.peakRunning == 1)
        #expect(run.statistics.accepted == 12)
    }

    @Test func aStalledReaderLosesNothing() async throws {
        let tokens = (0..<200).map { "t\($0) " }
        let backend = ScriptedBackend { _, _ in .init(tokens: tokens + ["[1]."], sources: [.sample(1)]) }
        let input = ScriptedInput(lines: [Self.json(["op": "ask", "id": "m", "text": "q"])])
        let sink = CollectingSink()
        sink.pause()
        let run = await BridgeDriver.run(BridgeConfiguration(mode: .jsonl), backend: backend, input: input, sink: sink)
        {
            _ in
            // The whole answer is produced while nothing is read; only then does the reader come back.
            await backend.waitForLog { $0.contains(.end(query: "q")) }
            sink.resume()
        }
        // How many tokens merged depends on timing (RecordWriterTests pins that down); none may be lost.
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(ProtocolGrammar.citationSpanProblems(report.events) == [])
        #expect(report.tokens["m"] == tokens.joined() + "[1].")
    }

    @Test func coalescingMergesTokensEvenWhenStdoutKeepsUp() async {
        let tokens = (0..<40).map { "w\($0) " }
        let backend = ScriptedBackend { _, _ in .init(tokens: tokens, sources: [], delay: .milliseconds(1)) }
        var configuration = BridgeConfiguration(mode: .jsonl)
        // A window no run outlasts: every token waits for the request's next event, `done`, however the machine
        // schedules the stream.
        configuration.coalesce = .seconds(3_600)
        let input = ScriptedInput(lines: [Self.json(["op": "ask", "id": "c", "text": "q"])])
        let run = await BridgeDriver.run(configuration, backend: backend, input: input)
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(report.events.first?["capabilities"] as? [String] == ["coalesce"])
        let count = report.events.of("c").filter { $0["type"] as? String == "token" }.count
        #expect(count == 1)
        #expect(report.tokens["c"] == tokens.joined())
    }

    @Test func backendStreamsWaitWhileTheBacklogIsOverMaxBuffer() async {
        // Citations after every token keep tokens from merging, so the backlog grows with the stream.
        let tokens = (0..<300).map { "sentence number \($0) [1] " }
        let backend = ScriptedBackend { _, _ in .init(tokens: tokens, sources: [.sample(1)]) }
        var configuration = BridgeConfiguration(mode: .jsonl)
        configuration.maxBuffer = 4_096
        let input = ScriptedInput(lines: [Self.json(["op": "ask", "id": "big", "text": "q"])])
        let run = await BridgeDriver.run(
            configuration,
            backend: backend,
            input: input,
            sink: CollectingSink(delay: .microseconds(200))
        )
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(ProtocolGrammar.citationSpanProblems(report.events) == [])
        #expect(report.tokens["big"] == tokens.joined())
        // One record may land on top of the limit before its producer pauses; the largest is `done`.
        let doneBytes = run.lines.last { $0.contains(#""type":"done""#) }?.utf8.count ?? 0
        #expect(run.statistics.peakBacklogBytes <= 4_096 + doneBytes + 256)
    }

    @Test func heartbeatRepeatsTheCurrentStageOfSilentRequests() async {
        // Given: an answer silent until three heartbeats have gone out
        let silent = Gate()
        let backend = ScriptedBackend { _, _ in .init(tokens: ["slow ", "answer"], sources: [], holds: [0: silent]) }
        var configuration = BridgeConfiguration(mode: .jsonl)
        configuration.heartbeat = .milliseconds(100)
        let input = ScriptedInput(lines: [Self.json(["op": "ask", "id": "h", "text": "q"])])
        let sink = CollectingSink()
        let run = await BridgeDriver.run(configuration, backend: backend, input: input, sink: sink) { _ in
            await sink.waitFor { $0.filter { $0.contains(#""stage":"generating""#) }.count >= 3 }
            silent.open()
        }
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(report.events.first?["capabilities"] as? [String] == ["heartbeat"])
        let stages = report.events.of("h").compactMap { $0["stage"] as? String }
        #expect(stages.filter { $0 == "generating" }.count >= 3)
    }
}
