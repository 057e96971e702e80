/// What kind of statement answers a question, read from the question's own frame words.
///
/// The extractive answerer uses it to prefer the sentence that *gives* what is asked (a figure for "What is the
/// default …", a list for "Which functions …", a statement of what something does for "What does X do") over one
/// that merely repeats the question's words. Only the question's grammar decides, never its topic.
enum AnswerShape: Sendable, Equatable {
    /// A quantity, setting, version or date ("What is the default page size?", "How many …", "Since which version").
    case value
    /// What something does, returns or means ("What does .bail do?", "What does json_valid() return?").
    case description
    /// Several items ("What storage classes does SQLite have?", "Which date functions are there?").
    case list
    /// Whether something holds ("Are foreign keys enforced by default?", "Can transactions be EXCLUSIVE?").
    case yesNo
    /// How to do something ("How do I run my program under the checker?", "How can a database be opened
    /// read-only?"): steps, a command or a code block, which manuals introduce with a line ending in a colon.
    case procedure
    /// Anything else (who, where, how to): no preference beyond the terms.
    case other

    /// Auxiliary verbs that open a yes/no question or follow a `what`/`which` noun phrase.
    static let auxiliaries: Set<String> = [
        "is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should", "must", "may",
        "has", "have", "ist", "sind", "kann", "können", "hat", "haben", "gibt", "darf", "muss",
    ]

    /// Words after "how" that ask how to do something.
    static let procedureVerbs: Set<String> = ["do", "can", "could", "should", "would", "may", "might", "to"]

    /// Question words that ask for a thing or things by a noun phrase ("which functions", "welche Räume").
    static let selectors: Set<String> = ["what", "which", "welche", "welcher", "welches"]

    /// The shape a question asks for.
    static func of(_ question: String) -> AnswerShape {
        let words = QueryAnalyzer.tokens(question).map { $0.hasSuffix("'s") ? String($0.dropLast(2)) : $0 }
        guard let first = words.first else { return .other }
        // "Is loading extensions allowed by default?": a verb first asks whether, even when a value cue follows.
        if auxiliaries.contains(first) { return .yesNo }
        // "How do I …", "How can a table be …", "How to …": a modal or `do` after `how` asks for a way (while "How
        // does X work", "How many", "How long" ask for a description or a value).
        if first == "how", words.count > 2, procedureVerbs.contains(words[1]) { return .procedure }
        if selectors.contains(first), words.count > 1 {
            // "What does X do": an auxiliary right after the question word asks what X does or is.
            if ["does", "do", "did"].contains(words[1]) { return .description }
            // "What storage classes does SQLite have": a noun phrase before the verb whose head is a plural.
            let phrase = words.dropFirst().prefix { !auxiliaries.contains($0) }
            if phrase.count < words.count - 1, let head = phrase.last, isPlural(head),
                !QueryAnalyzer.valueCues.contains(head)
            {
                return .list
            }
        }
        if QueryAnalyzer.asksForValue(question) { return .value }
        return .other
    }

    /// The plural noun a list question asks for ("functions" in "Which date and time functions are there?"), or
    /// nil when the question asks for no list.
    static func listHead(of question: String) -> String? {
        let words = QueryAnalyzer.tokens(question).map { $0.hasSuffix("'s") ? String($0.dropLast(2)) : $0 }
        guard words.count > 2, selectors.contains(words[0]), !["does", "do", "did"].contains(words[1]) else {
            return nil
        }
        let phrase = words.dropFirst().prefix { !auxiliaries.contains($0) }
        guard phrase.count < words.count - 1, let head = phrase.last, isPlural(head) else { return nil }
        return head
    }

    /// Words after "how" ("wie") that ask for an amount: "How many …", "How large …", "Wie lange …".
    static let quantityAfterHow: Set<String> = [
        "many", "much", "large", "big", "long", "old", "often", "far", "high", "wide", "deep", "heavy", "small",
        "fast", "tall", "frequently", "viele", "viel", "lange", "groß", "alt", "oft", "weit", "hoch", "schwer",
    ]

    /// Words that ask for an extreme amount wherever they stand ("the maximum size", "höchstens").
    static let quantityWords: Set<String> = [
        "maximum", "minimum", "max", "min", "höchstens", "mindestens", "maximal", "minimal",
    ]

    /// Whether the question asks for an amount ("How many …", "How much memory …", "What is the maximum …"): only a
    /// passage that states a figure can answer it, whatever else it shares with the question.
    static func asksForQuantity(_ question: String) -> Bool {
        let words = QueryAnalyzer.tokens(question)
        for (index, word) in words.enumerated() {
            if quantityWords.contains(word) { return true }
            if word == "how" || word == "wie", index + 1 < words.count, quantityAfterHow.contains(words[index + 1]) {
                return true
            }
        }
        return false
    }

    /// An English plural by its ending (`classes`, `functions`), not a word that merely ends in `s` (`class`, `is`).
    static func isPlural(_ word: String) -> Bool {
        word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") && !word.hasSuffix("us")
            && !word.hasSuffix("is") && word.allSatisfy(\.isLetter)
    }
}
