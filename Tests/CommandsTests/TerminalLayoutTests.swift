import Synchronization
import Testing

@testable import Commands

@Suite struct TerminalLayoutTests {
    /// Feeds `chunks` one after another, as tokens arrive, and returns the plain output.
    private func stream(_ chunks: [String], width: Int?, markdown: Bool = false) -> StyledText {
        var layout = TerminalLayout(markdown: markdown, width: nil)
        if let width { layout = TerminalLayout(markdown: markdown) { width } }
        var out = StyledText()
        for chunk in chunks { out.append(layout.feed(chunk)) }
        out.append(layout.finish())
        return out
    }

    /// Splits text into tokens of at most `size` characters, cutting words wherever they fall.
    private func tokens(_ text: String, size: Int) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.count == size {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private let paragraph =
        "The nightly cap is the room rate before taxes [1]. City category: High-cost cities; Nightly cap: $320; "
        + "Cities: New York, San Francisco, Boston, Seattle, London, Paris, Zurich, Munich [1].\n"

    @Test func wrapsAtWordsWithinTheWidthWhateverTheTokens() {
        for size in [1, 3, 7, 50] {
            let lines = stream(tokens(paragraph, size: size), width: 40).plain.split(separator: "\n")
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= 40 })
            // No word is broken: the words are the same as in the source.
            #expect(lines.flatMap { $0.split(separator: " ") } == paragraph.split(whereSeparator: \.isWhitespace))
        }
    }

    @Test func sameOutputWhateverTheTokenBoundaries() {
        let whole = stream([paragraph], width: 33, markdown: true)
        for size in [1, 2, 5, 11] {
            #expect(stream(tokens(paragraph, size: size), width: 33, markdown: true) == whole)
        }
    }

    @Test func wideCharactersCountTwoColumnsAndBreakAnywhere() {
        let text = String(repeating: "日本語のテキスト", count: 6) + "\n"
        let lines = stream([text], width: 21).plain.split(separator: "\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= 21 })
        #expect(lines.joined() == text.dropLast())
        let emoji = stream(["ok 👍👍👍👍 done\n"], width: 7).plain
        #expect(emoji.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 7 })
    }

    @Test func combiningMarksTakeNoColumn() {
        let text = "cafe\u{301} cafe\u{301} cafe\u{301}\n"
        #expect(stream([text], width: 10).plain == "café café\ncafé\n")
    }

    @Test func aWordWiderThanTheLineIsCutOnlyThen() {
        let out = stream(["see https://example.com/a/very/long/path/that/goes/on ok\n"], width: 20).plain
        #expect(out.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 20 })
        #expect(out.hasPrefix("see\nhttps://"))
    }

    @Test func listItemsHangUnderTheirText() {
        let out = stream(["- first item that is long enough to wrap twice at twenty\n"], width: 20).plain
        #expect(out == "- first item that is\n  long enough to\n  wrap twice at\n  twenty\n")
        let numbered = stream(["12. numbered item that wraps\n"], width: 16).plain
        #expect(numbered == "12. numbered\n    item that\n    wraps\n")
    }

    @Test func twoColumnListsHangUnderTheirDescription() {
        let help = "  /compare   compare 2 to 5 documents by id, file name or title prefix\n  /new       start afresh\n"
        let out = stream(tokens(help, size: 3), width: 40).plain
        #expect(
            out == "  /compare   compare 2 to 5 documents by\n             id, file name or title\n"
                + "             prefix\n  /new       start afresh\n"
        )
        // One space after the first word is prose: it hangs at its own start.
        let prose = stream(["  Anything else is a question, and it wraps here.\n"], width: 30).plain
        #expect(prose == "  Anything else is a question,\n  and it wraps here.\n")
    }

    @Test func sourcesAndPassagesHangOnEveryContinuationLine() {
        let source = TerminalLayout.wrap(
            StyledText("  [1] travel-policy-with-a-long-name.pdf p.1 \"5. Hotels and other lodging\"", style: .dim),
            width: 30
        )
        let lines = source.plain.split(separator: "\n").map(String.init)
        #expect(lines.first == "  [1] travel-policy-with-a-long-name.pdf".prefix(30).description || lines.count > 2)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("      ") && !$0.hasPrefix("       ") })
        #expect(source.runs.filter { !$0.text.allSatisfy(\.isWhitespace) }.allSatisfy { $0.style == .dim })
        let passage = TerminalLayout.wrap(StyledText("      " + String(repeating: "word ", count: 20)), width: 30)
        let passageLines = passage.plain.split(separator: "\n")
        #expect(passageLines.count >= 4)
        #expect(passageLines.allSatisfy { $0.hasPrefix("      w") })
        // A passage that starts like a list item is quoted text: it hangs at its own start, not after "5. ".
        let numbered = TerminalLayout.wrap(
            StyledText("      5. Hotels " + String(repeating: "word ", count: 12)),
            width: 30
        )
        let numberedLines = numbered.plain.split(separator: "\n")
        #expect(numberedLines.count >= 3)
        #expect(numberedLines.dropFirst().allSatisfy { $0.hasPrefix("      w") })
    }

    @Test func withoutAWidthNothingWraps() {
        #expect(stream([paragraph], width: nil).plain == paragraph)
    }

    @Test func markdownIsRenderedToStylesAndTheMarkupDropped() {
        let out = stream(
            ["# Title\n", "Some **strong** and *soft* text with `code` [2].\n"],
            width: 80,
            markdown: true
        )
        #expect(out.plain == "Title\nSome strong and soft text with code [2].\n")
        #expect(out.runs.contains(StyledText.Run(.heading, "Title")))
        #expect(out.runs.contains(StyledText.Run(.strong, "strong")))
        #expect(out.runs.contains(StyledText.Run(.italic, "soft")))
        #expect(out.runs.contains(StyledText.Run(.code, "code")))
        #expect(out.runs.contains(StyledText.Run(.marker, "[2]")))
    }

    @Test func markersArriveStyledEvenWhenSplitAcrossTokens() {
        let out = stream(["cap is $320 [", "1", "][", "2]."], width: 80, markdown: true)
        #expect(out.plain == "cap is $320 [1][2].")
        #expect(out.runs.contains(StyledText.Run(.marker, "[1][2]")))
    }

    @Test func arithmeticAndLoneStarsStayText() {
        let out = stream(["2 * 3 * 4 = 24 and a*b\n"], width: 80, markdown: true)
        #expect(out.plain == "2 * 3 * 4 = 24 and a*b\n")
    }

    @Test func linksShowTheirTextAndAddress() {
        let out = stream(["See [the portal](https://help.example) now.\n"], width: 80, markdown: true)
        #expect(out.plain == "See the portal (https://help.example) now.\n")
        #expect(out.runs.contains(StyledText.Run(.link, "the portal")))
    }

    @Test func bulletsAndQuotesAndRules() {
        let out = stream(["- one\n* two\n> quoted text that wraps here\n---\n"], width: 16, markdown: true)
        #expect(out.plain == "• one\n• two\n│ quoted text\n│ that wraps\n│ here\n───────────────\n")
    }

    @Test func codeBlocksGetABorderAndKeepTheirSpacing() {
        let out = stream(["```swift\nlet  x = 1\n", "```\nafter\n"], width: 40, markdown: true)
        #expect(out.plain == "┌─ swift\n│ let  x = 1\n└─\nafter\n")
        #expect(out.runs.contains(StyledText.Run(.code, "let  x = 1")))
    }

    @Test func tablesAreHeldWholeAndShrinkTheirWidestColumn() {
        let table = """
            | Model | Payload | Notes |
            |---|---|---|
            | NR-X200 | 8 kg [2] | light, precise work such as small-part assembly and inspection |
            | NR-X300 | 14 kg [17] | heavier payloads |

            Done.

            """
        let out = stream(tokens(table, size: 4), width: 40, markdown: true)
        let lines = out.plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("Model   │ Payload    │ Notes"))
        #expect(lines[1].hasPrefix("────────┼────────────┼──"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 39 })
        #expect(lines.contains { $0.hasPrefix("NR-X200 │ 8 kg [2]   │ light,") })
        #expect(lines.suffix(3) == ["", "Done.", ""])
        #expect(out.runs.contains(StyledText.Run(.marker, "[2]")))
    }

    @Test func fitShrinksTheWidestColumnFirst() {
        #expect(TerminalLayout.fit([10, 40, 20], into: 50) == [10, 20, 20])
        #expect(TerminalLayout.fit([10, 40, 20], into: 100) == [10, 40, 20])
    }

    @Test func escapesAreSanitisedBeforeMeasuring() {
        let out = stream(["name \u{1B}]0;x\u{07} end\n"], width: 80, markdown: true)
        #expect(out.plain == "name \\x1b]0;x\\x07 end\n")
    }

    @Test func theWidthIsAskedAgainAfterAResize() {
        let width = WidthBox(40)
        var layout = TerminalLayout(markdown: false) { width.value }
        var out = layout.feed(String(repeating: "word ", count: 12))
        width.value = 20
        out.append(layout.feed(String(repeating: "more ", count: 8) + "\n"))
        let lines = out.plain.split(separator: "\n")
        #expect(lines.first.map { DisplayWidth.of(String($0)) > 20 } == true)
        #expect(lines.dropFirst().allSatisfy { DisplayWidth.of(String($0)) <= 20 })
    }
}

/// A window width that a test changes, as a resize would.
private final class WidthBox: Sendable {
    private let storage: Mutex<Int>
    init(_ value: Int) { storage = Mutex(value) }
    var value: Int {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
