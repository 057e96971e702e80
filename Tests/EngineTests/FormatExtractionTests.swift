import Engine
import Foundation
import Testing

private func extract(_ text: String, as type: DocumentType, filename: String = "sample") throws -> ExtractedDocument {
    try Extractors.extractor(for: type).extract(Data(text.utf8), filename: filename)
}

@Suite struct TextDecodingTests {
    @Test func windows1252BytesDecodeWhenNotUTF8() {
        // "Café – 5 €" and a curly quote in Windows-1252.
        let bytes = Data([0x43, 0x61, 0x66, 0xE9, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80, 0x20, 0x93, 0x6F, 0x6B, 0x94])
        #expect(TextDecoding.decode(bytes) == "Café – 5 € “ok”")
    }

    @Test func windows1252FileExtractsThroughTheTextExtractor() throws {
        let bytes = Data([0x53, 0x74, 0x72, 0x61, 0xDF, 0x65, 0x0D, 0x0A, 0x0D, 0x0A, 0x47, 0x72, 0xFC, 0xDF, 0x65])
        let type = try UploadValidator.validate(filename: "de.txt", data: bytes)
        let document = try Extractors.extractor(for: type).extract(bytes, filename: "de.txt")
        #expect(document.blocks.map(\.text) == ["Straße", "Grüße"])
    }

    @Test func byteOrderMarkIsDropped() {
        #expect(TextDecoding.decode(Data([0xEF, 0xBB, 0xBF, 0x68, 0x69])) == "hi")
    }

    @Test func lineEndsBecomeLFAndTrailingWhitespaceGoes() {
        #expect(TextDecoding.decode(Data("a  \r\nb\t\rc\r\n\r\nd ".utf8)) == "a\nb\nc\n\nd")
    }

    @Test func decomposedTextIsComposed() {
        let decomposed = "Cafe\u{301} Mu\u{308}ller"
        #expect(TextDecoding.decode(Data(decomposed.utf8)).unicodeScalars.elementsEqual("Café Müller".unicodeScalars))
    }
}

@Suite struct PlainTextExtractorTests {
    @Test func underlinedAndNumberedLinesAreHeadings() throws {
        let text = """
            Field guide
            ===========

            Intro text that
            wraps over two lines.

            3. Warranty period

            Twelve months.

            Details
            -------
            More.
            """
        let document = try extract(text, as: .txt)
        #expect(document.title == "Field guide")
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 1), text: "Field guide"),
                TextBlock(kind: .paragraph, text: "Intro text that wraps over two lines."),
                TextBlock(kind: .heading(level: 2), text: "3. Warranty period"),
                TextBlock(kind: .paragraph, text: "Twelve months."),
                TextBlock(kind: .heading(level: 2), text: "Details"),
                TextBlock(kind: .paragraph, text: "More."),
            ]
        )
    }

    @Test func tabSeparatedRowsUseTheirHeaderRow() throws {
        let text = "INVENTORY\nPart\tCount\tBin\nBolt M6\t120\tA-3\nNut M6\t95\tA-4\n"
        let document = try extract(text, as: .txt)
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 1), text: "INVENTORY"),
                TextBlock(kind: .tableRow, text: "Part: Bolt M6; Count: 120; Bin: A-3"),
                TextBlock(kind: .tableRow, text: "Part: Nut M6; Count: 95; Bin: A-4"),
            ]
        )
    }

    @Test func listItemsKeepTheirContinuationLines() throws {
        let text = "Steps\n  * Open the lid and\n    remove the tray.\n  * Close it.\n"
        let document = try extract(text, as: .txt)
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 3), text: "Steps"),
                TextBlock(kind: .listItem, text: "Open the lid and remove the tray."),
                TextBlock(kind: .listItem, text: "Close it."),
            ]
        )
    }

    @Test func longFirstLineIsNoTitle() throws {
        let document = try extract(String(repeating: "word ", count: 40), as: .txt)
        #expect(document.title == nil)
        #expect(document.blocks.count == 1)
    }
}

@Suite struct MarkdownExtractorTests {
    @Test func inlineMarkupIsStripped() throws {
        let text = """
            ---
            title: ignored front matter
            ---
            # The **Big** _Guide_

            Use `snake_case` names, see [the docs](https://example.com) and ![logo](logo.png) \\*literally\\*.
            Keep file_name_here and 2 * 3 * 4 as they are.
            """
        let document = try extract(text, as: .md)
        #expect(document.title == "The Big Guide")
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 1), text: "The Big Guide"),
                TextBlock(
                    kind: .paragraph,
                    text: "Use snake_case names, see the docs and logo *literally*. "
                        + "Keep file_name_here and 2 * 3 * 4 as they are."
                ),
            ]
        )
    }

    @Test func pipeTableRowsAreLabelledByTheHeader() throws {
        let text = """
            ## Limits

            | Amount | Approver |
            |:---|---:|
            | Up to **$500** | Automatic |
            | Above $500 | `manager` |
            """
        let document = try extract(text, as: .md)
        #expect(document.title == nil)
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 2), text: "Limits"),
                TextBlock(kind: .tableRow, text: "Amount: Up to $500; Approver: Automatic"),
                TextBlock(kind: .tableRow, text: "Amount: Above $500; Approver: manager"),
            ]
        )
    }

    @Test func listsAndSetextHeadingsAreRecognised() throws {
        let text = "Overview\n--------\n\n1. First\n   continued\n2. Second\n- Bullet\n\n> Quoted line\n"
        let document = try extract(text, as: .md)
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 2), text: "Overview"),
                TextBlock(kind: .listItem, text: "First continued"),
                TextBlock(kind: .listItem, text: "Second"),
                TextBlock(kind: .listItem, text: "Bullet"),
                TextBlock(kind: .paragraph, text: "Quoted line"),
            ]
        )
    }

    @Test func fencedCodeIsKeptVerbatim() throws {
        let document = try extract("```swift\nlet a = **b**\n  indented\n```\n", as: .md)
        #expect(document.blocks == [TextBlock(kind: .code, text: "let a = **b**\n  indented")])
    }
}

@Suite struct HTMLExtractorTests {
    @Test func hiddenAndChromeSubtreesAreSkipped() throws {
        let html = """
            <html><head><title>Guide | Example Site</title><script>var secret = 1;</script></head>
            <body><header>Site header</header><nav>Menu</nav>
            <main><h2>Part <em>one</em></h2><p>Visible <b>text</b><br>second line</p>
            <div aria-hidden="true">Hidden text</div><p hidden>Also hidden</p>
            <template><p>Template</p></template><noscript>Enable JS</noscript>
            <ul><li>Item <a href="#">one</a></li><li>Item two</li></ul></main>
            <aside>Related</aside><footer>Footer</footer></body></html>
            """
        let document = try extract(html, as: .html)
        #expect(document.title == "Guide")
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 2), text: "Part one"),
                TextBlock(kind: .paragraph, text: "Visible text\nsecond line"),
                TextBlock(kind: .listItem, text: "Item one"),
                TextBlock(kind: .listItem, text: "Item two"),
            ]
        )
    }

    @Test func articleHeaderIsKeptButPageHeaderIsNot() throws {
        let html = """
            <body><header><h1>Site name</h1></header>
            <article><header><h1>Post title</h1><p>By Ada</p></header><p>Body.</p><footer>Share</footer></article>
            </body>
            """
        let document = try extract(html, as: .html)
        #expect(document.title == "Post title")
        #expect(document.blocks.map(\.text) == ["Post title", "By Ada", "Body."])
    }

    @Test func tableWithoutHeaderRowJoinsCells() throws {
        let html =
            "<h1>Prices</h1><table><tr><td>A</td><td>1</td><td>x</td></tr><tr><td>B</td><td>2</td><td>y</td></tr></table>"
        let document = try extract(html, as: .html)
        #expect(document.title == "Prices")
        #expect(document.blocks.filter { $0.kind == .tableRow }.map(\.text) == ["A | 1 | x", "B | 2 | y"])
    }

    @Test func tableWithHeaderCellsLabelsEveryRow() throws {
        let html = "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>$5</td></tr></table>"
        let document = try extract(html, as: .html)
        #expect(document.blocks == [TextBlock(kind: .tableRow, text: "Plan: Basic; Price: $5")])
    }

    @Test func windows1252PageIsReadLikeText() throws {
        let bytes = Data("<p>Caf".utf8) + Data([0xE9]) + Data(" &amp; cr&egrave;me</p>".utf8)
        let document = try HTMLExtractor().extract(bytes, filename: "menu.html")
        #expect(document.blocks == [TextBlock(kind: .paragraph, text: "Café & crème")])
    }
}
