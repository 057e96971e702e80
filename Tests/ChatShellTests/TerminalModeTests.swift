import ChatTestSupport
import Foundation
import Testing

/// Terminal modes through the real binary: no bracketed-paste switches for `TERM=dumb`, colour on request for `ask`.
@Suite(.serialized) struct TerminalModeTests {
    private func environment(home: TemporaryDirectory, term: String) -> [String: String] {
        [
            "HOME": home.url.path, "CHATSHELL_HOME": home.url.path, "TERM": term, "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
    }

    private static let bracketedPasteOn = Array("\u{1B}[?2004h".utf8)

    private func prompts(term: String) async throws -> [UInt8] {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        let terminal = try PseudoTerminal(
            executable: binary,
            arguments: [],
            environment: environment(home: home, term: term)
        )
        #expect(await terminal.waitFor("> "))
        terminal.type("/help\r")
        #expect(await terminal.waitFor("/upload"))
        #expect(await terminal.waitFor("\n> "))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        return terminal.rawBytes
    }

    @Test func dumbTerminalGetsNoBracketedPasteEscapes() async throws {
        let raw = try await prompts(term: "dumb")
        #expect(!raw.contains(0x1B), "TERM=dumb got an escape sequence")
    }

    @Test func aCapableTerminalKeepsBracketedPaste() async throws {
        let raw = try await prompts(term: "xterm")
        #expect(Self.find(Self.bracketedPasteOn, in: raw))
    }

    @Test func askWithColorAlwaysStylesIntoAPipe() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        let environment = environment(home: home, term: "xterm")
        func run(_ arguments: [String]) async throws -> String {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = try await OwnThread.run {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return data
            }
            return String(decoding: data, as: UTF8.self)
        }
        let styled = try await run(["ask", "--color", "always", "What is the hotel cap?"])
        #expect(styled.contains("\u{1B}[2m(no sources)\u{1B}[0m"))
        let plain = try await run(["ask", "What is the hotel cap?"])
        #expect(plain.contains("(no sources)"))
        #expect(!plain.contains("\u{1B}"))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<$0 + needle.count].elementsEqual(needle)
        }
    }
}
