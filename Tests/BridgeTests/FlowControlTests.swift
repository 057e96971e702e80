import Bridge
import ChatAPI
import ChatClient
import Foundation
import Testing

@Suite struct FlowControlTests {
    private static let json = BridgeDriver.json

    @Test func inputIsNotReadPastInflightPlusQueue() async {
        let backend = ScriptedBackend { request, _ in .echo(request.query, delay: .milliseconds(30)) }
        let input = ScriptedInput()
        for index in 1...12 { input.send(Self.json(["op": "ask", "id": "b\(index)", "text": "q"]) + "\n") }
        input.close()
        var configuration = BridgeConfiguration(mode: .jsonl)
        configuration.maxInflight = 1
        configuration.maxQueue = 2
        let sink = CollectingSink()
        let run = await BridgeDriver.run(configuration, backend: backend, input: input, sink: sink) { _ in
            // While the first requests run, most of the input stays unread in the "pipe".
            try? await Task.sleep(for: .milliseconds(15))
            #expect(input.unread >= 8)
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
            while !backend.log.contains(.end(query: "q")) { try? await Task.sleep(for: .milliseconds(5)) }
            try? await Task.sleep(for: .milliseconds(50))
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
        // A window far longer than the stream's pauses, so even a loaded machine sees few, large tokens.
        configuration.coalesce = .milliseconds(250)
        let input = ScriptedInput(lines: [Self.json(["op": "ask", "id": "c", "text": "q"])])
        let run = await BridgeDriver.run(configuration, backend: backend, input: input)
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(report.events.first?["capabilities"] as? [String] == ["coalesce"])
        // The exact count depends on how the machine schedules the stream (RecordWriterTests pins the mechanism
        // down); with a window far longer than the stream, a few tokens at most go out.
        let count = report.events.of("c").filter { $0["type"] as? String == "token" }.count
        #expect(count >= 1 && count < tokens.count)
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
        let backend = ScriptedBackend { _, _ in
            .init(tokens: ["slow ", "answer"], sources: [], delays: [.seconds(1), .zero])
        }
        var configuration = BridgeConfiguration(mode: .jsonl)
        configuration.heartbeat = .milliseconds(100)
        let input = ScriptedInput(lines: [Self.json(["op": "ask", "id": "h", "text": "q"])])
        let run = await BridgeDriver.run(configuration, backend: backend, input: input)
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(report.events.first?["capabilities"] as? [String] == ["heartbeat"])
        let stages = report.events.of("h").compactMap { $0["stage"] as? String }
        #expect(stages.filter { $0 == "generating" }.count >= 3)
    }
}
