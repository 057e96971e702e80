/// Terminal column widths of text, measured per grapheme cluster.
///
/// Counting scalars or bytes misaligns CJK and emoji (ollama's wrap bug, repl.md section 2). Every aligned or
/// cut piece of output goes through here: the Sources list (quoted parts cut to 40 columns), `/docs`, the
/// spinner and the progress bar. Rules: East Asian Wide and Fullwidth characters and emoji take 2 columns,
/// combining marks, format characters and controls 0, everything else 1 (East Asian Ambiguous counts as 1, as in
/// non-CJK locales).
///
/// ```swift
/// DisplayWidth.of("日本")                                   // 4
/// DisplayWidth.truncate("Reisekostenrichtlinie 2024", toColumns: 10)  // "Reisekost…"
/// ```
public enum DisplayWidth {
    /// The ellipsis that marks a cut; it takes one column.
    static let ellipsis = "…"

    /// The columns `text` takes on a terminal.
    ///
    /// - Parameter text: text without ANSI codes.
    /// - Returns: the sum of the widths of its grapheme clusters.
    public static func of(_ text: String) -> Int {
        // Printable ASCII takes one column a byte; most names and titles are that, and the general rule below
        // looks up Unicode properties for every character (most of `/docs` on a large store).
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// The columns one grapheme cluster takes: 0, 1 or 2.
    ///
    /// - Parameter character: one grapheme cluster.
    /// - Returns: its width.
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue, (0x20...0x7E).contains(ascii) { return 1 }
        let scalars = character.unicodeScalars
        guard let base = scalars.first else { return 0 }
        let properties = base.properties
        // Emoji first: a flag, a ZWJ family or a skin-tone sequence is one cluster that starts with an emoji.
        if properties.isEmojiPresentation { return 2 }
        if properties.isEmoji, scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        if isWide(base.value) { return 2 }
        if isZeroWidth(base) { return 0 }
        return 1
    }

    /// Cuts `text` to at most `columns` columns, ending in `…` when anything was cut.
    ///
    /// Never splits a grapheme cluster; a wide character that would straddle the limit is dropped whole.
    ///
    /// - Parameters:
    ///   - text: text without ANSI codes.
    ///   - columns: the most columns the result may take.
    /// - Returns: `text` itself when it fits, else a prefix plus `…`.
    public static func truncate(_ text: String, toColumns columns: Int) -> String {
        guard columns > 0 else { return "" }
        guard of(text) > columns else { return text }
        let budget = columns - of(ellipsis[ellipsis.startIndex])
        var result = ""
        var used = 0
        for character in text {
            let width = of(character)
            if used + width > budget { break }
            result.append(character)
            used += width
        }
        // A cut right after spaces would read as "word …"; the ellipsis belongs to the last word.
        while let last = result.last, last == " " { result.removeLast() }
        return result + ellipsis
    }

    /// Pads `text` with spaces on the right to `columns` columns (after cutting it to fit).
    ///
    /// - Parameters:
    ///   - text: text without ANSI codes.
    ///   - columns: the width of the column.
    /// - Returns: text that takes exactly `columns` columns.
    public static func pad(_ text: String, toColumns columns: Int) -> String {
        let cut = truncate(text, toColumns: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }

    // MARK: - Tables

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return true
        default:
            // Hangul medial vowels and final consonants only occur after an initial, which carries the width.
            return (0x1160...0x11FF).contains(scalar.value) || (0xD7B0...0xD7FF).contains(scalar.value)
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) code points of Unicode 15 that are not emoji (emoji are decided by
    /// their `Emoji_Presentation` property above); sorted, so a binary search finds a code point.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x2E99, 0x2E9B...0x2EF3,  // CJK radicals supplement
        0x2F00...0x2FD5,  // Kangxi radicals
        0x2FF0...0x2FFF,  // ideographic description characters
        0x3000...0x303E,  // ideographic space, CJK symbols and punctuation
        0x3041...0x3096, 0x3099...0x30FF,  // Hiragana, Katakana
        0x3105...0x312F,  // Bopomofo
        0x3131...0x318E,  // Hangul compatibility Jamo
        0x3190...0x31E3,  // Kanbun, Bopomofo extended, CJK strokes
        0x31EF...0x321E,  // Katakana phonetic extensions, enclosed CJK
        0x3220...0x3247,
        0x3250...0x4DBF,  // enclosed CJK, CJK compatibility, CJK extension A
        0x4E00...0xA48C,  // CJK unified ideographs, Yi syllables
        0xA490...0xA4C6,  // Yi radicals
        0xA960...0xA97C,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B,  // CJK compatibility forms, small form variants
        0xFF01...0xFF60,  // fullwidth forms
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1,  // ideographic symbols
        0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,  // Tangut, Khitan
        0x1AFF0...0x1AFF3, 0x1AFF5...0x1AFFB, 0x1AFFD...0x1AFFE,  // Kana extended B
        0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155,  // Kana supplement
        0x1B164...0x1B167, 0x1B170...0x1B2FB,  // small Kana, Nushu
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248,  // enclosed ideographic supplement
        0x1F250...0x1F251, 0x1F260...0x1F265,
        0x20000...0x2FFFD,  // CJK extensions B to F, compatibility supplement
        0x30000...0x3FFFD,  // CJK extensions G and H
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
