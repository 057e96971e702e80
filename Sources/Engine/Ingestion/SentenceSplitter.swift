import Foundation

/// Splits prose into sentences without a language model: after `.`, `!`, `?` (or `…`) followed by white space,
/// unless the word before is a known abbreviation or a single letter (an initial).
enum SentenceSplitter {
    private static let abbreviations: Set<String> = [
        "e.g", "i.e", "etc", "approx", "no", "nr", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co",
        "z.b", "bzw", "ca", "usw", "st", "fig", "max", "min", "incl", "excl", "dept",
    ]

    /// The sentences of `text`, trimmed, in order; line breaks also end a sentence.
    static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            sentences.append(contentsOf: splitLine(String(line)))
        }
        return sentences
    }

    private static func splitLine(_ line: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            current.append(character)
            let isTerminal = character == "." || character == "!" || character == "?" || character == "…"
            let nextIsSpace = index + 1 < characters.count && characters[index + 1].isWhitespaceFast
            if isTerminal && nextIsSpace && !endsWithAbbreviation(current)
                && startsSentence(characters, after: index + 1)
            {
                let trimmed = current.trimmingHorizontalWhitespace()
                if !trimmed.isEmpty { result.append(trimmed) }
                current = ""
            }
            index += 1
        }
        let trimmed = current.trimmingHorizontalWhitespace()
        if !trimmed.isEmpty { result.append(trimmed) }
        return result
    }

    private static func endsWithAbbreviation(_ text: String) -> Bool {
        guard text.hasSuffix(".") else { return false }
        // Section numbers ("2.", "5.2.") at the start of a line are labels, not sentences.
        // (A line starting with an ASCII letter is not one; most are, and the check reads the whole line.)
        let leading = text.first { !$0.isWhitespaceFast }
        let startsWithLetter = leading?.asciiValue.map { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A } ?? false
        if !startsWithLetter, text.trimmingHorizontalWhitespace().allSatisfy({ $0.isNumber || $0 == "." }) {
            return true
        }
        let word = lastWord(of: text.dropLast())
        if word.count == 1, word.first?.isLetter == true { return true }
        return abbreviations.contains(word.lowercased())
    }

    /// The last run of characters that are neither white space nor `(`, as the last element of
    /// `split(whereSeparator:)` would be, found from the end instead of splitting the whole text.
    private static func lastWord(of text: Substring) -> String {
        func isSeparator(_ character: Character) -> Bool { character.isWhitespaceFast || character == "(" }
        var end = text.endIndex
        while end > text.startIndex, isSeparator(text[text.index(before: end)]) { end = text.index(before: end) }
        var start = end
        while start > text.startIndex, !isSeparator(text[text.index(before: start)]) {
            start = text.index(before: start)
        }
        return String(text[start..<end])
    }

    private static func startsSentence(_ characters: [Character], after index: Int) -> Bool {
        var position = index
        while position < characters.count, characters[position].isWhitespaceFast { position += 1 }
        guard position < characters.count else { return true }
        let next = characters[position]
        return next.isUppercase || next.isNumber || "\"'“‘([$€£".contains(next) || !next.isLetter
    }
}
