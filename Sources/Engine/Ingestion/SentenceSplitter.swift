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
        // Most lines are ASCII without carriage returns: there every byte is one `Character`, and the rules below
        // are answered from the byte instead of Unicode property tables (ingestion and answering both split
        // every paragraph). A CR is excluded because "\r\n" is one `Character`.
        if line.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return splitASCIILine(Array(line.utf8)) }
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

    /// `splitLine` for an ASCII line, byte for byte the same decisions.
    private static func splitASCIILine(_ bytes: [UInt8]) -> [String] {
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        func isLowercase(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) }
        func isLetter(_ byte: UInt8) -> Bool { isLowercase(byte | 0x20) }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func trimmed(_ range: Range<Int>) -> String {
            var start = range.lowerBound
            var end = range.upperBound
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        /// `endsWithAbbreviation` of a segment that ends with ".".
        func endsWithAbbreviation(_ range: Range<Int>) -> Bool {
            let leading = bytes[range].first { !isWhitespace($0) }
            if !(leading.map(isLetter) ?? false) {
                var start = range.lowerBound
                var end = range.upperBound
                while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
                if bytes[start..<end].allSatisfy({ isDigit($0) || $0 == 0x2E }) { return true }
            }
            func isSeparator(_ byte: UInt8) -> Bool { isWhitespace(byte) || byte == 0x28 }
            var end = range.upperBound - 1
            while end > range.lowerBound, isSeparator(bytes[end - 1]) { end -= 1 }
            var start = end
            while start > range.lowerBound, !isSeparator(bytes[start - 1]) { start -= 1 }
            if end - start == 1, isLetter(bytes[start]) { return true }
            return abbreviations.contains(String(decoding: bytes[start..<end], as: UTF8.self).lowercased())
        }
        var result: [String] = []
        var segmentStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte == 0x2E || byte == 0x21 || byte == 0x3F, index + 1 < bytes.count, isWhitespace(bytes[index + 1])
            else { continue }
            if byte == 0x2E && endsWithAbbreviation(segmentStart..<index + 1) { continue }
            // The next word must not start in lower case (`startsSentence`).
            var next = index + 1
            while next < bytes.count, isWhitespace(bytes[next]) { next += 1 }
            if next < bytes.count, isLowercase(bytes[next]) { continue }
            let sentence = trimmed(segmentStart..<index + 1)
            if !sentence.isEmpty { result.append(sentence) }
            segmentStart = index + 1
        }
        let rest = trimmed(segmentStart..<bytes.count)
        if !rest.isEmpty { result.append(rest) }
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
