import Testing

@testable import Commands

@Suite struct DisplayWidthTests {
    @Test func asciiTakesOneColumnPerCharacter() {
        #expect(DisplayWidth.of("travel-policy.pdf") == 17)
        #expect(DisplayWidth.of("") == 0)
    }

    @Test func eastAsianWideAndFullwidthTakeTwoColumns() {
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("カタカナ") == 8)
        #expect(DisplayWidth.of("ＡＢ") == 4)
        #expect(DisplayWidth.of("出張規程 v2") == 11)
    }

    @Test func emojiTakeTwoColumnsPerCluster() {
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("👍🏽") == 2)
        #expect(DisplayWidth.of("🇩🇪") == 2)
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)
        #expect(DisplayWidth.of("❤️") == 2)
        #expect(DisplayWidth.of("1️⃣") == 2)
    }

    @Test func textPresentationSymbolsTakeOneColumn() {
        #expect(DisplayWidth.of("❤") == 1)
        #expect(DisplayWidth.of("©") == 1)
        #expect(DisplayWidth.of("…") == 1)
    }

    @Test func combiningMarksAndZeroWidthCharactersTakeNoColumn() {
        #expect(DisplayWidth.of("Cafe\u{301}") == 4)
        #expect(DisplayWidth.of("\u{301}") == 0)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.of("\u{FEFF}") == 0)
    }

    @Test func truncateLeavesTextThatFits() {
        #expect(DisplayWidth.truncate("5. Hotels", toColumns: 40) == "5. Hotels")
        #expect(DisplayWidth.truncate("exactly ten", toColumns: 11) == "exactly ten")
    }

    @Test func truncateCutsToTheColumnLimitWithAnEllipsis() {
        let cut = DisplayWidth.truncate("Reisekostenrichtlinie der Northwind GmbH", toColumns: 10)
        #expect(cut == "Reisekost…")
        #expect(DisplayWidth.of(cut) == 10)
    }

    @Test func truncateDropsAWideCharacterThatWouldStraddleTheLimit() {
        // Given five columns of room before the ellipsis, when the third ideograph would need columns 5 and 6,
        // then it is left out whole.
        let cut = DisplayWidth.truncate("日本語テキスト", toColumns: 6)
        #expect(cut == "日本…")
        #expect(DisplayWidth.of(cut) == 5)
    }

    @Test func truncateNeverSplitsAGraphemeCluster() {
        #expect(DisplayWidth.truncate("👨‍👩‍👧👨‍👩‍👧", toColumns: 3) == "👨‍👩‍👧…")
        #expect(DisplayWidth.truncate("Cafe\u{301} au lait", toColumns: 5) == "Cafe\u{301}…")
    }

    @Test func truncateDropsSpacesBeforeTheEllipsis() {
        #expect(DisplayWidth.truncate("Hotel policy and more", toColumns: 7) == "Hotel…")
    }

    @Test func truncateToTinyLimits() {
        #expect(DisplayWidth.truncate("abc", toColumns: 0) == "")
        #expect(DisplayWidth.truncate("abc", toColumns: 1) == "…")
        #expect(DisplayWidth.truncate("日本", toColumns: 2) == "…")
    }

    @Test func sourcesQuotesAreCutToFortyColumns() {
        let heading = "5. Hotels – nightly caps for high-cost and standard cities"
        let cut = DisplayWidth.truncate(heading, toColumns: 40)
        #expect(cut == "5. Hotels – nightly caps for high-cost…")
        #expect(DisplayWidth.of(cut) <= 40)
        #expect(DisplayWidth.truncate("出張規程：ホテル宿泊費の上限（高物価都市）と標準都市の一覧", toColumns: 40).count == 20)
    }

    @Test func padFillsToTheColumnWidth() {
        #expect(DisplayWidth.pad("doc_T3", toColumns: 8) == "doc_T3  ")
        #expect(DisplayWidth.pad("日本", toColumns: 6) == "日本  ")
        #expect(DisplayWidth.pad("travel-policy.pdf", toColumns: 8) == "travel-…")
    }
}
