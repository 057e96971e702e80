import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Transcripts

@Suite struct TranscriptReplayerTests {
    @Test func wrongTranscriptFailsWithFileLineAndExitOne() async throws {
        // Given the fixture that is wrong on purpose
        let (folder, file) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())

        // When it is verified
        let report = await replayer.run(paths: ["wrong-on-purpose.chat"])

        // Then each failing check is reported at its line, the run exits 1, and a .actual is left
        #expect(report.exitCode == 1)
        let text = output.text
        #expect(text.hasPrefix("!\n"))
        #expect(text.contains("wrong-on-purpose.chat:21: turn 2: contains: \"24.5 kg\" is not in the answer\n"))
        #expect(
            text.contains(
                "wrong-on-purpose.chat:22: turn 2: cites-only: cites product-x300-spec.pdf, not listed\n"
            )
        )
        #expect(text.contains("wrong-on-purpose.chat:23: turn 2: not-contains: \"38.0 kg\" is in the answer\n"))
        #expect(text.contains("@@ -16,8 +16,11 @@ turn 2: And how much does the arm weigh?\n"))
        #expect(text.contains("\n-~ Arm weight: 24.5 kg [1].\n+~ The arm weighs 38.0 kg"))
        #expect(
            text.hasSuffix(
                "# Ran 1 transcript (3 turns, 6 checks): 0 passed, 1 failed, 0 skipped; 1 turn drifted.\n"
            )
        )

        let actual = try String(contentsOf: file.appendingPathExtension("actual"), encoding: .utf8)
        let lines = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let original = try Data(contentsOf: file)
        #expect(lines.dropLast().last == ActualFileStamp.line(name: "wrong-on-purpose.chat", contents: original))
        #expect(actual.contains("|   [1] product-x200-spec.pdf p.[NUM] \"[..]\"\n| ...\n"))
        #expect(actual.contains("? contains: 24.5 kg\n#! FAIL contains: \"24.5 kg\" is not in the answer\n"))
        #expect(actual.contains("| Indexed faq.md as [ID]: [NUM] chunks\n"))
    }

    @Test func acceptKeepsWildcardsAndNeverRewritesChecks() async throws {
        // Given the wrong fixture
        let (folder, file) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try String(contentsOf: file, encoding: .utf8)
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose(), mode: .accept)

        // When it is accepted
        let report = await replayer.run(paths: ["wrong-on-purpose.chat"])

        // Then the output is rewritten, the checks and wildcards stay, and the failing checks are named
        #expect(report.exitCode == 1)
        #expect(
            output.text.contains(
                "wrong-on-purpose.chat: 3 checks still failing (lines 21, 22, 23); edit them by hand\n"
            )
        )
        let after = try String(contentsOf: file, encoding: .utf8)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".actual"))
        #expect(!after.contains("#!"))
        #expect(after.contains("~ The arm weighs 38.0 kg and can be mounted in any orientation [1].\n"))
        #expect(!after.contains("Arm weight: 24.5 kg"))
        let checks = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("?") } }
        #expect(checks(after) == checks(before))
        #expect(after.contains("|   [1] product-x200-spec.pdf p.[NUM] \"[..]\"\n| ...\n"))
        #expect(after.contains("| Indexed faq.md as [ID]: [NUM] chunks\n"))
        #expect(
            after.split(separator: "\n").filter { $0.hasPrefix(">") || $0.hasPrefix("@") || $0.hasPrefix("#") }
                == before.split(separator: "\n").filter { $0.hasPrefix(">") || $0.hasPrefix("@") || $0.hasPrefix("#") }
        )

        // And verifying again fails only on the checks
        let (again, againOutput) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())
        let second = await again.run(paths: ["wrong-on-purpose.chat"])
        #expect(second.exitCode == 1)
        #expect(againOutput.text.contains("wrong-on-purpose.chat:21: turn 2: contains:"))
        #expect(!againOutput.text.contains("client output"))
    }

    @Test func acceptFromActualRefusesAStaleFile() async throws {
        // Given a .actual written by verify, then an edited transcript
        let (folder, file) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (verifier, _) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())
        _ = await verifier.run(paths: ["wrong-on-purpose.chat"])
        let edited = try String(contentsOf: file, encoding: .utf8) + "# edited\n"
        try Data(edited.utf8).write(to: file)

        // When it is promoted
        let (replayer, output) = ReplayFixtures.replayer(
            folder: folder,
            driver: .wrongOnPurpose(),
            mode: .acceptFromActual
        )
        let report = await replayer.run(paths: ["wrong-on-purpose.chat"])

        // Then it is refused as stale with exit 2 and nothing changes
        #expect(report.exitCode == 2)
        #expect(output.text.contains("wrong-on-purpose.chat.actual is stale"))
        #expect(try String(contentsOf: file, encoding: .utf8) == edited)
    }

    @Test func acceptFromActualPromotesAFreshFile() async throws {
        let (folder, file) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (verifier, _) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())
        _ = await verifier.run(paths: ["wrong-on-purpose.chat"])

        let (replayer, output) = ReplayFixtures.replayer(
            folder: folder,
            driver: .wrongOnPurpose(),
            mode: .acceptFromActual
        )
        let report = await replayer.run(paths: ["wrong-on-purpose.chat"])

        #expect(report.exitCode == 1)
        #expect(output.text.contains("wrong-on-purpose.chat: 3 checks still failing (lines 21, 22, 23)"))
        let after = try String(contentsOf: file, encoding: .utf8)
        #expect(after.contains("~ The arm weighs 38.0 kg"))
        #expect(!after.contains("#!"))
    }

    @Test func ciModeFailsAStaleActualAndWritesNothing() async throws {
        let (folder, file) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("leftover\n".utf8).write(to: file.appendingPathExtension("actual"))
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose(), ci: true)

        let report = await replayer.run(paths: ["wrong-on-purpose.chat"])

        #expect(report.exitCode == 1)
        #expect(output.text.contains("stale wrong-on-purpose.chat.actual next to the transcript"))
        #expect(try String(contentsOf: file.appendingPathExtension("actual"), encoding: .utf8) == "leftover\n")
    }

    @Test func ciModeRefusesAccept() async throws {
        let (folder, _) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, _) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose(), mode: .accept, ci: true)
        #expect(await replayer.run(paths: []).exitCode == 2)
    }

    @Test func driftPassesUnlessStrict() async throws {
        // Given a transcript whose answer text differs only in wording
        let text = """
            > What is the repeatability of the NR-X200?
            ~ The repeatability is ±0.03 mm [1].
            |
            | Sources:
            | ...
            ? contains: 0.03 mm

            """
        let (folder, file) = try ReplayFixtures.write(text)
        defer { try? FileManager.default.removeItem(at: folder) }

        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())
        let report = await replayer.run(paths: ["t.chat"])
        #expect(report.exitCode == 0)
        #expect(output.text.hasPrefix("~\n"))
        #expect(output.text.hasSuffix("0 failed, 0 skipped; 1 turn drifted.\n"))
        let actual = try String(contentsOf: file.appendingPathExtension("actual"), encoding: .utf8)
        #expect(actual.contains("~ Repeatability: ±0.03 mm [1].\n|\n| Sources:\n| ...\n"))

        let (strict, strictOutput) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose(), strict: true)
        #expect(await strict.run(paths: ["t.chat"]).exitCode == 1)
        #expect(strictOutput.text.contains("t.chat:2: turn 1: the answer text changed (--strict)"))
    }

    @Test func cleanRunDeletesAnOldActual() async throws {
        let text = """
            > /upload samples/northwind/docs/faq.md
            | Indexed faq.md as [ID]: [NUM] chunks

            """
        let (folder, file) = try ReplayFixtures.write(text)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("old\n".utf8).write(to: file.appendingPathExtension("actual"))
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())

        let report = await replayer.run(paths: ["t.chat"])

        #expect(report.exitCode == 0)
        #expect(
            output.text == ".\n# Ran 1 transcript (1 turn, 0 checks): 1 passed, 0 failed, 0 skipped; 0 turns drifted.\n"
        )
        #expect(!FileManager.default.fileExists(atPath: file.path + ".actual"))
    }

    @Test func newClientLinesGetPlaceholdersAndUnexpectedErrorsFail() async throws {
        let text = """
            > /upload samples/northwind/docs/faq.md
            | Indexed faq.md as doc_1: 14 chunks

            > /nonsense

            """
        let (folder, file) = try ReplayFixtures.write(text)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())

        let report = await replayer.run(paths: ["t.chat"])

        #expect(report.exitCode == 1)
        #expect(
            output.text.contains(
                "t.chat:2: turn 1: client output differs: expected | Indexed faq.md as doc_1: 14 chunks, "
                    + "got | Indexed faq.md as doc_9: 14 chunks"
            )
        )
        #expect(output.text.contains("t.chat:4: turn 2: ended with error unknown_command that no error check expects"))
        let actual = try String(contentsOf: file.appendingPathExtension("actual"), encoding: .utf8)
        #expect(actual.contains("> /upload samples/northwind/docs/faq.md\n| Indexed faq.md as [ID]: 14 chunks\n"))
        #expect(actual.contains("> /nonsense\n| error: not scripted\n"))
    }

    @Test func parseErrorExitsTwo() async throws {
        let (folder, _) = try ReplayFixtures.write("> hello\n? sounds-right\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())

        let report = await replayer.run(paths: ["t.chat"])

        #expect(report.exitCode == 2)
        #expect(output.text.contains("t.chat:2: unknown check 'sounds-right'"))
    }

    @Test func pathNamingNoTranscriptIsAUsageError() async throws {
        let (folder, _) = try ReplayFixtures.write("> hello\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())
        #expect(await replayer.run(paths: ["missing"]).exitCode == 2)
        #expect(output.text == "error: missing: no such file or folder\n")
    }

    @Test func jsonReportHasTheFormatAndCounts() async throws {
        let (folder, _) = try ReplayFixtures.copy("wrong-on-purpose.chat")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, _) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())
        let report = await replayer.run(paths: ["wrong-on-purpose.chat"])

        let object = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
        #expect(object?["format"] as? String == "chatshell-replay/1")
        #expect(object?["exit_code"] as? Int == 1)
        let counts = object?["counts"] as? [String: Any]
        #expect(counts?["checks"] as? Int == 6)
        #expect(report.junit().contains("<failure message=\"contains: &quot;24.5 kg&quot; is not in the answer\">"))
    }

    @Test func slowTurnTimesOutAndLaterTurnsDoNotRun() async throws {
        // Given a turn that takes longer than its timeout
        let text = """
            @ timeout: 100ms

            > slow

            > /upload samples/northwind/docs/faq.md
            | Indexed faq.md as [ID]: [NUM] chunks

            """
        let (folder, file) = try ReplayFixtures.write(text)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = OutputBuffer()
        let options = ReplayOptions(repositoryRoot: ReplayFixtures.repositoryRoot, currentDirectory: folder)
        let replayer = TranscriptReplayer(options: options, makeDriver: { _ in StalledDriver() }) { output.append($0) }

        // When it runs
        let report = await replayer.run(paths: ["t.chat"])

        // Then the turn fails at its line and the next one is left alone
        #expect(report.exitCode == 1)
        #expect(output.text.contains("t.chat:3: turn 1: timed out after 100ms\n"))
        #expect(report.turns == 1)
        let actual = try String(contentsOf: file.appendingPathExtension("actual"), encoding: .utf8)
        #expect(actual.contains("> /upload samples/northwind/docs/faq.md\n#! not run: an earlier turn timed out\n"))
    }

    @Test func skipDirectiveSkipsTheFile() async throws {
        let (folder, _) = try ReplayFixtures.write("@ skip: needs a model\n\n> hello\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replayer, output) = ReplayFixtures.replayer(folder: folder, driver: .wrongOnPurpose())

        let report = await replayer.run(paths: ["t.chat"])

        #expect(report.exitCode == 0)
        #expect(
            output.text
                == "s\n# Ran 1 transcript (0 turns, 0 checks): 0 passed, 0 failed, 1 skipped; 0 turns drifted.\n"
        )
    }
}

/// A driver whose questions never finish: only the replayer's timeout (which cancels the turn) ends them.
private struct StalledDriver: TranscriptDriver {
    func index(_ file: URL) async throws -> String? { nil }

    func run(_ message: String, options: TranscriptOptions) async throws -> TranscriptTurnOutput {
        try await Gate.never.wait()
        return TranscriptTurnOutput(lines: [])
    }

    func finish() async -> String? { nil }
}
