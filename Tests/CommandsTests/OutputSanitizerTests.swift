import Testing

@testable import Commands

@Suite struct OutputSanitizerTests {
    /// The probe's file name: window title, screen clear, OSC 52 clipboard write.
    static let hostileName = "\u{1B}]0;title\u{07}\u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{07}policy.txt"

    @Test func escapeSequencesLoseTheirIntroducersAndShowVisibly() {
        let shown = OutputSanitizer.visible(Self.hostileName)
        #expect(shown == "\\x1b]0;title\\x07\\x1b[2J\\x1b]52;c;cHduZWQ=\\x07policy.txt")
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test func dropPolicyRemovesEveryUnsafeScalar() {
        #expect(OutputSanitizer.sanitize(Self.hostileName, policy: .drop) == "]0;title[2J]52;c;cHduZWQ=policy.txt")
        #expect(OutputSanitizer.sanitize("a\u{9B}31mb\u{7F}", policy: .drop) == "a31mb")
    }

    @Test func c1DelAndCarriageReturnAreShown() {
        #expect(OutputSanitizer.visible("\u{9B}2J\u{9D}0;x\u{9C}") == "\\x9b2J\\x9d0;x\\x9c")
        #expect(OutputSanitizer.visible("del\u{7F}") == "del\\x7f")
        #expect(OutputSanitizer.visible("over\rwrite") == "over\\rwrite")
        #expect(OutputSanitizer.visible("line\r\nnext") == "line\nnext")
    }

    @Test func bidiOverridesAreShownSoANameCannotPoseAsAnother() {
        #expect(OutputSanitizer.visible("report\u{202E}fdp.exe") == "report\\u202efdp.exe")
        #expect(OutputSanitizer.visible("\u{2066}x\u{2069}") == "\\u2066x\\u2069")
    }

    @Test func layoutIsKeptOnlyWhereAllowed() {
        #expect(OutputSanitizer.visible("a\tb\nc") == "a\tb\nc")
        #expect(OutputSanitizer.sanitize("a\tb\nc", policy: .visible, keepLayout: false) == "a\\tb\\nc")
    }

    @Test func ordinaryTextIsUntouched() {
        for text in ["", "plain ascii", "Größe 日本 👩‍👩‍👧 é", "¡Hola! © 2026 – “quotes”", "עברית العربية"] {
            #expect(OutputSanitizer.visible(text) == text)
            #expect(!OutputSanitizer.needsSanitizing(text))
        }
    }

    @Test func jsonKeepsTheDataButEscapesC1() {
        #expect(OutputSanitizer.escapingJSONControls("{\"a\":\"x\u{9B}y\u{7F}\"}") == "{\"a\":\"x\\u009by\\u007f\"}")
        #expect(OutputSanitizer.escapingJSONControls("{\"a\":\"é\"}") == "{\"a\":\"é\"}")
    }
}
