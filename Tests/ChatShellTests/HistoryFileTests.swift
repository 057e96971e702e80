import Foundation
import Testing

@testable import ChatShell

@Suite struct HistoryFileTests {
    /// A fresh folder under the system temporary folder; the history goes one level deeper to test its creation.
    private func temporaryHistoryPath() -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatshell-history-\(UUID().uuidString)")
        return folder.appendingPathComponent("chatshell/history").path
    }

    private func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func multiLineEntriesRoundTripWhole() throws {
        // Given entries with newlines, quotes, backslashes, tabs and non-ASCII text
        let file = HistoryFile(path: temporaryHistoryPath())
        let entries = [
            "What is the nightly hotel cap?",
            "\"\"\"\nSummarise:\n- travel\n- leave\n\"\"\"",
            "a \"quoted\" \\path\\ with\ttab",
            "日本語 and 👍 and \u{2028} separator",
        ]
        // When they are saved and read back
        try file.append(entries)
        // Then each comes back whole, one line per entry in the file
        #expect(file.load() == entries)
        let text = try String(contentsOfFile: file.path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == entries.count)
        #expect(text.hasPrefix("\"What is the nightly hotel cap?\"\n"))
    }

    @Test func theFileHasMode0600AndItsFolder0700() throws {
        let file = HistoryFile(path: temporaryHistoryPath())
        try file.append(["hello"])
        #expect(try mode(of: file.path) == 0o600)
        #expect(try mode(of: (file.path as NSString).deletingLastPathComponent) == 0o700)
    }

    @Test func aLooserExistingFileIsTightenedTo0600() throws {
        let file = HistoryFile(path: temporaryHistoryPath())
        try file.append(["first"])
        chmod(file.path, 0o644)
        try file.append(["second"])
        #expect(try mode(of: file.path) == 0o600)
        #expect(file.load() == ["first", "second"])
    }

    @Test func onlyTheNewestThousandEntriesAreKept() throws {
        let file = HistoryFile(path: temporaryHistoryPath())
        try file.append((0..<1_005).map { "question \($0)" })
        let loaded = file.load()
        #expect(loaded.count == 1_000)
        #expect(loaded.first == "question 5")
        #expect(loaded.last == "question 1004")
    }

    @Test func entriesStartingWithASpaceOrBlankAreNeverStored() throws {
        let file = HistoryFile(path: temporaryHistoryPath())
        try file.append([" my secret question", "kept", "", "   ", "\n"])
        #expect(file.load() == ["kept"])
        #expect(!HistoryFile.isRecordable(" leading space"))
        #expect(!HistoryFile.isRecordable(""))
        #expect(HistoryFile.isRecordable("/docs"))
    }

    @Test func nothingIsWrittenWhenNoEntryIsRecordable() throws {
        let file = HistoryFile(path: temporaryHistoryPath())
        try file.append([" hidden"])
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func appendKeepsWhatAnotherProcessSaved() throws {
        // Given two runs that loaded the same file, when both save, then neither erases the other's entries
        let path = temporaryHistoryPath()
        try HistoryFile(path: path).append(["from run A"])
        try HistoryFile(path: path).append(["from run B"])
        #expect(HistoryFile(path: path).load() == ["from run A", "from run B"])
    }

    @Test func aMissingFileIsAnEmptyHistory() {
        #expect(HistoryFile(path: temporaryHistoryPath()).load().isEmpty)
    }

    @Test func aLineThatIsNotJSONIsReadLiterally() throws {
        let file = HistoryFile(path: temporaryHistoryPath())
        try file.append(["json entry"])
        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        handle.seekToEndOfFile()
        handle.write(Data("hand edited line\n\n".utf8))
        try handle.close()
        #expect(file.load() == ["json entry", "hand edited line"])
    }

    @Test func encodedEntriesContainNoLineBreak() {
        let encoded = HistoryFile.encode("a\nb\rc\u{2028}d\u{0}e")
        #expect(encoded == "\"a\\nb\\rc\\u2028d\\u0000e\"")
    }

    @Test func defaultPathFollowsTheEnvironment() {
        #expect(HistoryFile.defaultPath(environment: ["CHATSHELL_NO_HISTORY": "1", "HOME": "/h"]) == nil)
        #expect(
            HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/chatshell/history"
        )
        #expect(
            HistoryFile.defaultPath(environment: ["CHATSHELL_HOME": "/c", "XDG_STATE_HOME": "/s"]) == "/c/history"
        )
        #expect(HistoryFile.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/chatshell/history")
        #expect(HistoryFile.defaultPath(environment: ["CHATSHELL_NO_HISTORY": "0", "HOME": "/h"]) != nil)
    }
}
