import Bridge
import ChatAPI
import ChatClient
import ChatTestSupport
import Foundation
import Testing

@Suite struct PlainEncodingTests {
    @Test func leadingDotIsDoubled() {
        #expect(PlainEncoding.content(".hidden") == "..hidden")
        #expect(PlainEncoding.content(".") == "..")
        #expect(PlainEncoding.content("..x") == "...x")
        #expect(PlainEncoding.content(".error not really") == "..error not really")
        #expect(PlainEncoding.content("a.b.") == "a.b.")
        #expect(PlainEncoding.content("") == "")
    }

    @Test func controlsOtherThanTabAreRemoved() {
        #expect(PlainEncoding.content("a\u{1B}[31mred\u{1B}[0m\u{07}\tb\r") == "a[31mred[0m\tb")
        // DEL and the C1 controls go too (issue 15): U+009B is a one-byte CSI for terminals that honour C1.
        #expect(PlainEncoding.content("\u{00}\u{1F}x\u{7F}") == "x")
        #expect(PlainEncoding.content("a\u{9B}2Jb\u{9D}0;t\u{9C}") == "a2Jb0;t")
        // A control in front of a dot must not hide the dot from stuffing.
        #expect(PlainEncoding.content("\u{1B}.x") == "..x")
    }

    @Test func errorLineIsOneLineWithAMessage() {
        #expect(
            PlainEncoding.error(code: .forbiddenCommand, message: "/upload is not available in plain mode")
                == ".error forbidden_command /upload is not available in plain mode"
        )
        #expect(
            PlainEncoding.error(code: .timeout, message: "line one\nline\u{1B}two\r\n")
                == ".error timeout line one linetwo"
        )
        #expect(PlainEncoding.error(code: .internalError, message: " \n") == ".error internal_error internal_error")
    }

    @Test func controlLineFlattensItsText() {
        #expect(PlainEncoding.control("truncated") == ".truncated")
        #expect(PlainEncoding.control("status", "retrieving\n") == ".status retrieving")
    }

    @Test func documentTokenEncodesSpacePercentQuoteAndControls() {
        #expect(PlainEncoding.documentToken("a b%c\"d\te\u{7F}.pdf") == "a%20b%25c%22d%09e%7F.pdf")
        #expect(PlainEncoding.documentToken("plain-name_1.txt") == "plain-name_1.txt")
    }

    /// The corpus fixture whose folder and file names hold spaces, an en dash, accents and a check mark.
    @Test func sourceLineOfTheUnicodeFixtureKeepsNonASCIIAndEncodesSpaces() throws {
        let folder = TestCorpus.bad.appendingPathComponent("unicode path")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        #expect(name == "Überblick – café notes ✓.txt")
        let source = Source(
            n: 2,
            id: "chk_1",
            kind: .document,
            documentId: "doc_1",
            filename: name,
            title: "Café notes (Überblick)",
            page: nil,
            snippet: "",
            text: "",
            score: 1
        )
        #expect(
            PlainEncoding.source(source) == #".source 2 Überblick%20–%20café%20notes%20✓.txt "Café notes (Überblick)""#
        )
    }

    @Test func sourceLineHasPageForPagedFormatsAndAJSONTitle() {
        var source = Source.sample(1, page: 3)
        source.filename = "travel policy.pdf"
        source.title = "Say \"hi\"\\ \u{01}"
        #expect(PlainEncoding.source(source) == #".source 1 travel%20policy.pdf p.3 "Say \"hi\"\\ \u0001""#)
    }

    @Test func memorySourceNamesItsKind() {
        let memory = Source(
            n: 3,
            id: "mem_1",
            kind: .personalMemory,
            title: "Personal memory",
            snippet: "",
            text: "",
            score: 1
        )
        #expect(PlainEncoding.source(memory) == #".source 3 personal_memory "Personal memory""#)
    }

    /// End to end on the real engine: the fixture ingested under its awkward name comes back in `.source`.
    @Test func unicodeFixtureSurvivesIngestAndCitation() async throws {
        let store = try await NorthwindStore.make(documents: [])
        let backend = EmbeddedBackend(knowledgeBase: store.knowledgeBase)
        let file = TestCorpus.bad.appendingPathComponent("unicode path/Überblick – café notes ✓.txt")
        let upload = try await backend.upload(file: file, title: nil, shared: false)
        let status = try await backend.waitUntilProcessed(id: upload.documentId) { _ in }
        #expect(status.isFinished)
        var configuration = BridgeConfiguration(mode: .plain)
        configuration.sources = true
        let input = ScriptedInput(lines: ["When is the Port Ellery lobby coffee machine serviced?"])
        let run = await BridgeDriver.run(configuration, backend: backend, input: input)
        #expect(run.code == 0)
        #expect(ProtocolGrammar.checkPlain(run.lines, replies: 1).isEmpty)
        #expect(run.lines.contains { $0.hasPrefix(".source 1 Überblick%20–%20café%20notes%20✓.txt ") })
        #expect(run.lines.last == ".")
    }
}
