import Foundation

/// Decides whether a query term occurs in a piece of text, tolerating inflection: words match when their Snowball
/// stems in the text's language agree ("limits" / "limit", "Empfangs" / "Empfang").
struct TermMatcher: Sendable {
    /// The folded words of the text, and the text folded as a whole for multi-part terms.
    private let words: Set<String>
    private let folded: String
    /// The folded words in text order, for where a term first occurs.
    private let ordered: [String]
    /// The stemmer of the text's language, and the stems of its plain words.
    private let stemmer: Stemmer
    private let stems: Set<String>

    /// - Parameters:
    ///   - text: The text to match in.
    ///   - language: The language to stem in; guessed from the text's own function words when nil (a sentence
    ///     passes its passage's language, which a short sentence alone may not show).
    init(_ text: String, language: Stemmer.Language? = nil) {
        let folded = Self.fold(text)
        ordered = QueryAnalyzer.tokens(folded)
        stemmer = Stemmer.of(language ?? Stemmer.language(of: ordered))
        stems = Set(ordered.lazy.filter { $0.count >= 3 && $0.allSatisfy(\.isLetter) }.map(stemmer.stem))
        self.folded = " " + ordered.joined(separator: " ") + " "
        var words = Set(QueryAnalyzer.tokens(folded))
        // Joined words also count by their parts, so "wi-fi" in a text matches the query term "fi"… and
        // "nr-x200" matches "x200".
        for word in words where word.contains(where: { !$0.isLetter && !$0.isNumber }) {
            words.formUnion(Self.parts(of: word))
        }
        self.words = words
    }

    /// A matcher for one word of `ordered`, already folded: no second folding or splitting.
    private init(foldedWord word: String, stemmer: Stemmer) {
        ordered = [word]
        self.stemmer = stemmer
        stems = [stemmer.stem(word)]
        folded = " " + word + " "
        var words: Set<String> = [word]
        if word.contains(where: { !$0.isLetter && !$0.isNumber }) { words.formUnion(Self.parts(of: word)) }
        self.words = words
    }

    /// The parts of a joined word: split at joiners with `_` names kept whole (`db,sqlite_limit_length,size` holds
    /// `sqlite_limit_length`), an option without its dashes (`--jobs` holds `jobs`), and every plain part.
    private static func parts(of word: String) -> Set<String> {
        var parts: Set<String> = []
        for part in word.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }) {
            parts.insert(String(part))
            for piece in part.split(separator: "_") { parts.insert(String(piece)) }
        }
        return parts
    }

    /// Lower-cases and removes diacritics; `ß` becomes `ss`.
    static func fold(_ text: String) -> String {
        // Most text is ASCII, where folding is lower-casing; Foundation's folding costs far more.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "ß", with: "ss")
    }

    /// How many words the text has.
    var wordCount: Int { ordered.count }

    /// The word positions where the term occurs, in text order.
    func positions(of term: QueryTerm) -> [Int] {
        ordered.indices.filter { TermMatcher(foldedWord: ordered[$0], stemmer: stemmer).contains(term) }
    }

    /// Whether `term` (or one of its spellings or translations) occurs.
    func contains(_ term: QueryTerm) -> Bool {
        contains(anyOf: term.foldedAll)
    }

    /// Whether `term` occurs in its own language: as typed or in another spelling, not through a translation.
    func containsNatively(_ term: QueryTerm) -> Bool {
        contains(anyOf: term.foldedNative)
    }

    /// Whether one of these folded spellings occurs.
    private func contains(anyOf spellings: [String]) -> Bool {
        spellings.contains { spelling in
            if words.contains(spelling) { return true }
            if spelling.contains(where: { !$0.isLetter && !$0.isNumber }) {
                return folded.contains(" " + spelling + " ")
            }
            guard spelling.count >= 3, spelling.allSatisfy(\.isLetter) else { return false }
            if stems.contains(stemmer.stem(spelling)) { return true }
            guard Self.matchesByPrefix else { return false }
            return words.contains { word in
                Self.isInflection(of: spelling, word) || Self.isInflection(of: word, spelling)
            }
        }
    }

    /// Whether words sharing a long enough start also match, beyond their stems ("weigh" / "weight").
    static let matchesByPrefix = true

    /// `longer` is `shorter` plus at most three letters, two after a three-letter word ("arm"/"arms",
    /// "weigh"/"weight"), or both share a stem
    /// of five or more letters ("decide"/"decision" does not; "released"/"release" does).
    private static func isInflection(of shorter: String, _ longer: String) -> Bool {
        // Every rule below needs a shared start; most word pairs differ at once.
        guard shorter.utf8.first == longer.utf8.first, shorter.count >= 3, longer.count >= shorter.count else {
            return false
        }
        // A three-letter word takes at most two more ("arm" / "armed"): "out" is not "output", nor "use" "useful".
        if longer.count - shorter.count <= min(3, shorter.count - 1), longer.hasPrefix(shorter) { return true }
        let shared = commonPrefix(shorter, longer)
        if shorter.count >= 5, shared >= max(5, shorter.count - 1) { return true }
        // Derivations share a stem but change its end ("decide" / "decision", "approve" / "approval").
        return shorter.count >= 6 && shared >= 4 && Double(shared) >= 0.65 * Double(shorter.count)
    }

    private static func commonPrefix(_ a: String, _ b: String) -> Int {
        zip(a, b).prefix(while: { $0 == $1 }).count
    }
}
