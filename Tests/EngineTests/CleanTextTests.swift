import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Engine

private func html(_ text: String) throws -> ExtractedDocument {
    try HTMLExtractor().extract(Data(text.utf8), filename: "page.html")
}

/// A reference page laid out the way DocBook's HTML output is: navigation tables above and below, a sidebar of
/// links without a `nav` tag, a synopsis in `pre`, a variable list and a settings table.
private let docBookPage = """
    <html><head><title>CREATE WIDGET</title></head><body>
    <div class="navheader"><table width="100%" summary="Navigation header">
    <tr><th colspan="5" align="center">CREATE WIDGET</th></tr>
    <tr><td width="10%"><a accesskey="p" href="a.html">Prev</a>&nbsp;</td><td><a href="b.html">Up</a></td>
    <th width="60%">SQL Commands</th><td><a href="index.html">Home</a></td><td>&nbsp;<a href="c.html">Next</a></td>
    </tr></table><hr></div>
    <div class="sidebar"><ul><li><a href="1.html">Getting started</a></li><li><a href="2.html">Widgets</a></li>
    <li><a href="3.html">Gadgets</a></li><li><a href="4.html">Reference</a></li></ul></div>
    <div class="refentry"><h1>CREATE WIDGET</h1>
    <p>CREATE WIDGET defines a new widget. See <a href="x.html">ALTER WIDGET</a> and
    <a href="y.html">DROP WIDGET</a> for changing it later.</p>
    <pre class="synopsis">
    CREATE WIDGET name
        [ SIZE size ]
        [ COLOUR colour ]
    </pre>
    <div class="variablelist"><dl>
    <dt><span class="term"><code>name</code></span></dt><dd><p>The name of the widget to create.</p></dd>
    <dt><code>SIZE</code></dt><dd><p>The size in millimetres; the default is 40.</p></dd>
    </dl></div>
    <table><thead><tr><th>Setting</th><th>Default</th></tr></thead><tbody>
    <tr><td><a href="s.html">size</a></td><td>40 mm, chosen for the smallest workshop bench</td></tr>
    <tr><td><a href="c.html">colour</a></td><td>grey, because paint costs extra</td></tr>
    </tbody></table></div>
    <div class="navfooter"><hr><table width="100%" summary="Navigation footer">
    <tr><td><a href="a.html">Prev</a>&nbsp;</td><td><a href="b.html">Up</a></td><td>&nbsp;<a href="c.html">Next</a></td></tr>
    <tr><td>CREATE TYPE&nbsp;</td><td><a href="index.html">Home</a></td><td>&nbsp;CREATE USER</td></tr>
    </table></div>
    </body></html>
    """

@Suite struct NavigationByStructureTests {
    @Test func docBookPageKeepsItsContentAndDropsItsNavigation() throws {
        let document = try html(docBookPage)
        #expect(document.title == "CREATE WIDGET")
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 1), text: "CREATE WIDGET"),
                TextBlock(
                    kind: .paragraph,
                    text: "CREATE WIDGET defines a new widget. See ALTER WIDGET and DROP WIDGET for changing it later."
                ),
                TextBlock(kind: .code, text: "CREATE WIDGET name\n    [ SIZE size ]\n    [ COLOUR colour ]"),
                TextBlock(kind: .paragraph, text: "name: The name of the widget to create."),
                TextBlock(kind: .paragraph, text: "SIZE: The size in millimetres; the default is 40."),
                TextBlock(
                    kind: .tableRow,
                    text: "Setting: size; Default: 40 mm, chosen for the smallest workshop bench"
                ),
                TextBlock(kind: .tableRow, text: "Setting: colour; Default: grey, because paint costs extra"),
            ]
        )
    }

    @Test func partIntroductionStaysWhileItsTableOfContentsGoes() throws {
        let entries = (1...12).map { "<dt><a href=\"ch\($0).html\">\($0). Chapter number \($0)</a></dt>" }
        let intro = String(
            repeating: "This part covers installing and running the server for administrators. ",
            count: 4
        )
        let document = try html(
            """
            <div class="part"><h1>Part III. Administration</h1><div class="partintro"><p>\(intro)</p></div>
            <div class="toc"><p><b>Table of Contents</b></p><dl>\(entries.joined())</dl></div></div>
            """
        )
        #expect(document.blocks.map(\.text) == ["Part III. Administration", Extractors.collapseWhitespace(intro)])
    }

    @Test func landmarkRolesAreChromeWhateverTheTag() throws {
        let document = try html(
            """
            <div role="navigation"><h3>Previous topic</h3><p><a href="a.html">Installing</a></p></div>
            <div role="main"><p>Body text.</p></div><div role="contentinfo">© 2026 Example</div>
            """
        )
        #expect(document.blocks.map(\.text) == ["Body text."])
    }

    @Test func elementsHiddenByInlineStyleAreNotText() throws {
        // A hidden search anchor between two paragraphs would otherwise run into the sentence before it.
        let document = try html(
            """
            <p>The default page size is 4096.
            <h _id=pragma_page_size style="display: none"> PRAGMA page_size</h><hr>
            <p>Query or set the page size.</p><span style="visibility:hidden">collapsed copy</span>
            """
        )
        #expect(document.blocks.map(\.text) == ["The default page size is 4096.", "Query or set the page size."])
    }

    @Test func linkRichProseAndLinkedTableCellsWithContentStay() throws {
        let document = try html(
            """
            <p>Use <a href="a">pg_dump</a>, <a href="b">pg_restore</a> and <a href="c">psql</a> to move data between
            servers; each of them reads the same connection settings from the environment.</p>
            <table><tr><td><a href="f1">abs(X)</a></td><td>Returns the absolute value of the numeric argument X.</td></tr>
            <tr><td><a href="f2">hex(X)</a></td><td>Interprets its argument as a BLOB and returns upper-case hex.</td></tr>
            </table>
            """
        )
        #expect(document.blocks.count == 3)
        #expect(document.blocks[0].text.hasPrefix("Use pg_dump, pg_restore and psql to move data"))
        #expect(document.blocks[1].text == "abs(X): Returns the absolute value of the numeric argument X.")
    }

    @Test func navigationBarOfIconLinksGoesWithItsLabel() throws {
        // DocBook's Prev/Up/Home/Next arrows are images inside links: the bar has no link text, only its label.
        let document = try html(
            """
            <div><table class="nav" summary="Navigation header"><tr>
            <td><a href="prev.html"><img src="images/prev.png" alt="Prev"></a></td>
            <td><a href="manual.html"><img src="images/up.png" alt="Up"></a></td>
            <th>Valgrind User Manual</th>
            <td><a href="next.html"><img src="images/next.png" alt="Next"></a></td>
            </tr></table></div>
            <h1>Memcheck</h1><p>Memcheck is a memory error detector.</p>
            <table><tr><td><img src="warn.png"></td><th>Note</th><td>Run it on a debug build.</td></tr></table>
            """
        )
        #expect(
            document.blocks.map(\.text) == [
                "Memcheck", "Memcheck is a memory error detector.", "Note: Run it on a debug build.",
            ]
        )
    }

    @Test func linksWithinThePageAreNoTextOfTheirOwn() throws {
        // A skip link or a "back to top" paragraph moves the reader, and a heading's self-link mark ("#", "¶") is
        // no word of the heading; a same-page link inside prose, a list item or a table cell is text.
        let document = try html(
            """
            <body><a href="#content" class="skip-to-content">Skip to content</a>
            <h2>Zlib<a class="mark" href="#zlib">#</a></h2>
            <h3>Constants <a class="headerlink" href="#constants">\u{00B6}</a></h3>
            <p>See <a href="#options">the options</a> below.</p>
            <ul><li><a href="#flush">Flushing</a></li></ul>
            <table><tr><td><a href="#level">level</a></td><td>The compression level.</td></tr></table>
            <p><a href="#top">Back to top</a></p></body>
            """
        )
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 2), text: "Zlib"),
                TextBlock(kind: .heading(level: 3), text: "Constants"),
                TextBlock(kind: .paragraph, text: "See the options below."),
                TextBlock(kind: .listItem, text: "Flushing"),
                TextBlock(kind: .tableRow, text: "level: The compression level."),
            ]
        )
    }

    @Test func pageOfOnlyLinksGivesNoBlocksAndASayingMessage() throws {
        let items = (1...8).map { "<li><a href=\"p\($0).html\">Page \($0)</a></li>" }.joined()
        let document = try html("<html><body><h2>Contents</h2><ul>\(items)</ul></body></html>")
        #expect(document.blocks == [TextBlock(kind: .heading(level: 2), text: "Contents")])
        #expect(
            IngestionQueue.noTextMessage(filename: "toc.html", type: .html)
                == "No text could be extracted from 'toc.html': the page holds only navigation (menus, link lists, "
                + "a table of contents) or no text at all."
        )
    }

    @Test func termsWithoutMarkupAroundTheirDefinitionStillPair() throws {
        let document = try html(
            "<dl><dt>alpha</dt><dt>beta</dt><dd>Two names for one thing.</dd><dt>gamma</dt><dd><pre>x = 1</pre></dd></dl>"
        )
        #expect(
            document.blocks == [
                TextBlock(kind: .paragraph, text: "alpha, beta: Two names for one thing."),
                TextBlock(kind: .paragraph, text: "gamma"),
                TextBlock(kind: .code, text: "x = 1"),
            ]
        )
    }
}

@Suite struct CodeBlockTests {
    @Test func markdownIndentedCodeKeepsLinesButNestedListsStayItems() throws {
        let text = """
            Run this:

                make install
                make check

            - outer item
                - nested item
            """
        let document = MarkdownExtractor().extract(text: text)
        #expect(
            document.blocks == [
                TextBlock(kind: .paragraph, text: "Run this:"),
                TextBlock(kind: .code, text: "make install\nmake check"),
                TextBlock(kind: .listItem, text: "outer item"),
                TextBlock(kind: .listItem, text: "nested item"),
            ]
        )
    }

    @Test func chunkOfACodeBlockShowsItsLines() {
        let code = "for f in *.txt; do\n    wc -l \"$f\"\ndone"
        let chunks = Chunker().chunks(
            of: [
                TextBlock(kind: .heading(level: 2), text: "Counting lines"),
                TextBlock(kind: .paragraph, text: "Count them. Then stop."),
                TextBlock(kind: .code, text: code),
            ]
        )
        #expect(chunks.map(\.text) == ["Counting lines\nCount them. Then stop.\n" + code])
    }

    @Test func aSentenceAboveACodeBlockIsNotCarriedIntoTheNextPassageWithoutIt() throws {
        // Given a section whose first passage fills up with a sentence that introduces a code block, and the code
        let prose = (1...8).map { "Sentence \($0) tells a little more about the memory checker and its reports." }
        let code = (1...8).map { "==1== at 0x80483\($0): f (example.c:\($0))" }.joined(separator: "\n")
        let blocks = [
            TextBlock(kind: .heading(level: 2), text: "Reading the output"),
            TextBlock(kind: .paragraph, text: prose.joined(separator: " ")),
            TextBlock(kind: .paragraph, text: "Most error messages look like the following:"),
            TextBlock(kind: .code, text: code),
            TextBlock(kind: .paragraph, text: "Things to notice: the first line names the kind of error."),
        ]
        // When it is chunked
        let chunks = Chunker().chunks(of: blocks)
        // Then the next passage does not open with the introduction of a block it lacks
        try #require(chunks.count == 2)
        #expect(chunks[0].text.contains("look like the following:\n==1=="))
        #expect(chunks[1].text == "Reading the output\nThings to notice: the first line names the kind of error.")
    }

    @Test func aParagraphThatOnlyRepeatsTheTitleIsNoPassage() {
        // Given a page whose banner repeats its title above the first section
        let blocks = [
            TextBlock(kind: .paragraph, text: "VACUUM"),
            TextBlock(kind: .heading(level: 2), text: "1. Overview"),
            TextBlock(kind: .paragraph, text: "The vacuum command rebuilds the database file."),
        ]
        // When it is chunked under its title
        let chunks = Chunker().chunks(of: blocks, title: "Vacuum")
        // Then the banner is no passage of its own
        #expect(chunks.map(\.text) == ["1. Overview\nThe vacuum command rebuilds the database file."])
        // And a document that is nothing but its title keeps it
        #expect(Chunker().chunks(of: [TextBlock(kind: .paragraph, text: "Vacuum")], title: "Vacuum").count == 1)
    }

    @Test func longCodeIsCutBetweenLines() {
        let lines = (1...80).map { "    call step_\($0)(argument_\($0))" }
        let chunks = Chunker().chunks(of: [TextBlock(kind: .code, text: lines.joined(separator: "\n"))])
        #expect(chunks.count > 1)
        var seen: [String] = []
        for chunk in chunks {
            #expect(chunk.text.count <= 1200)
            seen += chunk.text.split(separator: "\n").map(String.init)
        }
        #expect(seen == lines, "every line whole, once, in order")
    }

    @Test func storedPassageShowsTheCodeLines() async throws {
        let directory = TemporaryDirectory()
        let file = directory.url.appendingPathComponent("create-widget.html")
        try Data(docBookPage.utf8).write(to: file)
        let store = try await NorthwindStore.make(documents: [])
        let upload = try await store.knowledgeBase.upload(file: file, title: nil, shared: false, as: .local)
        let status = try await store.knowledgeBase.waitUntilProcessed(id: upload.response.documentId, as: .local)
        #expect(status.status == "completed")
        // What `/sources N` and the chunk endpoint show is the stored passage.
        let documentId = upload.response.documentId
        let chunks = try store.knowledgeBase.store.chunks(documentId: documentId)
        let synopsis = try #require(chunks.first { $0.text.contains("CREATE WIDGET name") })
        let shown = try store.knowledgeBase.chunk(documentId: documentId, chunkId: synopsis.id, as: .local)
        #expect(shown.text.contains("CREATE WIDGET name\n    [ SIZE size ]\n    [ COLOUR colour ]"))
        #expect(!chunks.contains { $0.text.contains("Prev") || $0.text.contains("Getting started") })
    }
}

@Suite struct PDFCleanupTests {
    private func extract(_ pdf: HandMadePDF) throws -> ExtractedDocument {
        try PDFExtractor().extract(pdf.data, filename: "manual.pdf")
    }

    private static func page(_ number: Int, _ body: [HandMadePDF.Line]) -> [HandMadePDF.Line] {
        [HandMadePDF.Line(text: "Widget Service Manual", top: 36, size: 9)] + body + [
            HandMadePDF.Line(text: "Page \(number)", top: 750, size: 9)
        ]
    }

    /// A contents page with dot leaders, then pages with hyphenated line ends, a running header and footer.
    private static let manual = HandMadePDF(
        pages: [
            page(
                1,
                [HandMadePDF.Line(text: "Contents", top: 80, size: 16, bold: true)]
                    + HandMadePDF.column(
                        [
                            "1 Introduction . . . . . . . . . . . . . . . . . . . 2",
                            "2 Installing the widget . . . . . . . . . . . . . . 2",
                            "2.1 Requirements and the long title that wraps onto",
                            "a second line . . . . . . . . . . . . . . . . . . . 3",
                            "3 Troubleshooting ............................... 3",
                        ],
                        top: 110
                    )
            ),
            page(
                2,
                [HandMadePDF.Line(text: "1 Introduction", top: 80, size: 16, bold: true)]
                    + HandMadePDF.column(
                        [
                            "The widget solves a common prob-",
                            "lem of small workshops, and every problem",
                            "is logged. The well-",
                            "known setup keeps a well-known order.",
                        ],
                        top: 110
                    )
            ),
            page(
                3,
                [HandMadePDF.Line(text: "3 Troubleshooting", top: 80, size: 16, bold: true)]
                    + HandMadePDF.column(["Restart the widget when it stops."], top: 110)
            ),
        ],
        title: "Widget Service Manual"
    )

    @Test func contentsEntriesRunningLinesAndLineEndHyphensAreCleaned() throws {
        let document = try extract(Self.manual)
        #expect(document.title == "Widget Service Manual")
        let text = document.blocks.map(\.text)
        #expect(!text.contains { $0.contains(". . .") || $0.contains("....") || $0.contains("wraps onto") }, "\(text)")
        #expect(!text.contains { $0.contains("Widget Service Manual") || $0.hasPrefix("Page ") }, "\(text)")
        #expect(
            document.blocks.filter { $0.kind == .paragraph }.map(\.text) == [
                "The widget solves a common problem of small workshops, and every problem is logged. "
                    + "The well-known setup keeps a well-known order.",
                "Restart the widget when it stops.",
            ]
        )
    }

    @Test func aTitleRunningAlongThePageHeadsIsTheTitleWithoutMetadata() throws {
        // Given the manual without a metadata title, under a cover line in a bigger font than its headings
        var manual = Self.manual
        manual.title = nil
        manual.pages[0].insert(HandMadePDF.Line(text: "Widget Makers Group", top: 60, size: 20, bold: true), at: 1)
        // Then the running header names it, not the cover's biggest line
        #expect(try extract(manual).title == "Widget Service Manual")
    }

    @Test func pageNumbersThatRestartInEachPartAreDropped() throws {
        // Given two parts of three pages each, every part numbering its pages from 1 at the foot of the page
        let parts = ["pump", "valve", "filter", "sensor", "alarm", "log"]
        let sentences = parts.flatMap { part in
            ["The \(part) is checked daily.", "Its \(part) record is kept.", "Each \(part) has an owner."]
        }
        let pdf = HandMadePDF(
            pages: parts.indices.map { index in
                HandMadePDF.column(Array(sentences[(3 * index)..<(3 * index + 3)]), top: 100)
                    + [HandMadePDF.Line(text: "\(index % 3 + 1)", top: 750, size: 9)]
            }
        )
        let text = try extract(pdf).blocks.map(\.text)
        // Then no bare number is left between the pages' sentences
        #expect(!text.contains { $0.split(separator: "\n").contains { $0.allSatisfy(\.isNumber) } }, "\(text)")
        for sentence in sentences { #expect(text.contains { $0.contains(sentence) }) }
    }

    @Test func titleIsNeverALoneDropCapital() throws {
        let pdf = HandMadePDF(
            pages: [
                [
                    HandMadePDF.Line(text: "M", top: 60, size: 40),
                    HandMadePDF.Line(text: "Maintenance Log", top: 130, size: 24),
                ] + HandMadePDF.column(["Entries are kept for five years.", "Each entry names its author."], top: 180)
            ]
        )
        #expect(try extract(pdf).title == "Maintenance Log")
    }

    @Test func pagesSharingOneLayoutKeepTheirLines() throws {
        let sites = ["Leipzig", "Berlin", "Hamburg", "Dresden"]
        let pdf = HandMadePDF(
            pages: sites.map { site in
                HandMadePDF.column(
                    ["Inspection record", "Site: \(site)", "Result: passed", "Inspector: Ada Lovelace"],
                    top: 72,
                    step: 200
                )
            }
        )
        let text = try extract(pdf).blocks.map(\.text).joined(separator: "\n")
        for site in sites { #expect(text.contains("Site: \(site)")) }
        #expect(text.components(separatedBy: "Result: passed").count - 1 == sites.count)
    }

    @Test func numbersThatAreNotPageNumbersKeepALineAtThePageEdge() throws {
        let balances = ["4711", "1203", "9920"]
        let notes = ["Spending stayed within the plan.", "Travel costs rose after the fair.", "Hiring paused."]
        let pdf = HandMadePDF(
            pages: (0..<3).map { index in
                [HandMadePDF.Line(text: "Quarterly report", top: 36, size: 9)]
                    + HandMadePDF.column([notes[index], "Second line of the note.", "Third line of it."], top: 100)
                    + HandMadePDF.column(["Balance \(balances[index]) EUR", "Page \(index + 1) of 3"], top: 700)
            }
        )
        let text = try extract(pdf).blocks.map(\.text).joined(separator: "\n")
        for balance in balances { #expect(text.contains("Balance \(balance) EUR")) }
        #expect(!text.contains("Quarterly report"))
        #expect(!text.contains("of 3"))
    }

    @Test func aChapterTitleRunningAlongItsPagesIsDropped() throws {
        // Given a manual whose header line names the chapter, four pages each: on half of the pages, not more
        let chapters = ["Setting up the widget", "Caring for the widget"]
        let parts = ["seal", "hinge", "spring", "lever", "valve", "gasket", "filter", "handle"]
        let pdf = HandMadePDF(
            pages: parts.enumerated().map { index, part in
                [HandMadePDF.Line(text: chapters[index / 4], top: 36, size: 9)]
                    + HandMadePDF.column(
                        [
                            "Take the \(part) out by hand.",
                            "Check the \(part) for cracks before you go on.",
                            "Write what the \(part) looked like into the log.",
                            "Then put the \(part) back.",
                        ],
                        top: 100
                    )
                    + [HandMadePDF.Line(text: "\(index + 1)", top: 750, size: 9)]
            }
        )
        // When it is extracted
        let text = try extract(pdf).blocks.map(\.text).joined(separator: "\n")
        // Then the chapter titles are gone and every page's text stays
        for chapter in chapters { #expect(!text.contains(chapter), "\(text)") }
        for part in parts { #expect(text.contains("Take the \(part) out by hand. Check the \(part) for cracks")) }
    }
}

@Suite struct HyphenJoinerTests {
    private let joiner = HyphenJoiner(
        lines: [
            "Every problem has a well-known answer in this configuration guide.",
            "The data-", "base stores the configu-", "ration; a high-", "cost option exists.",
            "High and cost are words here, as is known and well.",
        ]
    )

    @Test func syllableBreaksJoinAndCompoundsKeepTheirHyphen() {
        #expect(joiner.join("a prob-", "lem here") == "a problem here")
        #expect(joiner.join("the well-", "known path") == "the well-known path")
        #expect(joiner.join("a high-", "cost option") == "a high-cost option")
        #expect(joiner.join("the configu-", "ration file") == "the configuration file")
        #expect(joiner.join("plain text", "next line") == "plain text next line")
    }

    @Test func capitalisedContinuationsKeepTheHyphenUnlessAllCaps() {
        #expect(joiner.join("the Unicode-", "Aware mode") == "the Unicode-Aware mode")
        #expect(joiner.join("ISO-", "8859 text") == "ISO-8859 text")
        #expect(joiner.join("OP-", "TIONAL") == "OPTIONAL")
        #expect(joiner.join("soft\u{00AD}", "ware") == "software")
    }

    @Test func plainTextParagraphsJoinHyphenatedLines() {
        let document = PlainTextExtractor().extract(
            text:
                "Installation\n\nThe installer checks every depen-\ndency first. A dependency that is\nmissing stops it.\n"
        )
        #expect(
            document.blocks.last?.text
                == "The installer checks every dependency first. A dependency that is missing stops it."
        )
    }

    @Test func formFeedPagesLoseTheirRunningLines() throws {
        let bodies = [
            ["Tools live in the shed.", "Keys hang by the door.", "Lights go off at six."],
            ["Orders ship on Fridays.", "Returns come back on Mondays.", "Labels are printed daily."],
            ["Visitors sign in.", "Badges are returned at the gate.", "Guests are escorted."],
        ]
        let pages = bodies.enumerated().map { index, lines in
            "ACME Handbook\n\n" + lines.joined(separator: "\n\n") + "\n\n- \(index + 1) -"
        }
        let data = Data(pages.joined(separator: "\u{0C}").utf8)
        let document = PlainTextExtractor().extract(data, filename: "handbook.txt")
        #expect(document.blocks.map(\.text) == bodies.flatMap { $0 })
    }
}
