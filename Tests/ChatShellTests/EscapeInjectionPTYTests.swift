import ChatTestSupport
import Foundation
import Testing

/// Issue 15's probe through the real binary on a pty: a file whose name carries a window-title OSC, a screen clear
/// and an OSC 52 clipboard write, and a memory with escapes, are shown in Sources, `/docs`, `/sources N` and
/// `/memories` without one of those sequences reaching the terminal.
@Suite(.serialized) struct EscapeInjectionPTYTests {
    static let hostilePrefix = "\u{1B}]0;title\u{07}\u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{07}"

    private func environment(home: TemporaryDirectory) -> [String: String] {
        PseudoTerminal.environment(home: home.url)
    }

    /// Runs `chatshell ask LINE` to completion (no terminal involved).
    private func ask(_ line: String, binary: URL, environment: [String: String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ask", line]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return try await OwnThread.run {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func hostileNamesAndMemoriesNeverReachTheTerminalAsCommands() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        let folder = home.url.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "Zanzibar trips have a nightly hotel cap of 410 dollars.\n".write(
            to: folder.appendingPathComponent(Self.hostilePrefix + "policy.txt"),
            atomically: true,
            encoding: .utf8
        )
        let env = environment(home: home)
        // The memory is stored outside the pty: typed into readline, ESC would be a key, not text.
        #expect(
            try await ask("/remember My locker code is \u{1B}[2J\u{9B}31m 4711\u{07}", binary: binary, environment: env)
                == 0
        )

        let terminal = try PseudoTerminal(executable: binary, arguments: [], environment: env, columns: 80)
        #expect(await terminal.waitFor("> "))
        terminal.type("/upload \(folder.path)\r")
        // The visible form of the name is long: the result line wraps at a word, so wait for its end.
        #expect(await terminal.waitFor(": 1 chunk"))
        var mark = terminal.text.count
        terminal.type("What is the nightly hotel cap for Zanzibar trips?\r")
        #expect(await terminal.waitFor("Sources:", after: mark))
        #expect(await terminal.waitFor("\n> ", after: mark))
        mark = terminal.text.count
        terminal.type("/sources 1\r")
        #expect(await terminal.waitFor("410 dollars", after: mark))
        #expect(await terminal.waitFor("\n> ", after: mark))
        mark = terminal.text.count
        terminal.type("/docs\r")
        #expect(await terminal.waitFor("1 document", after: mark))
        #expect(await terminal.waitFor("\n> ", after: mark))
        mark = terminal.text.count
        terminal.type("/memories\r")
        #expect(await terminal.waitFor("4711", after: mark))
        #expect(await terminal.waitFor("\n> ", after: mark))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        // The names and the memory are there, shown visibly...
        let text = terminal.text
        #expect(text.contains("\\x1b]0;title\\x07\\x1b[2J\\x1b]52;c;cHduZWQ=\\x07policy.txt"))
        #expect(text.contains("My locker code is \\x1b[2J\\x9b31m 4711\\x07"))
        // ...and not one of their sequences reached the terminal: no OSC, no screen clear, no BEL, no C1 CSI.
        let raw = terminal.rawBytes
        #expect(!contains(raw, [0x1B, 0x5D]), "an OSC sequence (title, clipboard) reached the terminal")
        #expect(!contains(raw, Array("\u{1B}[2J".utf8)), "a screen clear reached the terminal")
        #expect(!raw.contains(0x07), "a BEL reached the terminal")
        #expect(!contains(raw, [0xC2, 0x9B]), "a C1 CSI reached the terminal")
    }

    /// A model's answer carrying a window title, a screen clear, a cursor move, an OSC 52 clipboard write, a C1 CSI
    /// and a DCS, streamed so that an ESC arrives in one chunk and the rest of its sequence in the next.
    static let hostileAnswer = [
        "The nightly hotel cap is 410 dollars [1]. ", "\u{1B}", "]0;pwned\u{07}", "\u{1B}[2J", "\u{1B}[10;1H",
        "\u{1B}]52;c;cHduZWQ=\u{07}", "\u{9B}31m", "\u{1B}Pq\u{1B}\\", "\u{1B}[3J", "Ask again tomorrow.",
    ]

    /// The sequences the hostile name, memory and answer carry, none of which may reach the terminal.
    static let forbiddenSequences: [(bytes: [UInt8], what: String)] = [
        ([0x1B, 0x5D], "an OSC sequence (title, clipboard)"),
        (Array("\u{1B}[2J".utf8), "a screen clear"),
        (Array("\u{1B}[3J".utf8), "a scrollback clear"),
        (Array("\u{1B}[10;1H".utf8), "a cursor move"),
        ([0x1B, 0x50], "a DCS sequence"),
        ([0x07], "a BEL"),
        ([0xC2, 0x9B], "a C1 CSI"),
    ]

    /// The model's answer is text from outside as much as a file name is: through the REPL (answer, `/sources`,
    /// `/docs`, `/memories`, `/history`), `chatshell ask` on a terminal, and the bridge's plain mode on a terminal,
    /// not one of its sequences (nor the name's or the memory's) reaches the terminal.
    @Test func aModelsAnswerNeverReachesTheTerminalAsCommandsInTheREPLAskOrTheBridge() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let model = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(Self.hostileAnswer) }
        defer { model.stop() }
        let llm = ["--llm", model.baseURL.absoluteString]
        let home = TemporaryDirectory()
        let folder = home.url.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "Zanzibar trips have a nightly hotel cap of 410 dollars.\n".write(
            to: folder.appendingPathComponent(Self.hostilePrefix + "policy.txt"),
            atomically: true,
            encoding: .utf8
        )
        let env = environment(home: home)
        #expect(try await ask("/upload \(folder.path)", binary: binary, environment: env) == 0)
        #expect(
            try await ask("/remember The code is \u{1B}]52;c;cHduZWQ=\u{07} 4711", binary: binary, environment: env)
                == 0
        )
        let question = "What is the nightly hotel cap for Zanzibar trips?"

        // The REPL: the streamed answer, its sources, the documents, the memories and the answer again in /history.
        // Wide enough that the answer's visible escapes, one long word, are not cut by the layout.
        let repl = try PseudoTerminal(executable: binary, arguments: llm, environment: env, columns: 250)
        #expect(await repl.waitFor("> "))
        for (line, shown) in [
            (question, "Ask again tomorrow."), ("/sources 1", "410 dollars"), ("/docs", "1 document"),
            ("/memories", "4711"), ("/history", "Ask again tomorrow."),
        ] {
            let mark = repl.text.count
            repl.type(line + "\r")
            #expect(await repl.waitFor(shown, after: mark), "\(line) showed no \(shown): \(repl.text.suffix(2000))")
            #expect(await repl.waitFor("\n> ", after: mark))
        }
        repl.type("/quit\r")
        #expect(await repl.waitForExit() == 0)
        #expect(repl.text.contains("\\x1b]0;pwned\\x07\\x1b[2J\\x1b[10;1H\\x1b]52;c;cHduZWQ=\\x07\\x9b31m"))

        // `chatshell ask` with its standard output on a terminal.
        let asked = try PseudoTerminal(
            executable: binary,
            arguments: llm + ["ask", question],
            environment: env,
            columns: 250
        )
        #expect(await asked.waitForExit() == 0)
        #expect(asked.text.contains("Ask again tomorrow."))
        #expect(asked.text.contains("\\x1b]0;pwned"))

        // The bridge in plain mode on a terminal: the answer with its sources, then /docs and /memories.
        let bridge = try PseudoTerminal(
            executable: binary,
            arguments: llm + ["bridge", "--sources"],
            environment: env,
            columns: 250
        )
        for (line, shown) in [(question, "Ask again tomorrow."), ("/docs", "1 document"), ("/memories", "4711")] {
            let mark = bridge.text.count
            bridge.type(line + "\r")
            #expect(await bridge.waitFor(shown, after: mark), "\(line) showed no \(shown): \(bridge.text.suffix(2000))")
            #expect(await bridge.waitFor("\n.\n", after: mark))
        }
        bridge.type("/quit\r")
        #expect(await bridge.waitForExit() == 0)
        #expect(bridge.text.contains(".source 1 %1B]0;title%07%1B[2J%1B]52;c;cHduZWQ=%07policy.txt"))

        for (name, terminal) in [("REPL", repl), ("ask", asked), ("bridge", bridge)] {
            for (bytes, what) in Self.forbiddenSequences {
                #expect(!contains(terminal.rawBytes, bytes), "\(what) reached the terminal through \(name)")
            }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
