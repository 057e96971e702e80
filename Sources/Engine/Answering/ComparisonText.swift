import Foundation

/// One word of a compared text: the form it is compared by, and where it sits in the original.
struct ComparisonToken: Sendable, Hashable {
    /// Lower-cased; numbers without grouping commas or trailing decimal zeros; the document's own name as `§`.
    var key: String
    /// The word in the original text.
    var range: Range<String.Index>
    /// Whether clause punctuation (`,` `;` `:` `.` brackets, a dash) separates this word from the one before.
    var startsClause: Bool

    /// Whether the word only holds a sentence together ("the", "is", "of").
    var isFunctionWord: Bool { ComparisonText.functionWords.contains(key) }
    /// Whether the word carries a figure.
    var hasDigit: Bool { key.contains(where: \.isNumber) }
}

/// A text cut into comparable words (architecture.md section 7, `Comparer`).
///
/// Case, whitespace, number formatting (`1,050` = `1050`, `38.0` = `38`) and the document's own name never make two
/// texts differ: "NR-X200 arm" and "NR-X300 arm" compare equal when each code names its own document.
struct ComparisonText: Sendable {
    let text: String
    let tokens: [ComparisonToken]

    init(_ text: String, identity: DocumentIdentity = DocumentIdentity()) {
        self.text = text
        var tokens: [ComparisonToken] = []
        var index = text.startIndex
        var wordStart: String.Index?
        var pendingBreak = false
        func close(at end: String.Index) {
            guard let start = wordStart else { return }
            let word = String(text[start..<end])
            tokens.append(
                ComparisonToken(
                    key: Self.key(of: word, identity: identity),
                    range: start..<end,
                    startsClause: pendingBreak || tokens.isEmpty
                )
            )
            wordStart = nil
            pendingBreak = false
        }
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character.isLetter || character.isNumber {
                if wordStart == nil { wordStart = index }
            } else if wordStart != nil, Self.joiners.contains(character), next < text.endIndex,
                text[next].isLetter || text[next].isNumber
            {
                // A joiner between letters or digits stays inside the word ("1,050", "10.1-inch", "2006/42/EC").
            } else {
                close(at: index)
                if Self.clauseBreaks.contains(character) { pendingBreak = true }
            }
            index = next
        }
        close(at: text.endIndex)
        self.tokens = tokens
    }

    /// The comparison keys in order.
    var keys: [String] { tokens.map(\.key) }

    /// The keys joined by spaces: equal for texts that compare equal.
    var joinedKey: String { keys.joined(separator: " ") }

    /// The original text from word `first` through word `last`, widened over attached signs and brackets
    /// ("±0.03", "(arm)").
    func slice(_ first: Int, _ last: Int) -> String {
        guard first <= last, tokens.indices.contains(first), tokens.indices.contains(last) else { return "" }
        var start = tokens[first].range.lowerBound
        while start > text.startIndex {
            let previous = text.index(before: start)
            guard Self.leadingAttachments.contains(text[previous]) else { break }
            start = previous
        }
        var end = tokens[last].range.upperBound
        var depth = text[start..<end].filter { $0 == "(" }.count - text[start..<end].filter { $0 == ")" }.count
        while end < text.endIndex {
            let character = text[end]
            if character == ")" && depth > 0 {
                depth -= 1
            } else if !Self.trailingAttachments.contains(character) {
                break
            }
            end = text.index(after: end)
        }
        return String(text[start..<end])
    }

    // MARK: - Normalisation

    /// The engine's word joiners (`QueryAnalyzer.joiners`); `_` too, which `QueryAnalyzer.tokens` keeps inside a
    /// word by a rule of its own (`worker_threads`).
    static let joiners = QueryAnalyzer.joiners.union(["_"])
    static let clauseBreaks: Set<Character> = [
        ",", ";", ":", ".", "!", "?", "(", ")", "[", "]", "–", "—", "·", "|", "•", "\n", "\t",
    ]
    private static let leadingAttachments: Set<Character> = [
        "±", "$", "€", "£", "+", "#", "~", "≈", "(", "\"", "“", "Ø",
    ]
    private static let trailingAttachments: Set<Character> = ["%", "°", "\"", "”", "’"]

    /// Words that only hold a sentence together.
    ///
    /// Negations, quantities and comparisons are not among them: "not available" and "available" must stay
    /// different.
    static let functionWords: Set<String> = [
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "as", "and", "or", "is",
        "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "which", "who", "there",
        "their", "they", "them", "we", "our", "you", "your", "has", "have", "had", "can", "may", "will", "so", "also",
        "§", "der", "die", "das", "den", "dem", "des", "ein", "eine", "und", "oder", "ist", "sind", "im", "mit", "von",
        "zu", "für", "auf",
    ]

    /// The comparison form of one word.
    static func key(of word: String, identity: DocumentIdentity) -> String {
        let lowered = word.lowercased().replacingOccurrences(of: "’", with: "'")
        if identity.words.contains(lowered) || identity.parts.contains(lowered) { return "§" }
        if !identity.parts.isEmpty {
            let parts = lowered.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            if parts.count > 1, parts.contains(where: identity.parts.contains) {
                return parts.map { identity.parts.contains($0) ? "§" : $0 }.joined(separator: "-")
            }
        }
        return normalizedNumber(lowered) ?? lowered
    }

    /// `1,050` → `1050`, `38.0` → `38`, `0.50` → `0.5`; nil when the word is not a plain number.
    static func normalizedNumber(_ word: String) -> String? {
        guard let first = word.first, first.isNumber, word.allSatisfy({ $0.isNumber || $0 == "," || $0 == "." })
        else { return nil }
        let groups = word.split(separator: ".", omittingEmptySubsequences: false)
        guard groups.count <= 2 else { return nil }
        let whole = groups[0]
        if whole.contains(",") {
            let parts = whole.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.dropFirst().allSatisfy({ $0.count == 3 }), (1...3).contains(parts[0].count) else { return nil }
        }
        var result = whole.replacingOccurrences(of: ",", with: "")
        if groups.count == 2 {
            let fraction = groups[1].reversed().drop(while: { $0 == "0" }).reversed()
            guard groups[1].allSatisfy(\.isNumber) else { return nil }
            if !fraction.isEmpty { result += "." + String(fraction) }
        }
        return result
    }

    /// A plural-tolerant form for attribute names ("limits" = "limit").
    static func stem(_ key: String) -> String {
        guard key.count > 3, key.allSatisfy(\.isLetter) else { return key }
        if key.hasSuffix("ies") { return String(key.dropLast(3)) + "y" }
        if key.hasSuffix("s"), !key.hasSuffix("ss"), !key.hasSuffix("us"), !key.hasSuffix("is") {
            return String(key.dropLast())
        }
        return key
    }
}

/// The words by which a document names itself (its product name or code), found as the words of its title that no
/// other compared title has.
///
/// Comparing "NR-X200 Kestrel" with "NR-X300 Osprey" sheets, `NR-X200`, `Kestrel` and the code part `X200` are the
/// X200 sheet's own name; a value that differs only by them ("NR-X200 arm" / "NR-X300 arm") is the same value.
struct DocumentIdentity: Sendable, Hashable {
    /// Whole words, lower-cased.
    var words: Set<String> = []
    /// Letter-and-digit parts of hyphenated codes (`x200` of `nr-x200`), lower-cased.
    var parts: Set<String> = []
    /// A short name for the document in sentences: its distinctive title words when they hold a code, else the
    /// title.
    var displayName = ""

    /// One identity per title, each against all the others.
    static func identities(titles: [String]) -> [DocumentIdentity] {
        let titleWords = titles.map(Self.titleWords)
        return titles.indices.map { index in
            var others: Set<String> = []
            var otherParts: Set<String> = []
            for (otherIndex, words) in titleWords.enumerated() where otherIndex != index {
                for word in words {
                    others.insert(word.lowercased())
                    for part in Self.parts(of: word.lowercased()) { otherParts.insert(part) }
                }
            }
            var identity = DocumentIdentity()
            var shown: [String] = []
            for word in titleWords[index] {
                let lowered = word.lowercased()
                guard !others.contains(lowered), lowered.contains(where: \.isLetter), lowered.count >= 2,
                    !ComparisonText.functionWords.contains(lowered)
                else { continue }
                identity.words.insert(lowered)
                shown.append(word)
                for part in Self.parts(of: lowered)
                where !otherParts.contains(part) && part.contains(where: \.isLetter) && part.contains(where: \.isNumber)
                    && part.count >= 3
                {
                    identity.parts.insert(part)
                }
            }
            // "NR-X200 Kestrel" names the sheet when its distinctive words hold a code and stand together in the
            // title; otherwise the whole title does.
            let hasCode = shown.contains { $0.contains(where: \.isNumber) && $0.contains(where: \.isLetter) }
            let title = titles[index].trimmingCharacters(in: .whitespacesAndNewlines)
            let run = shown.joined(separator: " ")
            identity.displayName = hasCode && shown.count <= 4 && title.contains(run) ? run : title
            return identity
        }
    }

    private static func titleWords(_ title: String) -> [String] {
        ComparisonText(title).tokens.map { String(title[$0.range]) }
    }

    private static func parts(of word: String) -> [String] {
        let parts = word.split(separator: "-").map(String.init)
        return parts.count > 1 ? parts : []
    }
}
