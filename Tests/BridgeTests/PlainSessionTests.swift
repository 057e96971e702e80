import Bridge
import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Testing

@Suite struct PlainSessionTests {
    private func configuration(_ change: (inout BridgeConfiguration) -> Void = { _ in }) -> BridgeConfiguration {
        var configuration = BridgeConfiguration(mode: .plain)
        change(&configuration)
        return configuration
    }

    /// Runs complete input and checks the grammar and the number of replies.
    private func run(
        _ input: [String],
        backend: any Backend = ScriptedBackend(),
        commands: Bool = true,
        _ change: (inout BridgeConfiguration) -> Void = { _ in }
    ) async -> BridgeDriver.Run {
        let run = await BridgeDriver.run(configuration(change), backend: backend, input: ScriptedInput(lines: input))
        #expect(
            ProtocolGrammar.checkPlain(run.lines, replies: ProtocolGrammar.plainReplies(to: input, commands: commands))
                == []
        )
        return run
    }

    @Test func eachQuestionGetsItsAnswerAndADotInOrder() async {
        let backend = ScriptedBackend { request, index in
            .init(
                tokens: ["Answer \(index) ", "to \(request.query) ", "[1]."],
                sources: [.sample(1)],
                delay: .milliseconds(3)
            )
        }
        let run = await run(["  first  ", "", "second"], backend: backend)
        #expect(run.code == 0)
        #expect(run.lines == ["Answer 0 to first [1].", ".", "Answer 1 to second [1].", "."])
    }

    @Test func multiLineAnswersAreDotStuffedLineByLine() async {
        let backend = ScriptedBackend { _, _ in
            .init(tokens: ["Line one\n.hidden", " dot\n\n", "\u{1B}[1mlast"], sources: [])
        }
        let run = await run(["q"], backend: backend)
        #expect(run.lines == ["Line one", "..hidden dot", "", "[1mlast", "."])
    }

    @Test func sourcesListsCitedSourcesAfterTheContent() async {
        let backend = ScriptedBackend { _, _ in
            var second = Source.sample(2, page: nil)
            second.filename = "notes 2.txt"
            return .init(tokens: ["Cited [2]."], sources: [.sample(1), second])
        }
        let run = await run(["q"], backend: backend) { $0.sources = true }
        #expect(run.lines == ["Cited [2].", #".source 2 notes%202.txt "Title 2""#, "."])
    }

    @Test func maxLinesCutsTheReplyAndSaysSo() async {
        let backend = ScriptedBackend { _, _ in .init(tokens: ["a\nb\nc\nd"], sources: []) }
        let run = await run(["q", "q"], backend: backend) { $0.maxLines = 2 }
        #expect(run.lines == ["a", "b", ".truncated", ".", "a", "b", ".truncated", "."])
    }

    @Test func commandsAreAllowedForbiddenOrUnknown() async {
        let run = await run([
            "/remember I like tea", "/upload x.pdf", "/LOGIN a b", "/sources", "/halp", "/docs", "//help me",
        ])
        #expect(run.lines[0] == "Remembered mem_1: I like tea")
        #expect(run.lines[1] == ".")
        #expect(run.lines[2] == ".error forbidden_command /upload is not available in plain mode")
        #expect(run.lines[3] == ".error forbidden_command /login is not available in plain mode")
        #expect(run.lines[4] == ".error forbidden_command /sources is not available in plain mode")
        #expect(run.lines[5] == ".error unknown_command Unknown command '/halp'. Did you mean '/help'?")
        #expect(run.lines[6...8] == ["0 documents", ".", "You asked: /help me [1]."])
    }

    @Test func noCommandsAsksEveryLineVerbatim() async {
        let run = await run(["/help", "//x"], commands: false) { $0.noCommands = true }
        #expect(run.lines == ["You asked: /help [1].", ".", "You asked: //x [1].", "."])
    }

    @Test func newStartsAFreshConversationAndStatelessNeverKeepsOne() async {
        let seen = RequestLog()
        let backend = ScriptedBackend { request, _ in
            seen.record(request)
            return .echo(request.query)
        }
        _ = await run(["a", "b", "/new", "c"], backend: backend)
        #expect(seen.requests.map(\.conversationId) == [nil, "cnv_0", nil])
        let stateless = RequestLog()
        let other = ScriptedBackend { request, _ in
            stateless.record(request)
            return .echo(request.query)
        }
        let run = await run(["a", "b", "/new"], backend: other) { $0.stateless = true }
        #expect(stateless.requests.map(\.conversationId) == [nil, nil])
        #expect(run.lines.last == ".")
    }

    @Test func quitEndsInputLikeEndOfFile() async {
        let run = await run(["a", "/quit", "never answered"])
        #expect(run.code == 0)
        #expect(run.lines == ["You asked: a [1].", "."])
    }

    @Test func badLinesAreAnsweredInTheirTurn() async {
        let input = ScriptedInput()
        input.send("first\n")
        input.send(bytes: [0xC3, 0x28, 0x0A])
        input.send(String(repeating: "x", count: 40) + "\nlast\n")
        input.close()
        let backend = ScriptedBackend { request, _ in .echo(request.query, delay: .milliseconds(5)) }
        let run = await BridgeDriver.run(configuration { $0.maxLineBytes = 32 }, backend: backend, input: input)
        #expect(ProtocolGrammar.checkPlain(run.lines, replies: 4) == [])
        #expect(
            run.lines == [
                "You asked: first [1].", ".", ".error parse_error Line 2 is not valid UTF-8.",
                ".error too_large Line 3 is longer than 32 bytes.", "You asked: last [1].", ".",
            ]
        )
    }

    @Test func timeoutKeepsThePartialAnswer() async {
        // Given: an answer that stalls after its first line, and a timeout that fires once that line is out
        let backend = ScriptedBackend { _, _ in
            .init(tokens: ["done line\nhalf", " never"], sources: [], holds: [1: .never])
        }
        let expiry = Gate()
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            configuration { $0.timeout = .milliseconds(500) },
            backend: backend,
            input: ScriptedInput(lines: ["q"]),
            sink: sink,
            clock: BridgeDriver.clock(expiringAt: expiry)
        ) { _ in
            await sink.waitFor { $0.contains("done line") }
            expiry.open()
        }
        #expect(run.lines == ["done line", "half", ".error timeout No result within 0.5 s."])
    }

    @Test func heartbeatWritesStatusLines() async {
        // Given: an answer silent until two heartbeats have gone out
        let silent = Gate()
        let backend = ScriptedBackend { _, _ in .init(tokens: ["x"], sources: [], holds: [0: silent]) }
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            configuration { $0.heartbeat = .milliseconds(100) },
            backend: backend,
            input: ScriptedInput(lines: ["q"]),
            sink: sink
        ) { _ in
            await sink.waitFor { $0.filter { $0 == ".status generating" }.count >= 2 }
            silent.open()
        }
        #expect(run.lines.filter { $0 == ".status generating" }.count >= 2)
        #expect(run.lines.suffix(2) == ["x", "."])
    }

    @Test func endOfInputWithCancelAnswersEveryLine() async {
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: .never) }
        let run = await run(["a", "b", "c"], backend: backend) { $0.onEOF = .cancel }
        #expect(run.lines == Array(repeating: ".error cancelled Cancelled at end of input.", count: 3))
    }

    @Test func signalInterruptsTheRunningAndReadAheadLines() async {
        let backend = ScriptedBackend { request, _ in .held(.echo(request.query), at: 0, by: .never) }
        let input = ScriptedInput()
        input.send("a\nb\n")
        let sink = CollectingSink()
        let run = await BridgeDriver.run(configuration(), backend: backend, input: input, sink: sink) { session in
            // Both lines are read (one runs, one waits behind it) before the signal.
            await input.waitUntilDrained()
            await backend.waitForLog { $0.contains { if case .begin("a", _, _) = $0 { true } else { false } } }
            await session.interrupt(.interrupt)
        }
        #expect(run.code == 130)
        #expect(
            run.lines == [".error interrupted Interrupted by SIGINT.", ".error interrupted Interrupted by SIGINT."]
        )
    }
}
