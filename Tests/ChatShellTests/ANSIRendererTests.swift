import Commands
import Testing

@testable import ChatShell

@Suite struct ANSIRendererTests {
    private let sample: StyledText = {
        var text = StyledText("The nightly cap is $320 ")
        text.append("[1]", style: .marker)
        text.append(".\n")
        text.append("Sources:", style: .dim)
        return text
    }()

    @Test func withoutColourTheOutputIsThePlainText() {
        let renderer = ANSIRenderer(useColor: false)
        #expect(renderer.render(sample) == sample.plain)
        #expect(!renderer.render(sample).contains("\u{1B}"))
    }

    @Test func eachStyleMapsToItsSGRCode() {
        let renderer = ANSIRenderer(useColor: true)
        #expect(renderer.render("x", style: .plain) == "x")
        #expect(renderer.render("x", style: .dim) == "\u{1B}[2mx\u{1B}[0m")
        #expect(renderer.render("[1]", style: .marker) == "\u{1B}[2m[1]\u{1B}[0m")
        #expect(renderer.render("error: no", style: .error) == "\u{1B}[31merror: no\u{1B}[0m")
        #expect(renderer.render("Indexed", style: .success) == "\u{1B}[32mIndexed\u{1B}[0m")
        #expect(renderer.render("Sources:", style: .emphasis) == "\u{1B}[1mSources:\u{1B}[0m")
    }

    @Test func runsAreRenderedInOrder() {
        let renderer = ANSIRenderer(useColor: true)
        #expect(
            renderer.render(sample)
                == "The nightly cap is $320 \u{1B}[2m[1]\u{1B}[0m.\n\u{1B}[2mSources:\u{1B}[0m"
        )
    }

    @Test func aMultiLineRunIsStyledLineByLine() {
        let renderer = ANSIRenderer(useColor: true)
        let text = StyledText("  [1] a.pdf\n\n  [2] b.pdf\n", style: .dim)
        #expect(
            renderer.render(text) == "\u{1B}[2m  [1] a.pdf\u{1B}[0m\n\n\u{1B}[2m  [2] b.pdf\u{1B}[0m\n"
        )
    }

    @Test func controlCharactersAreAlwaysShownVisibly() {
        for renderer in [ANSIRenderer(useColor: false), ANSIRenderer(useColor: true)] {
            #expect(renderer.render("a\u{1B}[2Jb", style: .plain) == "a\\x1b[2Jb")
            #expect(renderer.render("tab\there\nnext", style: .plain) == "tab\there\nnext")
            #expect(renderer.render("crlf\r\nend", style: .plain) == "crlf\nend")
            #expect(renderer.render("over\rwrite", style: .plain) == "over\\rwrite")
            #expect(renderer.render("del\u{7F}", style: .plain) == "del\\x7f")
            #expect(renderer.render("c1\u{9B}31m", style: .plain) == "c1\\x9b31m")
        }
    }

    @Test func ourOwnStylingIsAddedAfterSanitising() {
        let renderer = ANSIRenderer(useColor: true)
        #expect(renderer.render("\u{1B}]0;t\u{07}", style: .dim) == "\u{1B}[2m\\x1b]0;t\\x07\u{1B}[0m")
    }
}
