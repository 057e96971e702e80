import Foundation

/// What the chosen text must give for the kind of question asked: an amount for "How many …", the thing's name for
/// "Which function …", more than the question's own words for any question.
///
/// Each rule reads the question's grammar and the passage's layout, never its topic.
extension ExtractiveAnswerer {
    /// Spelled-out amounts that state a figure as surely as digits do ("a single writer", "one chance in four
    /// billion", "half the speed").
    static let numberWords: Set<String> = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "twenty", "hundred", "thousand", "million", "billion", "single", "half", "twice", "double", "dozen",
        "unlimited", "eins", "zwei", "drei", "vier", "fünf", "zehn", "hundert", "tausend", "halb", "doppelt",
    ]

    /// Whether a text states an amount: a word that is a number (`4096`, `64-bit`, `3.37.0`) or a spelled-out one.
    static func statesAmount(_ text: String) -> Bool {
        // A number in brackets right after a name is a reference, not an amount: a manual section (`fnmatch(3)`)
        // or a footnote (`[2]`).
        let words = QueryAnalyzer.tokens(text.replacing(/(\w)[(\[]\d+[)\]]/) { String($0.output.1) })
        return statesFigure(words) || words.contains(where: numberWords.contains)
    }

    /// At most this share of a sentence's own terms may be words the question lacks for the sentence to be an
    /// echo of the question: "There are several reasons for checking the glob patterns before the magic." for
    /// "Why are glob patterns checked before magic?" says that there is an answer, not what it is.
    static let echoNewTermShare = 0.4

    /// Whether a sentence only restates the question.
    ///
    /// Nearly all its terms are the question's, and it gives no figure or name of its own. Its answer is in what
    /// follows it (the reasons after "There are several
    /// reasons …") or above it (the function's name in the heading over "Releases all memory associated with a
    /// compression stream.").
    static func isEcho(_ sentence: String, question: [QueryTerm]) -> Bool {
        let own = QueryAnalyzer.terms(sentence)
        guard !own.isEmpty, !statesFigure(QueryAnalyzer.tokens(sentence)) else { return false }
        let asked = TermMatcher(question.map(\.text).joined(separator: " "))
        let new = own.filter { !asked.contains($0) && !QueryAnalyzer.isFrame($0) }
        guard !new.contains(where: \.isIdentifier) else { return false }
        return Double(new.count) <= echoNewTermShare * Double(own.count)
    }

    /// Whether a line of its own names what the question asks about and little else.
    ///
    /// That is a definition's or an option's term ("BZ_CONFIG_ERROR", "-k --keep"), whose description is the line
    /// after it. A line stating a value ("Reach: 1,300 mm") or a sentence is no such term.
    static func namesAskedTerm(_ line: String, question: [QueryTerm]) -> Bool {
        guard line.count < shortSentenceLength, !line.contains(": "), !".!?".contains(line.last ?? "."),
            !statesFigure(QueryAnalyzer.tokens(line))
        else { return false }
        let own = QueryAnalyzer.terms(line)
        let asked = Set(question.filter { !QueryAnalyzer.isFrame($0) }.map(\.text))
        let new = own.filter { !asked.contains($0.text) }
        return own.contains { asked.contains($0.text) } && new.count <= 1
    }

    /// How much a definition's term line counts when the question asks what that term is, does or means, against
    /// the question weight: a definition list or option list entry is the place that says it, over sentences
    /// that mention the term in passing.
    static let definitionBonus = 0.3

    /// Whether the question asks what something is, does or means ("What does BZ_CONFIG_ERROR mean?", "What is
    /// the -k option?"): a definition answers it.
    static func asksForDefinition(_ question: String, shape: AnswerShape) -> Bool {
        if shape == .description { return true }
        let words = QueryAnalyzer.tokens(question)
        guard words.count > 2, AnswerShape.selectors.contains(words[0]) else { return false }
        return ["is", "are", "ist", "sind"].contains(words[1])
    }

    /// Whether the question asks for a thing by its kind ("Which function releases …", "What file takes
    /// precedence …", "Who wrote …"): the answer must name it.
    static func asksForName(_ question: String) -> Bool {
        let words = QueryAnalyzer.tokens(question)
        guard let first = words.first else { return false }
        if first == "who" || first == "wer" { return true }
        return words.count > 2 && AnswerShape.selectors.contains(first) && !AnswerShape.auxiliaries.contains(words[1])
    }

    /// A heading without its section number, so the name it gives reads on its own in an answer.
    static func unnumbered(_ heading: String) -> String {
        heading.replacing(/^\s*\d+(\.\d+)*\.?\s+/, with: "")
    }
}
