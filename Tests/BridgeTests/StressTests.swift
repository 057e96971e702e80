import Bridge
import ChatAPI
import ChatClient
import Foundation
import Testing

/// Many asks over many conversations against a scripted backend with random delays and failures, random
/// cancels, input split at random byte offsets, and a reader that stalls (bridge.md section 6, "Stress").
@Suite struct StressTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var asks: Int
        var conversations: Int
        var inflight: Int
        var seed: UInt64

        var testDescription: String { "\(asks) asks, \(conversations) conversations, max-inflight \(inflight)" }
    }

    @Test(arguments: [
        Scenario(asks: 300, conversations: 20, inflight: 1, seed: 11),
        Scenario(asks: 1_000, conversations: 100, inflight: 4, seed: 12),
        Scenario(asks: 1_000, conversations: 100, inflight: 16, seed: 13),
    ])
    func invariantsHoldUnderLoad(_ scenario: Scenario) async throws {
        var random = SeededRandom(seed: scenario.seed)
        // Given: asks spread over conversations (a fifth stateless), ~10% cancelled a little later.
        var lines: [String] = []
        var cancelled: Set<String> = []
        var cancelsDue: [Int: [String]] = [:]
        for index in 0..<scenario.asks {
            let id = "a\(index)"
            var request: [String: Any] = ["op": "ask", "id": id]
            if Int.random(in: 0..<5, using: &random) == 0 {
                request["text"] = "stateless#\(index)"
            } else {
                let key = "c\(Int.random(in: 0..<scenario.conversations, using: &random))"
                request["conversation"] = key
                request["text"] = "\(key)#\(index)"
            }
            lines.append(BridgeDriver.json(request))
            if Int.random(in: 0..<10, using: &random) == 0 {
                cancelsDue[index + Int.random(in: 0..<20, using: &random), default: []].append(id)
                cancelled.insert(id)
            }
            for target in cancelsDue.removeValue(forKey: index) ?? [] {
                lines.append(BridgeDriver.json(["op": "cancel", "id": target]))
            }
        }
        for (_, targets) in cancelsDue.sorted(by: { $0.key < $1.key }) {
            lines += targets.map { BridgeDriver.json(["op": "cancel", "id": $0]) }
        }

        let seed = scenario.seed
        let backend = ScriptedBackend { request, call in
            var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(call))
            let count = Int.random(in: 1...8, using: &random)
            var tokens = (0..<count).map { "w\($0) " }
            let marker = Int.random(in: 1...3, using: &random)
            tokens.insert("[\(marker)]", at: Int.random(in: 0...tokens.count, using: &random))
            var script = ScriptedBackend.Script(
                tokens: tokens,
                sources: (1...3).map { Source.sample($0) },
                delay: .microseconds(Int64.random(in: 0...1_500, using: &random))
            )
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<10:
                script.failure = .event(at: Int.random(in: 0..<tokens.count, using: &random), code: .llmUnavailable)
            case 10..<15: script.failure = .thrown(at: Int.random(in: 0..<tokens.count, using: &random))
            case 15..<18: script.failure = .endsEarly(at: Int.random(in: 0..<tokens.count, using: &random))
            case 18..<20: script.failure = .rejected(code: .validationError)
            default: break
            }
            _ = request
            return script
        }

        // Input arrives in chunks cut at random byte offsets, mid-line and mid-character alike.
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let input = ScriptedInput()
        var offset = 0
        while offset < bytes.count {
            let size = Int.random(in: 1...4_096, using: &random)
            input.send(bytes: Array(bytes[offset..<min(bytes.count, offset + size)]))
            offset += size
        }
        input.close()

        var configuration = BridgeConfiguration(mode: .jsonl)
        configuration.maxInflight = scenario.inflight
        configuration.maxQueue = 16
        configuration.maxBuffer = 4_096
        let sink = CollectingSink(takesAtOnce: true)

        // When: the bridge runs while the reader stalls now and then.
        let run = await BridgeDriver.run(
            configuration,
            backend: backend,
            input: input,
            sink: sink,
            limit: .seconds(600)
        ) {
            _ in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(40))
                sink.pause()
                try? await Task.sleep(for: .milliseconds(15))
                sink.resume()
            }
        }
        sink.resume()

        // Then: the protocol's invariants hold (4.5), tokens add up, spans cover their markers.
        #expect(run.code == 0)
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems.prefix(10) == [])
        #expect(ProtocolGrammar.citationSpanProblems(report.events).prefix(10) == [])
        #expect(report.terminals.count == scenario.asks)
        #expect(Set(report.terminals.map(\.id)).count == scenario.asks)
        for terminal in report.terminals where terminal.event["code"] as? String == "cancelled" {
            #expect(cancelled.contains(terminal.id), "\(terminal.id) was cancelled without a cancel")
        }
        #expect(report.terminals.contains { $0.event["code"] as? String == "cancelled" })
        #expect(report.terminals.contains { $0.type == "done" })

        // At most max-inflight running and max-inflight + max-queue unfinished; the backlog stayed bounded.
        #expect(run.statistics.peakRunning <= scenario.inflight)
        #expect(run.statistics.peakUnfinished <= scenario.inflight + 16)
        // Each running stream may add one event after the limit is reached before it pauses, and the input reader
        // the `start` and `status` records of the ask it just accepted.
        #expect(run.statistics.peakBacklogBytes <= 4_096 + (scenario.inflight + 1) * 1_024)

        // Per conversation, the backend saw one request at a time, in input order, with its own history only.
        // Cancelled streams log their end when their termination runs, which may follow the run's end.
        await backend.waitForLog { log in
            log.count { if case .begin = $0 { true } else { false } } * 2 == log.count
        }
        var open: [String: String] = [:]
        var lastIndex: [String: Int] = [:]
        var assigned: [String: Set<String>] = [:]
        var begins = 0
        var ends = 0
        for entry in backend.log {
            switch entry {
            case .begin(let query, let conversationId, let newId):
                begins += 1
                let parts = query.split(separator: "#")
                let key = String(parts[0])
                let index = Int(parts[1]) ?? -1
                guard key != "stateless" else {
                    #expect(conversationId == nil)
                    continue
                }
                #expect(open[key] == nil, "\(query) began while \(open[key] ?? "") was running")
                #expect(index > lastIndex[key, default: -1], "\(query) ran out of order")
                if let conversationId {
                    #expect(assigned[key, default: []].contains(conversationId), "\(query) got another history")
                }
                assigned[key, default: []].insert(newId)
                open[key] = query
                lastIndex[key] = index
            case .end(let query):
                ends += 1
                let key = String(query.split(separator: "#")[0])
                if open[key] == query { open[key] = nil }
            }
        }
        #expect(begins == ends, "every backend stream was ended")
    }
}
