/// Puts back together a word broken at a line end with a hyphen, deciding from the document's own words whether
/// the hyphen is the typesetter's (`prob-` / `lem` → `problem`) or the word's (`well-` / `known` → `well-known`).
///
/// No dictionary is needed: a manual that breaks words at syllables also uses most of those words unbroken
/// elsewhere, and a compound broken at its hyphen usually appears whole elsewhere too or is made of two words the
/// document uses on their own.
struct HyphenJoiner {
    /// Lower-cased words the document uses whole, outside line-end breaks.
    private let words: Set<String>
    /// Whether this document's breaks are mostly syllable breaks, judged from the breaks its own words settle.
    private let joinsSyllableBreaks: Bool

    /// Characters that end a line as a break: the hyphen-minus, the soft hyphen and the Unicode hyphen.
    static let breakHyphens: Set<Character> = ["-", "\u{00AD}", "\u{2010}"]

    /// - Parameter lines: the document's lines in reading order, as laid out (before any joining).
    init(lines: [String]) {
        // `join` consults the words only after a line that ends with a break; most documents have none, and
        // collecting every word of every line was the largest part of reading a text file.
        guard lines.contains(where: { Self.brokenWord(endingLine: $0) != nil }) else {
            words = []
            joinsSyllableBreaks = false
            return
        }
        var words: Set<String> = []
        var breaks: [(String, String)] = []
        var pendingLeft: String?
        for line in lines {
            var tokens = Self.letterRuns(in: line)
            let startsWithLetter = line.first { !$0.isWhitespace }?.isLetter == true
            if let left = pendingLeft, let first = tokens.first, startsWithLetter {
                breaks.append((left, first))
                tokens.removeFirst()
            }
            pendingLeft = nil
            if let left = Self.brokenWord(endingLine: line) {
                pendingLeft = left
                if !tokens.isEmpty { tokens.removeLast() }
            }
            words.formUnion(tokens.map { $0.lowercased() })
        }
        self.words = words
        var syllable = 0
        var compound = 0
        for (left, right) in breaks {
            if words.contains((left + right).lowercased()) {
                syllable += 1
            } else if words.contains((left + "-" + right).lowercased()) {
                compound += 1
            }
        }
        self.joinsSyllableBreaks = syllable > compound
    }

    /// The word fragment before a break hyphen at the end of `line`, if the line ends with one.
    static func brokenWord(endingLine line: String) -> String? {
        let trimmed = line.reversed().drop(while: \.isWhitespace)
        guard let hyphen = trimmed.first, breakHyphens.contains(hyphen) else { return nil }
        let fragment = String(trimmed.dropFirst().prefix(while: \.isLetter).reversed())
        return fragment.isEmpty ? nil : fragment
    }

    /// Joins `text`, which ends with a break hyphen, and the next line `next`.
    ///
    /// - Returns: the two joined without the hyphen when the break is a syllable break, else with the hyphen
    ///   kept and no space.
    func join(_ text: String, _ next: String) -> String {
        // Most lines do not end with a hyphen; deciding that from the last character keeps joining a paragraph's
        // lines linear (trimming the whole text so far at every line made long paragraphs quadratic).
        guard let last = text.last(where: { !$0.isWhitespace }), Self.breakHyphens.contains(last) else {
            return text + " " + next
        }
        let trimmed = String(text.reversed().drop(while: \.isWhitespace).reversed())
        guard let left = Self.brokenWord(endingLine: trimmed), let first = next.first, first.isLetter || first.isNumber
        else { return text + " " + next }
        let withoutHyphen = String(trimmed.dropLast())
        // A soft hyphen only ever marks a break.
        if trimmed.last == "\u{00AD}" { return withoutHyphen + next }
        let keep = withoutHyphen + "-" + next
        guard let right = Self.letterRuns(in: next).first, first.isLetter else { return keep }
        // A capitalised continuation is a name or a new word (`Unicode-Aware`, `ISO-Latin`); in upper-case
        // text (`ELE-` / `MENT`) case says nothing.
        let upperCaseText = left.allSatisfy(\.isUppercase) && right.allSatisfy(\.isUppercase)
        if right.first?.isUppercase == true, !upperCaseText { return keep }
        let joined = (left + right).lowercased()
        if words.contains(joined) { return withoutHyphen + next }
        if words.contains((left + "-" + right).lowercased()) { return keep }
        let leftIsWord = words.contains(left.lowercased())
        let rightIsWord = words.contains(right.lowercased())
        if leftIsWord, rightIsWord { return keep }
        // Neither half stands alone in this document: a break inside one word.
        if !leftIsWord, !rightIsWord { return withoutHyphen + next }
        return joinsSyllableBreaks ? withoutHyphen + next : keep
    }

    /// The words of a line: letters with inner hyphens or apostrophes; digits and punctuation separate them.
    private static func letterRuns(in line: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in line {
            if character.isLetterFast || ((character == "-" || character == "'") && !current.isEmpty) {
                current.append(character)
            } else {
                if !current.isEmpty { result.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result.map { String($0.reversed().drop { $0 == "-" || $0 == "'" }.reversed()) }
            .filter { !$0.isEmpty }
    }
}
