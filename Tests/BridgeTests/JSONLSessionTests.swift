import Bridge
import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct JSONLSessionTests {
    private static let json = BridgeDriver.json

    private func configuration(_ change: (inout BridgeConfiguration) -> Void = { _ in }) -> BridgeConfiguration {
        var configuration = BridgeConfiguration(mode: .jsonl)
        change(&configuration)
        return configuration
    }

    /// Runs complete input and checks the grammar.
    private func run(
        _ lines: [String],
        backend: any Backend = ScriptedBackend(),
        _ change: (inout BridgeConfiguration) -> Void = { _ in }
    ) async -> (BridgeDriver.Run, [[String: Any]]) {
        let run = await BridgeDriver.run(configuration(change), backend: backend, input: ScriptedInput(lines: lines))
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(ProtocolGrammar.citationSpanProblems(report.events) == [])
        return (run, report.events)
    }

    // MARK: - Framing

    @Test func helloStartsAndByeEnds() async throws {
        let (run, events) = await run([Self.json(["op": "ask", "id": "a1", "text": "Hi?", "meta": ["user": "dana"]])])
        #expect(run.code == 0)
        let hello = try #require(events.first)
        #expect(hello["protocol"] as? String == "chatshell-bridge/1")
        #expect(hello["backend"] as? String == "embedded")
        #expect(hello["capabilities"] as? [String] == [])
        let limits = try #require(hello["limits"] as? [String: Int])
        #expect(limits == ["max_inflight": 4, "max_queue": 64, "max_line_bytes": 1_048_576, "timeout_ms": 120_000])
        // Tokens may merge while the writer is behind; the order of kinds may not change.
        let kinds = events.types(of: "a1").reduce(into: [String]()) {
            if $0.last != $1 || $1 != "token" { $0.append($1) }
        }
        #expect(kinds == ["start", "status", "sources", "status", "token", "citation", "done"])
        let start = try #require(events.of("a1").first)
        #expect(start["op"] as? String == "ask")
        #expect(start["conversation"] is NSNull)
        #expect((start["meta"] as? [String: String]) == ["user": "dana"])
        let done = try #require(events.terminal(of: "a1"))
        #expect(done["answer"] as? String == "You asked: Hi? [1].")
        #expect(done["finish"] as? String == "stop")
        #expect(done["memory_added"] is NSNull)
        #expect((done["meta"] as? [String: String]) == ["user": "dana"])
        let citations = try #require(done["citations"] as? [[String: Any]])
        #expect(citations.count == 1)
        #expect(citations.first?["doc"] as? String == "file 1.pdf")
        #expect(citations.first?["page"] as? Int == 1)
        let sources = try #require(
            events.of("a1").first { $0["type"] as? String == "sources" }?["sources"] as? [[String: Any]]
        )
        #expect(sources.first?["doc_id"] as? String == "doc_1")
        #expect(sources.first?["kind"] as? String == "document")
        #expect(
            Set(sources.first?.keys.map { $0 } ?? []) == [
                "n", "kind", "doc", "title", "page", "doc_id", "score", "snippet",
            ]
        )
        #expect(events.last?["type"] as? String == "bye")
        #expect(events.last?["reason"] as? String == "eof")
    }

    @Test func startsFollowInputOrderAndWaitingRequestsSayQueued() async throws {
        // The first answer is held until the ping has counted what runs and what waits.
        let counted = Gate()
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: counted) }
        let lines =
            (1...3).map { Self.json(["op": "ask", "id": "q\($0)", "text": "Q\($0)"]) }
            + [Self.json(["op": "ping", "id": "p"])]
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            configuration { $0.maxInflight = 1 },
            backend: backend,
            input: ScriptedInput(lines: lines),
            sink: sink
        ) { _ in
            await sink.waitFor { $0.contains { $0.contains(#""type":"pong""#) } }
            counted.open()
        }
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        let events = report.events
        let starts = events.filter { $0["type"] as? String == "start" }.compactMap { $0["id"] as? String }
        #expect(starts == ["q1", "q2", "q3"])
        #expect(events.of("q1").contains { $0["stage"] as? String == "queued" } == false)
        #expect(events.of("q2")[1]["stage"] as? String == "queued")
        #expect(events.of("q3")[1]["stage"] as? String == "queued")
        let pong = try #require(events.of("p").first)
        #expect(pong["type"] as? String == "pong")
        #expect(pong["inflight"] as? Int == 1)
        #expect(pong["queued"] as? Int == 2)
    }

    @Test func requestsOfOneConversationRunOneAtATimeAndShareHistory() async {
        let backend = ScriptedBackend { request, _ in .echo(request.query, delay: .milliseconds(5)) }
        let lines =
            (1...3).map {
                Self.json(["op": "ask", "id": "c\($0)", "text": "Q\($0)", "conversation": "irc:#floor:dana"])
            }
            + [Self.json(["op": "ask", "id": "other", "text": "Other", "conversation": "irc:#floor:sam"])]
        let (_, events) = await run(lines, backend: backend)
        #expect(events.terminal(of: "c3")?["conversation"] as? String == "irc:#floor:dana")
        let log = backend.log
        let dana = log.filter {
            switch $0 {
            case .begin(let query, _, _), .end(let query): query.hasPrefix("Q")
            }
        }
        #expect(
            dana == [
                .begin(query: "Q1", conversationId: nil, assigned: "cnv_0"), .end(query: "Q1"),
                .begin(query: "Q2", conversationId: "cnv_0", assigned: "cnv_0"), .end(query: "Q2"),
                .begin(query: "Q3", conversationId: "cnv_0", assigned: "cnv_0"), .end(query: "Q3"),
            ]
        )
        #expect(log.contains { if case .begin("Other", nil, _) = $0 { true } else { false } })
    }

    // MARK: - Cancel, timeout, failures

    @Test func cancelEndsARunningRequestKeepingItsPartialText() async throws {
        let backend = ScriptedBackend { _, _ in
            .init(tokens: ["one ", "two ", "three"], sources: [], holds: [1: .never])
        }
        let input = ScriptedInput()
        let sink = CollectingSink()
        input.send(Self.json(["op": "ask", "id": "a", "text": "slow", "meta": ["k": 1]]) + "\n")
        let run = await BridgeDriver.run(configuration(), backend: backend, input: input, sink: sink) { _ in
            await BridgeDriver.waitFor(sink) { $0.contains { $0.contains(#""type":"token""#) } }
            input.send(
                Self.json(["op": "cancel", "id": "a"]) + "\n" + Self.json(["op": "cancel", "id": "nobody"]) + "\n"
            )
            input.close()
        }
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        let error = try #require(report.events.terminal(of: "a"))
        #expect(error["type"] as? String == "error")
        #expect(error["code"] as? String == "cancelled")
        #expect(error["message"] as? String == "cancelled by host")
        #expect(error["retryable"] as? Bool == false)
        #expect(error["partial"] as? String == "one ")
        #expect((error["meta"] as? [String: Int]) == ["k": 1])
        #expect(await backend.waitForLog { $0.last == .end(query: "slow") })
    }

    @Test func cancelOfAQueuedRequestNeverReachesTheBackend() async {
        // The first answer is held until the queued one has ended, so "b" is still queued when its cancel comes.
        let bEnded = Gate()
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: bEnded) }
        let lines = [
            Self.json(["op": "ask", "id": "a", "text": "first"]),
            Self.json(["op": "ask", "id": "b", "text": "second"]),
            Self.json(["op": "cancel", "id": "b"]),
        ]
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            configuration { $0.maxInflight = 1 },
            backend: backend,
            input: ScriptedInput(lines: lines),
            sink: sink
        ) { _ in
            await sink.waitFor { $0.contains { $0.contains(#""type":"error""#) && $0.contains(#""id":"b""#) } }
            bEnded.open()
        }
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        let events = report.events
        #expect(events.types(of: "b") == ["start", "status", "error"])
        #expect(events.terminal(of: "b")?["code"] as? String == "cancelled")
        #expect(events.terminal(of: "a")?["type"] as? String == "done")
        #expect(backend.calls == 1)
    }

    @Test func timeoutEndsTheRequestAsRetryableWithPartialText() async throws {
        // Given: an answer that stalls after its first token, and a timeout that fires once that token is out
        let backend = ScriptedBackend { _, _ in .init(tokens: ["partial ", "never"], sources: [], holds: [1: .never]) }
        let expiry = Gate()
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            configuration { $0.timeout = .milliseconds(500) },
            backend: backend,
            input: ScriptedInput(lines: [Self.json(["op": "ask", "id": "t", "text": "slow"])]),
            sink: sink,
            clock: BridgeDriver.clock(expiringAt: expiry)
        ) { _ in
            await sink.waitFor { $0.contains { $0.contains(#""type":"token""#) } }
            expiry.open()
        }
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        let events = report.events
        let error = try #require(events.terminal(of: "t"))
        #expect(error["code"] as? String == "timeout")
        #expect(error["retryable"] as? Bool == true)
        #expect(error["partial"] as? String == "partial ")
        #expect(error["message"] as? String == "No result within 0.5 s.")
    }

    @Test func backendFailuresBecomeErrorEvents() async {
        let backend = ScriptedBackend { request, _ in
            let failure: ScriptedBackend.Script.Failure =
                switch request.query {
                case "event": .event(at: 1, code: .llmUnavailable)
                case "thrown": .thrown(at: 1)
                case "early": .endsEarly(at: 1)
                default: .rejected(code: .validationError)
                }
            return .init(tokens: ["a ", "b"], sources: [], failure: failure)
        }
        let lines = ["event", "thrown", "early", "rejected"].map { Self.json(["op": "ask", "id": $0, "text": $0]) }
        let (_, events) = await run(lines, backend: backend)
        let codes = ["event", "thrown", "early", "rejected"].map { events.terminal(of: $0)?["code"] as? String }
        #expect(codes == ["llm_unavailable", "backend_unavailable", "backend_unavailable", "validation_error"])
        #expect(events.terminal(of: "event")?["retryable"] as? Bool == true)
        #expect(events.terminal(of: "event")?["partial"] as? String == "a ")
        #expect(events.terminal(of: "rejected")?["partial"] == nil)
        #expect(events.terminal(of: "thrown")?["message"] as? String == "scripted transport failure")
    }

    @Test func streamFalseOmitsSourcesTokensAndCitations() async {
        let (_, events) = await run([Self.json(["op": "ask", "id": "s", "text": "quiet", "stream": false])])
        #expect(events.types(of: "s") == ["start", "status", "status", "done"])
        #expect(events.terminal(of: "s")?["answer"] as? String == "You asked: quiet [1].")
    }

    @Test func documentNamesBecomeIdsAndUnknownNamesFail() async throws {
        let seen = RequestLog()
        let backend = ScriptedBackend(documents: [.sample(id: "doc_A", filename: "travel-policy.pdf")]) { request, _ in
            seen.record(request)
            return .echo(request.query)
        }
        let lines = [
            Self.json(["op": "ask", "id": "ok", "text": "q", "options": ["documents": ["TRAVEL-policy.pdf", "doc_A"]]]),
            Self.json(["op": "ask", "id": "missing", "text": "q", "options": ["documents": ["product-x400-spec.pdf"]]]),
        ]
        let (_, events) = await run(lines, backend: backend)
        #expect(seen.requests.first?.documentIds == ["doc_A", "doc_A"])
        let error = try #require(events.terminal(of: "missing"))
        #expect(error["code"] as? String == "document_not_found")
        #expect(error["message"] as? String == "Document not found: product-x400-spec.pdf")
        #expect(events.types(of: "missing") == ["start", "error"])
    }

    // MARK: - Rejected lines

    @Test func linesThatAreNotAcceptedGetIdlessErrors() async throws {
        let long = #"{"op":"ask","id":"big","text":""# + String(repeating: "x", count: 200) + #""}"#
        let input = ScriptedInput()
        input.send(
            "not json\n[1]\n" + #"{"op":"dance","id":"d"}"# + "\n" + #"{"op":"ask","id":"a"}"# + "\n\n   \n" + long
                + "\n"
        )
        input.send(bytes: [0xFF, 0x0A])
        input.send(Self.json(["op": "ask", "id": "ok", "text": "fine"]) + "\n")
        input.close()
        let run = await BridgeDriver.run(
            configuration { $0.maxLineBytes = 100 },
            backend: ScriptedBackend(),
            input: input
        )
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        let rejections = report.events.filter { $0["type"] as? String == "error" && $0["id"] is NSNull }
        let summary = rejections.map { "\($0["line"] ?? "-") \($0["code"] ?? "-") \($0["ref"] ?? "-")" }
        #expect(
            summary == [
                "1 parse_error -", "2 parse_error -", "3 unknown_op d", "4 bad_request a", "7 too_large -",
                "8 parse_error -",
            ]
        )
        #expect(rejections[3]["message"] as? String == "Missing field 'text'.")
        #expect(rejections[5]["message"] as? String == "Line 8 is not valid UTF-8.")
        #expect(report.events.terminal(of: "ok")?["type"] as? String == "done")
    }

    @Test func idOfAnUnfinishedRequestIsRefusedAndFreeAgainAfterwards() async throws {
        // The first "a" is held until its duplicate has been refused.
        let refused = Gate()
        let backend = ScriptedBackend { request, index in
            index == 0 ? .held(.echo(request.query), at: 0, by: refused) : .echo(request.query)
        }
        let input = ScriptedInput()
        let sink = CollectingSink()
        input.send(
            Self.json(["op": "ask", "id": "a", "text": "one"]) + "\n"
                + Self.json(["op": "ask", "id": "a", "text": "two"]) + "\n"
        )
        let run = await BridgeDriver.run(configuration(), backend: backend, input: input, sink: sink) { _ in
            await sink.waitFor { $0.contains { $0.contains(#""code":"duplicate_id""#) } }
            refused.open()
            await sink.waitFor { $0.contains { $0.contains(#""type":"done""#) } }
            input.send(Self.json(["op": "ask", "id": "a", "text": "three"]) + "\n")
            input.close()
        }
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        let duplicate = try #require(report.events.first { $0["code"] as? String == "duplicate_id" })
        #expect(duplicate["id"] is NSNull)
        #expect(duplicate["ref"] as? String == "a")
        #expect(duplicate["line"] as? Int == 2)
        #expect(report.starts["a"] == 2)
        #expect(
            report.terminals.map(\.event).compactMap { $0["answer"] as? String } == [
                "You asked: one [1].", "You asked: three [1].",
            ]
        )
    }

    // MARK: - Conversations

    @Test func resetForgetsHistoryAndSaysWhetherItExisted() async throws {
        let seen = RequestLog()
        let backend = ScriptedBackend { request, _ in
            seen.record(request)
            return .echo(request.query)
        }
        let lines = [
            Self.json(["op": "ask", "id": "a", "text": "one", "conversation": "c"]),
            Self.json(["op": "reset", "id": "r1", "conversation": "c"]),
            Self.json(["op": "ask", "id": "b", "text": "two", "conversation": "c"]),
            Self.json(["op": "reset", "conversation": "never-used"]),
        ]
        let (_, events) = await run(lines, backend: backend)
        let reset = try #require(events.of("r1").first)
        #expect(reset["type"] as? String == "reset")
        #expect(reset["existed"] as? Bool == true)
        #expect(reset["seq"] as? Int == 0)
        let anonymous = try #require(events.first { $0["type"] as? String == "reset" && $0["id"] == nil })
        #expect(anonymous["existed"] as? Bool == false)
        #expect(anonymous["conversation"] as? String == "never-used")
        #expect(seen.requests.map(\.conversationId) == [nil, nil])
    }

    @Test func leastRecentlyUsedIdleConversationIsForgotten() async {
        let seen = RequestLog()
        let backend = ScriptedBackend { request, _ in
            seen.record(request)
            return .echo(request.query)
        }
        let input = ScriptedInput()
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            configuration { $0.maxIdleConversations = 2 },
            backend: backend,
            input: input,
            sink: sink
        ) { _ in
            for (index, key) in ["c1", "c2", "c3", "c2", "c1"].enumerated() {
                input.send(Self.json(["op": "ask", "id": "q\(index)", "text": key, "conversation": key]) + "\n")
                await BridgeDriver.waitFor(sink) {
                    $0.contains { $0.contains(#""id":"q\#(index)""#) && $0.contains("done") }
                }
            }
            input.close()
        }
        #expect(ProtocolGrammar.checkJSONL(run.lines).problems == [])
        // c1 was the least recently used when c3 arrived; c2 survived.
        #expect(seen.requests.map { $0.conversationId != nil } == [false, false, false, true, false])
    }

    // MARK: - Commands

    @Test func commandsRunThroughTheInterpreterWithTheBridgePolicy() async throws {
        let lines = [
            Self.json(["op": "command", "id": "help", "line": "/help"]),
            Self.json(["op": "command", "id": "remember", "line": "/remember I work in Leipzig", "conversation": "c"]),
            Self.json(["op": "command", "id": "new", "line": "/new"]),
            Self.json(["op": "command", "id": "login", "line": "/login a b c"]),
            Self.json(["op": "command", "id": "upload", "line": "/upload x.pdf"]),
            Self.json(["op": "command", "id": "admin", "line": "/admin users"]),
            Self.json(["op": "command", "id": "sources", "line": "/sources"]),
            Self.json(["op": "command", "id": "typo", "line": "/halp"]),
            Self.json(["op": "command", "id": "bad", "line": "/forget"]),
        ]
        let (_, events) = await run(lines)
        let help = try #require(events.terminal(of: "help"))
        #expect(help["type"] as? String == "done")
        #expect(help["result"] is NSNull)
        #expect((help["answer"] as? String)?.hasPrefix("Commands:") == true)
        #expect(events.types(of: "help") == ["start", "status", "done"])
        let remember = try #require(events.terminal(of: "remember"))
        #expect((remember["result"] as? [String: Any])?["content"] as? String == "I work in Leipzig")
        #expect(remember["conversation"] as? String == "c")
        let codes = ["new", "login", "upload", "admin", "sources", "typo", "bad"].map {
            events.terminal(of: $0)?["code"] as? String
        }
        #expect(
            codes == [
                "forbidden_command", "forbidden_command", "forbidden_command", "forbidden_command",
                "forbidden_command", "unknown_command", "bad_request",
            ]
        )
        #expect(events.terminal(of: "upload")?["message"] as? String == "/upload needs --upload-root")
        #expect(events.terminal(of: "admin")?["message"] as? String == "/admin needs --allow-admin")
        #expect(events.terminal(of: "typo")?["message"] as? String == "Unknown command '/halp'. Did you mean '/help'?")
    }

    @Test func uploadsStayInsideTheUploadRoot() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // Enough `..` to climb from the root to `/` whatever the temporary folder's depth (`..` at `/` stays there).
        let escape = String(repeating: "../", count: root.pathComponents.count) + "etc/passwd"
        let lines = [
            Self.json(["op": "command", "id": "up", "line": "/upload \(escape)"]),
            Self.json(["op": "command", "id": "missing", "line": "/upload /nonexistent/secret.txt"]),
        ]
        // An explicit working directory: the process's own is global state another test's child process may
        // move while this one runs.
        let (_, events) = await run(lines) {
            $0.uploadRoot = root
            $0.workingDirectory = URL(fileURLWithPath: "/usr/bin")
        }
        #expect(events.first?["capabilities"] as? [String] == ["upload"])
        #expect(events.terminal(of: "up")?["code"] as? String == "bad_request")
        #expect(events.terminal(of: "up")?["message"] as? String == "'/etc/passwd' is outside --upload-root.")
        #expect(
            events.terminal(of: "missing")?["message"] as? String
                == "'/nonexistent/secret.txt' is outside --upload-root."
        )
    }

    // MARK: - End of input, signals, closed stdout

    @Test func endOfInputDrainsAcceptedWork() async {
        let backend = ScriptedBackend { request, _ in .echo(request.query, delay: .milliseconds(10)) }
        let lines = (1...6).map { Self.json(["op": "ask", "id": "d\($0)", "text": "q\($0)"]) }
        let (run, events) = await run(lines, backend: backend) { $0.maxInflight = 2 }
        #expect(run.code == 0)
        #expect((1...6).allSatisfy { events.terminal(of: "d\($0)")?["type"] as? String == "done" })
    }

    @Test func endOfInputWithCancelEndsUnfinishedWork() async {
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: .never) }
        let lines = (1...4).map { Self.json(["op": "ask", "id": "e\($0)", "text": "q\($0)"]) }
        let (run, events) = await run(lines, backend: backend) {
            $0.maxInflight = 1
            $0.onEOF = .cancel
        }
        #expect(run.code == 0)
        let codes = (1...4).map { events.terminal(of: "e\($0)")?["code"] as? String }
        #expect(codes == Array(repeating: "cancelled", count: 4))
        #expect(events.terminal(of: "e1")?["message"] as? String == "Cancelled at end of input.")
    }

    @Test func signalInterruptsEveryOpenRequestThenSaysBye() async {
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: .never) }
        let input = ScriptedInput()
        let sink = CollectingSink()
        input.send((1...3).map { Self.json(["op": "ask", "id": "s\($0)", "text": "q"]) + "\n" }.joined())
        let run = await BridgeDriver.run(
            configuration { $0.maxInflight = 2 },
            backend: backend,
            input: input,
            sink: sink
        ) {
            session in
            await BridgeDriver.waitFor(sink) { $0.filter { $0.contains(#""type":"start""#) }.count == 3 }
            await session.interrupt(.terminate)
        }
        #expect(run.code == 143)
        let report = ProtocolGrammar.checkJSONL(run.lines)
        #expect(report.problems == [])
        #expect(report.terminals.map { $0.event["code"] as? String } == ["interrupted", "interrupted", "interrupted"])
        #expect(report.terminals.first?.event["retryable"] as? Bool == true)
        #expect(report.events.last?["reason"] as? String == "signal")
        // The two running answers were stopped; the queued one never reached the backend.
        #expect(await backend.waitForLog { $0.filter { if case .end = $0 { true } else { false } }.count == 2 })
        #expect(backend.calls == 2)
    }

    @Test func closedStdoutCancelsEverythingAndExitsZero() async {
        // Given: an answer that would never finish on its own, and a reader that goes away after three records
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: .never) }
        let input = ScriptedInput()
        input.send(Self.json(["op": "ask", "id": "x", "text": "q"]) + "\n")
        let sink = CollectingSink(failAfter: 3)
        // When the bridge runs (its return at all shows the stuck answer was cancelled: the driver's watchdog fails
        // a run that hangs)
        let run = await BridgeDriver.run(configuration(), backend: backend, input: input, sink: sink)
        #expect(run.code == 0)
        #expect(sink.writes == 3)
        // Then the backend's stream was dropped, which stops its work.
        #expect(await backend.waitForLog { $0.last == .end(query: "q") })
    }

    @Test func failingStdoutIsAFatalFault() async {
        let input = ScriptedInput()
        input.send(Self.json(["op": "ping", "id": "p"]) + "\n")
        let run = await BridgeDriver.run(
            configuration(),
            backend: ScriptedBackend(),
            input: input,
            sink: CollectingSink(failAfter: 0, failure: .failed(errno: 5))
        )
        #expect(run.code == 1)
    }
}

/// Requests a scripted backend received, in order.
final class RequestLog: Sendable {
    private let entries = Mutex<[QueryRequest]>([])

    func record(_ request: QueryRequest) {
        entries.withLock { $0.append(request) }
    }

    var requests: [QueryRequest] { entries.withLock { $0 } }
}
