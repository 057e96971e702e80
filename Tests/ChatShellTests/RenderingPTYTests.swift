import ChatTestSupport
import Commands
import Foundation
import Testing

/// Issue 16's output items through the real binary on a pseudo-terminal, checked on the screen.
///
/// The screen is what a terminal would show (`ScreenModel`): answers, Sources, `/sources` passages, `/docs`, the `/compare` brief, markdown from a
/// model, CJK text, a resize mid-answer and the upload progress bar. "No broken line" means the terminal never had
/// to wrap a row itself: every line was fitted to the width, at a word, by the program.
@Suite(.serialized) struct RenderingPTYTests {
    /// A home whose `d` links to the corpus, so typed paths stay short (readline wraps long input itself).
    private func home() throws -> TemporaryDirectory {
        let home = TemporaryDirectory()
        try FileManager.default.createSymbolicLink(
            at: home.url.appendingPathComponent("d"),
            withDestinationURL: TestCorpus.documents
        )
        return home
    }

    private func start(
        _ home: TemporaryDirectory,
        columns: UInt16,
        arguments: [String] = [],
        environment extra: [String: String] = [:]
    ) throws -> PseudoTerminal {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        var environment = PseudoTerminal.environment(home: home.url)
        environment.merge(extra) { $1 }
        return try PseudoTerminal(
            executable: binary,
            arguments: arguments,
            environment: environment,
            currentDirectory: home.url,
            columns: columns
        )
    }

    /// Types a line and waits for the prompt after it.
    private func run(_ line: String, on terminal: PseudoTerminal, until needle: String? = nil) async -> Bool {
        let mark = terminal.text.count
        terminal.type(line + "\r")
        if let needle, await !terminal.waitFor(needle, after: mark) { return false }
        return await terminal.waitFor("\n> ", after: mark)
    }

    private func screen(_ terminal: PseudoTerminal, width: Int) -> ScreenModel {
        var screen = ScreenModel(width: width)
        screen.feed(terminal.rawBytes)
        return screen
    }

    private func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The rows from the one showing `command` to the next prompt.
    private func rows(after command: String, in screen: ScreenModel) -> [String] {
        let lines = screen.lines
        guard
            let start = lines.lastIndex(where: { $0 == "> " + command })
                ?? lines.lastIndex(where: { $0.hasPrefix("> " + command) })
        else { return [] }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix(">") } ?? rest.endIndex
        return Array(rest[..<end])
    }

    /// The answers saved in the session file, raw.
    private func savedAnswers(_ home: TemporaryDirectory) throws -> [String] {
        let folder = home.url.appendingPathComponent("sessions")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let turns = try #require(object["turns"] as? [[String: Any]])
        return turns.compactMap { $0["answer"] as? String }
    }

    @Test func answersSourcesAndPassagesWrapAtWordsAtSixtyColumns() async throws {
        let home = try home()
        let terminal = try start(home, columns: 60)
        #expect(await terminal.waitFor("> "))
        #expect(await run("/upload d/travel-policy.pdf", on: terminal, until: "Indexed"))
        #expect(await run("What is the nightly hotel cap in high-cost cities?", on: terminal, until: "Sources:"))
        #expect(await run("/sources", on: terminal, until: "(not cited)"))
        #expect(await run("/sources 1", on: terminal, until: "5. Hotels"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        let screen = screen(terminal, width: 60)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        // Every word of the answer is whole on screen: the rows, joined, hold the saved answer.
        let answer = try #require(try savedAnswers(home).first)
        let answerRows = rows(after: "What is the nightly", in: screen)
        #expect(answerRows.count > 2)
        #expect(collapsed(answerRows.joined(separator: " ")).contains(collapsed(answer)))
        // The `/sources` list: each passage hangs under its own first column on every continuation row.
        let list = rows(after: "/sources", in: screen).filter { !$0.isEmpty }
        #expect(list.count > 8)
        for row in list {
            let indent = row.prefix { $0 == " " }.count
            #expect(indent == 2 || indent == 6, "row out of its column: \(row)")
        }
        let passageStarts = list.indices.filter { list[$0].hasPrefix("      ") && list[$0 - 1].hasPrefix("  [") }
        #expect(!passageStarts.isEmpty)
        for start in passageStarts {
            let indent = list[start].prefix { $0 == " " }.count
            var next = start + 1
            while next < list.count, !list[next].hasPrefix("  [") {
                #expect(list[next].prefix { $0 == " " }.count == indent, "passage row not under its start")
                next += 1
            }
        }
    }

    @Test func docsAndTheCompareBriefFitEightyColumns() async throws {
        let home = try home()
        let terminal = try start(home, columns: 80)
        #expect(await terminal.waitFor("> "))
        #expect(await run("/upload d", on: terminal, until: "warranty-terms.txt"))
        #expect(await run("/docs", on: terminal, until: "15 documents"))
        #expect(await run("/compare NR-X200 NR-X300 -- Which one has the longer warranty?", on: terminal))
        #expect(await run("/compare NR-X200 NR-X300 -- Which arm carries more?", on: terminal))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        let screen = screen(terminal, width: 80)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        let docs = rows(after: "/docs", in: screen)
        #expect(docs.count == 16)
        #expect(docs.dropFirst().allSatisfy { DisplayWidth.of($0) < 80 && $0.hasSuffix("ready") })
        // Answer first: the item the question names leads, then the top differences and the way to the rest.
        let warranty = rows(after: "/compare NR-X200 NR-X300 -- Which one", in: screen)
        #expect(warranty.first?.hasPrefix("Warranty: 24 months") == true)
        #expect(warranty.contains("Top differences"))
        #expect(warranty.contains { $0.contains("--all") })
        // The question of issue 16 printed 175 lines; the brief and its Sources list fit a screen.
        let payload = rows(after: "/compare NR-X200 NR-X300 -- Which arm", in: screen)
        #expect(payload.count < 30)
        #expect(payload.contains { $0.contains("Rated payload: 8 kg [2] vs 14 kg [17].") })
        #expect(!payload.contains { $0.contains("sales@") })
    }

    /// A model's markdown: headings, emphasis, a list, a table, a code block, a link, CJK text.
    static let markdownAnswer = [
        "## Payload\n\nThe **NR-X300** carries *14 kg* [1], the NR-X200 carries 8 kg [2]. ",
        "See [the spec sheet](https://northwind.example/x300) for more.\n\n",
        "- a bullet that is long enough to wrap at sixty columns, so its second row hangs under its text\n",
        "- short\n\n| Model | Payload | Use |\n|---|---|---|\n| NR-X200 | 8 kg [2] | small-part assembly, ",
        "laboratory automation and inspection |\n| NR-X300 | 14 kg [1] | palletizing |\n\n",
        "```\nrobot.payload = 14\n```\n\n",
        "日本語の説明：ペイロードは十四キログラムです。日本語の説明：ペイロードは十四キログラムです。👍 ok\n",
    ]

    @Test func markdownFromAModelIsRenderedAndFittedOnATerminalAndRawElsewhere() async throws {
        let model = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(Self.markdownAnswer) }
        defer { model.stop() }
        let home = try home()
        let arguments = ["--llm", model.baseURL.absoluteString]
        let terminal = try start(home, columns: 60, arguments: arguments)
        #expect(await terminal.waitFor("> "))
        #expect(await run("/upload d/product-x300-spec.pdf", on: terminal, until: "Indexed"))
        #expect(await run("What payload does the NR-X300 carry?", on: terminal, until: "Sources:"))
        #expect(await run("/history", on: terminal, until: "robot.payload"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        let screen = screen(terminal, width: 60)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        let answer = rows(after: "What payload", in: screen)
        let shown = answer.joined(separator: "\n")
        for markup in ["##", "**", "```", "|---", "](http"] {
            #expect(!shown.contains(markup), "raw markdown on screen: \(markup)")
        }
        #expect(answer.first == "Payload")
        #expect(shown.contains("The NR-X300 carries 14 kg [1]"))
        #expect(shown.contains("the spec sheet (https://northwind.example/x300)"))
        let bullet = try #require(answer.firstIndex { $0.hasPrefix("• a bullet") })
        #expect(answer[bullet + 1].hasPrefix("  ") && !answer[bullet + 1].hasPrefix("   "))
        #expect(answer.contains { $0.hasPrefix("NR-X300") && $0.contains("│ 14 kg [1]") })
        // Table separators line up on every row.
        let table = answer.filter { $0.contains("│") && !$0.hasPrefix("│") }
        let columns = Set(table.map { row in row.prefix { $0 != "│" }.count })
        #expect(table.count >= 4 && columns.count == 1)
        #expect(answer.contains("│ robot.payload = 14"))
        // CJK and emoji count two columns: their rows fit without the terminal wrapping them (checked above).
        #expect(answer.filter { $0.contains("日本語") || $0.contains("キログラム") }.count >= 2)
        // `/history` shows the answer again as it was shown when it streamed, not the raw markdown.
        var body = Array(answer.prefix { $0 != "Sources:" })
        while body.last == "" { body.removeLast() }
        let history = screen.lines.drop { $0 != "> /history" }.dropFirst(2).prefix { $0 != "> /quit" }
        #expect(body.count > 10 && Array(history.prefix(body.count)) == body)
        // The session keeps the model's text as it came.
        let saved = try #require(try savedAnswers(home).first)
        #expect(["## Payload", "**NR-X300**", "| Model | Payload | Use |", "```"].allSatisfy { saved.contains($0) })

        // NO_COLOR: no styles, so the markdown stays as written, still fitted to the width.
        let plainHome = try self.home()
        let plain = try start(plainHome, columns: 60, arguments: arguments, environment: ["NO_COLOR": "1"])
        #expect(await plain.waitFor("> "))
        #expect(await run("/upload d/product-x300-spec.pdf", on: plain, until: "Indexed"))
        #expect(await run("What payload does the NR-X300 carry?", on: plain, until: "Sources:"))
        plain.type("/quit\r")
        #expect(await plain.waitForExit() == 0)
        let plainScreen = self.screen(plain, width: 60)
        #expect(plainScreen.softWraps.isEmpty, "rows the terminal wrapped: \(plainScreen.softWraps)")
        #expect(plainScreen.lines.contains("## Payload"))
        let styles = String(decoding: plain.rawBytes, as: UTF8.self).matches(of: #/\x1B\[[0-9;]*m/#)
        #expect(styles.isEmpty, "SGR codes under NO_COLOR")
    }

    @Test func markdownStaysRawInPipesJSONAndDumbTerminals() async throws {
        let model = try FakeOpenAIServer { _ in FakeOpenAIServer.stream(Self.markdownAnswer) }
        defer { model.stop() }
        let home = try home()
        let llm = ["--llm", model.baseURL.absoluteString]
        let question = "What payload does the NR-X300 carry?"
        #expect(
            try await BinaryRun.run(["ingest", "d/product-x300-spec.pdf"], home: home.url, directory: home.url).status
                == 0
        )
        let raw = Self.markdownAnswer.joined()

        // Into a pipe: the model's text as it came, Sources after it
        let piped = try await BinaryRun.run(llm + ["ask", question], home: home.url)
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardOutput.hasPrefix(raw))
        #expect(!piped.standardOutput.contains("\u{1B}"))

        // --json: the answer field holds the raw text
        let json = try await BinaryRun.run(llm + ["ask", "--json", question], home: home.url)
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        )
        #expect(object["answer"] as? String == raw)

        // TERM=dumb on a terminal: no escape at all, the markdown as written, fitted to the width
        let terminal = try start(home, columns: 60, arguments: llm, environment: ["TERM": "dumb"])
        #expect(await terminal.waitFor("> "))
        #expect(await run(question, on: terminal, until: "Sources:"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        #expect(!terminal.rawBytes.contains(0x1B), "an escape sequence reached a dumb terminal")
        let screen = screen(terminal, width: 60)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        let answer = rows(after: "What payload", in: screen)
        #expect(answer.first == "## Payload")
        #expect(answer.contains("| Model | Payload | Use |"))
        #expect(answer.contains("```"))
    }

    @Test func docsAndTheFullCompareReportFitSixtyColumns() async throws {
        let home = try home()
        let terminal = try start(home, columns: 60)
        #expect(await terminal.waitFor("> "))
        #expect(await run("/upload d", on: terminal, until: "warranty-terms.txt"))
        #expect(await run("/docs", on: terminal, until: "15 documents"))
        #expect(await run("/compare NR-X200 NR-X300 --all", on: terminal, until: "Sources:"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        let screen = screen(terminal, width: 60)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        let docs = rows(after: "/docs", in: screen)
        #expect(docs.count == 16)
        #expect(docs.dropFirst().allSatisfy { DisplayWidth.of($0) < 60 && $0.hasSuffix("ready") })
        // The full report, rendered (no markdown marks) and fitted (no soft wraps, checked above).
        let report = rows(after: "/compare NR-X200 NR-X300 --all", in: screen)
        #expect(report.count > 40)
        #expect(report.contains { $0.hasPrefix("• Rated payload") })
        #expect(!report.contains { $0.hasPrefix("#") || $0.hasPrefix("- ") })
    }

    @Test func textStillToComeFlowsToTheNewWidthAfterAResize() async throws {
        // The model sends the answer's first words, then holds the rest until the terminal has been resized: the
        // resize falls mid-answer however slowly the machine runs (a paced answer could end before it).
        let resized = Gate()
        let model = try FakeOpenAIServer { _ in
            let steps = FakeOpenAIServer.stream([
                "Nightly hotel caps apply per room, ",
                "taxes included, and in the high-cost cities of the policy the cap is USD 320 per night, with a higher cap only when "
                    + "a conference hotel is booked for the whole delegation and the booking is approved by the "
                    + "travel desk before the trip, in writing, with the receipt attached to the expense report [1].",
            ])
            // The head, the role chunk and the first words; then the rest once the terminal is narrower.
            return Array(steps.prefix(3)) + [.waitUntil { resized.isOpen }] + steps.dropFirst(3)
        }
        defer { model.stop() }
        let home = try home()
        let terminal = try start(home, columns: 100, arguments: ["--llm", model.baseURL.absoluteString])
        #expect(await terminal.waitFor("> "))
        #expect(await run("/upload d/travel-policy.pdf", on: terminal, until: "Indexed"))
        let mark = terminal.text.count
        terminal.type("What is the nightly hotel cap in high-cost cities?\r")
        #expect(await terminal.waitFor("per room,", after: mark))
        let resizedAt = terminal.rawBytes.count
        terminal.resize(columns: 50)
        resized.open()
        #expect(await terminal.waitFor("\n> ", after: mark))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        // What was written before the resize stays as it was; from the row in progress on, rows fit 50 columns.
        var screen = ScreenModel(width: 100)
        screen.feed(Array(terminal.rawBytes[..<resizedAt]))
        let rowsBefore = screen.rows.count
        screen.resize(width: 50)
        screen.feed(Array(terminal.rawBytes[resizedAt...]))
        let after = screen.lines[rowsBefore...].prefix { !$0.hasPrefix(">") }
        #expect(after.count > 3)
        #expect(after.allSatisfy { DisplayWidth.of($0) <= 50 }, "rows wider than the new width: \(Array(after))")
        #expect(screen.softWraps.allSatisfy { $0.0 < rowsBefore + 1 }, "broken rows: \(screen.softWraps)")
        let answer = try #require(try savedAnswers(home).first)
        // Nothing is lost. Spaces are left out of the comparison: a word being written when the width shrank
        // ("$320" ending exactly at the new edge, then ";") can only continue on the next row, since what is
        // written stays written.
        let shown = screen.lines.joined().filter { !$0.isWhitespace }
        #expect(shown.contains(answer.filter { !$0.isWhitespace }))
    }

    @Test func theProgressBarLeavesNothingBehind() async throws {
        let home = try home()
        let terminal = try start(home, columns: 60)
        #expect(await terminal.waitFor("> "))
        #expect(await run("/upload d", on: terminal, until: "warranty-terms.txt"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        // The bar was drawn (stderr is the terminal), then replaced by the result lines.
        #expect(String(decoding: terminal.rawBytes, as: UTF8.self).contains("%"))
        let screen = screen(terminal, width: 60)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        let upload = rows(after: "/upload d", in: screen)
        #expect(upload.filter { $0.hasPrefix("Indexed ") }.count == 15)
        #expect(!upload.contains { $0.contains("%") || $0.contains("[=") }, "a frame of the bar stayed: \(upload)")
    }
}
