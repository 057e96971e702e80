/// Holds back the start of a generated answer while it may still be the no-context sentence.
///
/// The model is told to reply with exactly `KnowledgeBase.noContextAnswer` when the sources lack the answer. Such a
/// reply must become the contract's abstention (`sources: []`, `no_context`), which has to be decided before the
/// `sources` event goes out, so text is held only while it reads as a beginning of that sentence: most answers
/// are released with their first word.
struct AbstentionGate: Sendable {
    /// What to do after a piece of text.
    enum Verdict: Equatable, Sendable {
        /// Still possibly the abstention: keep waiting.
        case undecided
        /// An answer: send this text (everything held so far) and stop gating.
        case answer(String)
    }

    /// The abstention sentence reduced to lower-case words.
    private static let sentence = letterSkeleton(of: KnowledgeBase.noContextAnswer)

    /// The text held so far.
    private(set) var text = ""

    /// Adds a piece of answer text.
    mutating func feed(_ piece: String) -> Verdict {
        text += piece
        let seen = Self.letterSkeleton(of: text)
        // Punctuation and markers do not count, so the whole sentence followed by `.` or `[1]` still waits.
        if Self.sentence.hasPrefix(seen) { return .undecided }
        return .answer(text)
    }

    /// Whether the text held, now that the answer has ended, is the abstention.
    var isAbstention: Bool { Self.letterSkeleton(of: text) == Self.sentence }

    /// Letters only, lower-cased, words separated by one space: punctuation, digits (markers) and spacing aside.
    static func letterSkeleton(of text: String) -> String {
        var output = ""
        var pendingSpace = false
        for character in text.lowercased() {
            if character.isLetter {
                if pendingSpace && !output.isEmpty { output.append(" ") }
                pendingSpace = false
                output.append(character)
            } else if character.isWhitespace || character.isPunctuation {
                pendingSpace = true
            }
        }
        return output
    }
}
