import Foundation

// Ingestion profiles spent most of their time in Unicode property lookups (`Character.isWhitespace`) and in
// Foundation's NSString round trip for trimming. Most text is ASCII, where both are answered from the byte; other
// characters fall back to the exact general rule, so results never differ.

extension Character {
    /// `isWhitespace`, answered from the ASCII value when there is one.
    var isWhitespaceFast: Bool {
        if let ascii = asciiValue { return ascii == 0x20 || (0x09...0x0D).contains(ascii) }
        return isWhitespace
    }
}

extension Character {
    /// `isLetter`, answered from the ASCII value when there is one.
    var isLetterFast: Bool {
        if let ascii = asciiValue { return (0x41...0x5A).contains(ascii) || (0x61...0x7A).contains(ascii) }
        return isLetter
    }
}

extension Unicode.Scalar {
    /// Whether `CharacterSet.whitespaces` (spaces and tab) holds the scalar.
    var isHorizontalWhitespace: Bool {
        if isASCII { return value == 0x20 || value == 0x09 }
        return CharacterSet.whitespaces.contains(self)
    }

    /// Whether `CharacterSet.whitespacesAndNewlines` holds the scalar.
    var isWhitespaceOrNewline: Bool {
        if isASCII { return value == 0x20 || (0x09...0x0D).contains(value) }
        return CharacterSet.whitespacesAndNewlines.contains(self)
    }
}

extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)` without the NSString round trip.
    func trimmingHorizontalWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].isHorizontalWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].isHorizontalWhitespace {
            end = scalars.index(before: end)
        }
        return String(self[start..<end])
    }

    /// Whether `trimmingCharacters(in: .whitespacesAndNewlines)` would leave nothing.
    var isBlank: Bool { unicodeScalars.allSatisfy(\.isWhitespaceOrNewline) }
}
