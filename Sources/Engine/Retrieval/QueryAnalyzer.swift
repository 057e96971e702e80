import Foundation

/// One meaningful word or identifier of a question.
struct QueryTerm: Sendable, Hashable {
    /// Lower-cased, as typed (diacritics kept).
    var text: String
    /// A distinctive name the sources must contain: letters mixed with digits (`nr-x400`, `ss-2026-0117`) or
    /// written like code (`worker_threads`, `--jobs`, `os.path.join`).
    var isIdentifier: Bool
    /// Other spellings searched too (`ß` → `ss`, `ü` → `ue`, and back).
    var variants: [String]
    /// Stems searched as prefixes besides the spellings: the German Snowball stem (`empfangs` → `empfang`),
    /// since the index's porter tokenizer stems English only.
    var searchStems: [String]
    /// The term in the other language (`reception` → `empfang`), from `BilingualGlossary`: matched like a
    /// spelling, but searched at a lower weight, so a question finds its own language's passages first.
    var translations: [String]
    /// The term and its spellings, folded as `TermMatcher` folds text (matching runs per sentence, folding once).
    let foldedNative: [String]
    /// `foldedNative` and the folded translations: everything a text may say the term with.
    let foldedAll: [String]

    init(
        text: String,
        isIdentifier: Bool,
        variants: [String],
        searchStems: [String] = [],
        translations: [String] = []
    ) {
        self.text = text
        self.isIdentifier = isIdentifier
        self.variants = variants
        self.searchStems = searchStems
        self.translations = translations
        foldedNative = ([text] + variants).map(TermMatcher.fold)
        foldedAll = foldedNative + translations.map(TermMatcher.fold)
    }
}

/// Turns user text into search terms: never FTS5 syntax, stopwords dropped (architecture.md section 6).
enum QueryAnalyzer {
    /// Short English and German function words, plus question words that carry no topic.
    static let stopwords: Set<String> = [
        // English
        "a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "to", "in", "on", "at", "by", "for", "with",
        "about", "as", "into", "from", "up", "down", "over", "under", "is", "are", "was", "were", "be", "been", "being",
        "am", "do", "does", "did", "doing", "have", "has", "had", "having", "can", "could", "should", "would", "will",
        "shall", "may", "might", "must", "i", "me", "my", "mine", "we", "our", "ours", "you", "your", "yours", "he",
        "she", "it", "its", "they", "them", "their", "this", "that", "these", "those", "there", "here", "what", "which",
        "who", "whom", "whose", "when", "where", "why", "how", "much", "many", "any", "some", "all", "each", "so",
        "than", "too", "very", "just", "also", "not", "no", "yes", "please", "tell", "there's", "what's", "it's",
        "get", "got", "let", "s", "t", "one", "ones", "other", "such", "via", "per", "within", "still", "and/or",
        "anything", "something", "give", "say", "says", "said", "know", "need", "needs", "want",
        // German
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "und", "oder",
        "aber", "ist", "sind", "war", "waren", "wird", "werden", "wie", "was", "wer", "wo", "wann", "warum", "welche",
        "welcher", "welches", "im", "in", "an", "am", "auf", "aus", "bei", "mit", "nach", "von", "vom", "zu", "zum",
        "zur", "für", "über", "unter", "es", "gibt", "ich", "du", "sie", "er", "wir", "ihr", "mein", "meine", "dein",
        "nicht", "kein", "keine", "viele", "wieviele", "auch", "noch", "nur", "hat", "haben", "kann", "können", "man",
        "sich", "dass", "als", "so", "da",
    ]

    /// Words that say what kind of answer is wanted rather than what it is about.
    ///
    /// ("the difference between", "the minimum length", "what does X mean"). They rarely occur in the sentence that answers, so they count
    /// little towards coverage and ranking.
    static let frameWords: Set<String> = [
        "difference", "differences", "different", "differ", "between", "compare", "compared", "comparison",
        "minimum", "maximum", "min", "max", "least", "most", "length", "long", "far", "big", "large", "small", "size",
        "amount", "number", "total", "mean", "means", "meaning", "define", "definition", "documentation", "document",
        "documents", "kind", "type", "happen", "happens", "exactly", "approximately", "currently", "current", "stand",
        "unterschied", "mindestens", "maximal",
    ]

    /// Derived forms that name the same quantity ("how long" / "length", "weigh" / "weight"); both spellings are
    /// searched and matched.
    static let derivations: [String: [String]] = [
        "long": ["length"], "length": ["long"], "wide": ["width"], "width": ["wide"], "high": ["height"],
        "height": ["high", "tall"], "tall": ["height"], "deep": ["depth"], "depth": ["deep"], "heavy": ["weight"],
        "weigh": ["weight"], "weight": ["weigh", "heavy"], "far": ["distance"], "distance": ["far"],
        "cost": ["price"], "price": ["cost"], "costs": ["price"],
    ]

    /// The first-person words that make a question about the user ("my site", "am I").
    static let firstPerson: Set<String> = [
        "i", "me", "my", "mine", "i'm", "ich", "mein", "meine", "meinem", "meinen", "meiner", "mir", "mich",
    ]

    /// The characters that stay inside a word when letters or digits stand on both sides (`nr-x200`, `1,050`,
    /// `os.path.join`, `2006/42/EC`, `12:30`, `don't`): the one definition for every cut of text into words in the
    /// engine (`tokens` here, `ComparisonText` for comparisons).
    static let joiners: Set<Character> = ["-", ".", ",", "/", ":", "'", "’"]

    /// Words and identifiers of `text`, lower-cased, in order.
    ///
    /// Joiners (`-`, `.`, `,`, `/`, `:`, `'`) stay only between letters or digits (`nr-x200`, `os.path.join`);
    /// `_` always stays inside a word (`worker_threads`, `_rowid_`); a word that starts with `-`, `--` or `.`
    /// after a space is an option or command name (`--jobs`, `-x`, `.schema`) and keeps its lead.
    static func tokens(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        let characters = Array(text.lowercased())
        func isWordCharacter(_ index: Int) -> Bool {
            index < characters.count && (characters[index].isLetter || characters[index].isNumber)
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isLetter || character.isNumber
                || character == "_" && (!current.isEmpty || isWordCharacter(index + 1))
            {
                current.append(character)
            } else if current.isEmpty, let lead = optionLead(characters, at: index) {
                current = lead
                index += lead.count
                continue
            } else if joiners.contains(character), !current.isEmpty, isWordCharacter(index + 1) {
                current.append(character == "’" ? "'" : character)
            } else if !current.isEmpty {
                words.append(Self.trimmingUnderscores(current))
                current = ""
            }
            index += 1
        }
        if !current.isEmpty { words.append(Self.trimmingUnderscores(current)) }
        return words.filter { !$0.isEmpty }
    }

    /// `-`, `--` or `.` that starts an option or command name: at the start of the text or after a space or an
    /// opening quote or bracket, and followed by a letter.
    private static func optionLead(_ characters: [Character], at index: Int) -> String? {
        let before = index == 0 ? " " : characters[index - 1]
        guard before.isWhitespace || "\"'`(".contains(before) else { return nil }
        for lead in ["--", "-", "."] {
            let end = index + lead.count
            guard end < characters.count, String(characters[index..<end]) == lead, characters[end].isLetter else {
                continue
            }
            return lead
        }
        return nil
    }

    /// A word without trailing underscores, except an identifier that both starts and ends with one (`_rowid_`).
    private static func trimmingUnderscores(_ word: String) -> String {
        guard word.hasSuffix("_"), !word.hasPrefix("_") else { return word }
        return String(word.reversed().drop { $0 == "_" }.reversed())
    }

    /// The distinct search terms of `text`.
    static func terms(_ text: String) -> [QueryTerm] {
        var seen: Set<String> = []
        var terms: [QueryTerm] = []
        let called = calledNames(in: text)
        for word in tokens(text) {
            let word = word.hasSuffix("'s") ? String(word.dropLast(2)) : word
            guard !word.isEmpty, !stopwords.contains(word), !seen.contains(word) else { continue }
            // Plain punctuation-joined numbers ("1,300") stay terms but are not identifiers.
            let hasLetter = word.contains(where: \.isLetter)
            let hasDigit = word.contains(where: \.isNumber)
            if !hasDigit && word.count < 2 { continue }
            seen.insert(word)
            terms.append(
                QueryTerm(
                    text: word,
                    isIdentifier: hasLetter && (hasDigit || isNamedIdentifier(word) || called.contains(word)),
                    variants: variants(of: word) + (derivations[word] ?? []),
                    searchStems: searchStems(of: word),
                    translations: translations(of: word)
                )
            )
        }
        return terms
    }

    /// Names written as calls (`median()`, `strftime(…)`): a question that writes a function that way names it as
    /// surely as snake_case does, so the sources must contain it.
    static func calledNames(in text: String) -> Set<String> {
        Set(
            text.lowercased().matches(of: /([a-z][a-z0-9_]*)\(/).map { String($0.output.1) }
        )
    }

    /// A name written the way code and manuals write names: snake_case (`worker_threads`), an option or command
    /// (`--jobs`, `-x`, `.schema`), or dotted parts of two or more letters each (`os.path.join`, not `e.g.`).
    static func isNamedIdentifier(_ word: String) -> Bool {
        if word.contains("_") || word.hasPrefix("-") || word.hasPrefix(".") { return true }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.allSatisfy { $0.count >= 2 && $0.allSatisfy(\.isLetter) }
    }

    /// Words with which a question asks for a value: a quantity, a setting, a date or a version.
    static let valueCues: Set<String> = [
        "default", "defaults", "limit", "limits", "maximum", "minimum", "max", "min", "size", "large", "big", "long",
        "version", "date", "year", "when", "often", "old", "much", "many", "value", "standard", "höchstens",
        "mindestens", "maximal", "wann", "viel", "viele", "groß", "lang", "version",
    ]

    /// Whether the question asks for a value ("What is the default page size?", "How many …").
    static func asksForValue(_ text: String) -> Bool {
        tokens(text).contains(where: valueCues.contains)
    }

    /// Whether a term only frames the question.
    static func isFrame(_ term: QueryTerm) -> Bool { frameWords.contains(term.text) }

    /// Whether the text speaks about the user.
    static func isFirstPerson(_ text: String) -> Bool {
        tokens(text).contains(where: firstPerson.contains)
    }

    /// A word's translations from the glossary, each with its transliterated spellings.
    static func translations(of word: String) -> [String] {
        var seen: Set<String> = [word]
        return BilingualGlossary.translations(of: word).flatMap { [$0] + variants(of: $0) }
            .filter { seen.insert($0).inserted }
    }

    /// Stems of a plain word that its spellings do not already find as a prefix.
    static func searchStems(of word: String) -> [String] {
        guard word.allSatisfy(\.isLetter) else { return [] }
        let folded = TermMatcher.fold(word)
        let stem = Stemmer.german.stem(folded)
        return stem != folded && stem.count >= 4 ? [stem] : []
    }

    /// Alternative German spellings, both ways, since the index folds diacritics but not `ß` or `ue`.
    static func variants(of word: String) -> [String] {
        // Most words have nothing to transliterate; Foundation's replacing is slow enough to check first.
        guard word.contains(where: { "äöüß".contains($0) }) || ["ae", "oe", "ue", "ss"].contains(where: word.contains)
        else { return [] }
        var result: [String] = []
        let transliterated = word.replacingOccurrences(of: "ß", with: "ss").replacingOccurrences(of: "ä", with: "ae")
            .replacingOccurrences(of: "ö", with: "oe").replacingOccurrences(of: "ü", with: "ue")
        if transliterated != word { result.append(transliterated) }
        if word.contains(where: \.isLetter), !word.contains(where: { "äöüß".contains($0) }) {
            let umlauted = word.replacingOccurrences(of: "ae", with: "ä").replacingOccurrences(of: "oe", with: "ö")
                .replacingOccurrences(of: "ue", with: "ü").replacingOccurrences(of: "ss", with: "ß")
            if umlauted != word { result.append(umlauted) }
        }
        return result
    }

    /// An FTS5 expression matching any of the terms.
    ///
    /// Each term is quoted (inner quotes doubled) and OR-joined; longer plain words also match as prefixes so
    /// "weigh" finds "weight". Nil when there is nothing to search for.
    static func ftsExpression(_ terms: [QueryTerm]) -> String? {
        expression(terms.flatMap { [$0.text] + $0.variants + $0.searchStems })
    }

    static func ftsTranslationExpression(_ terms: [QueryTerm]) -> String? {
        expression(terms.flatMap(\.translations))
    }

    /// What joins the phrases of an expression; no phrase contains it (terms are lower-cased words).
    static let phraseSeparator = " OR "

    private static func expression(_ spellings: [String]) -> String? {
        spellings.isEmpty ? nil : spellings.map(ftsTerm).joined(separator: phraseSeparator)
    }

    /// One term as FTS5 syntax.
    static func ftsTerm(_ spelling: String) -> String {
        let quoted = "\"" + spelling.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let isPlainWord = spelling.allSatisfy(\.isLetter)
        return isPlainWord && spelling.count >= 4 ? quoted + "*" : quoted
    }
}
