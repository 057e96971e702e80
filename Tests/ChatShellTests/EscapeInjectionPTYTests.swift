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
    private func ask(_ line: String, binary: URL, environment: [String: String]) throws -> Int32 {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ask", line]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
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
            try ask("/remember My locker code is \u{1B}[2J\u{9B}31m 4711\u{07}", binary: binary, environment: env) == 0
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

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
