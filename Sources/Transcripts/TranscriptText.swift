import ChatAPI
import Foundation

/// The text rules of transcripts.md section 4 and 5: normalisation, whitespace collapsing, case folding, words and
/// word error rate.
public enum TranscriptText {
    /// ANSI CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
    private static let ansi = try? NSRegularExpression(
        pattern: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]|\u{1B}\\][^\u{07}\u{1B}]*(?:\u{07}|\u{1B}\\\\)|\u{1B}[@-Z\\\\-_]"
    )

    /// Normalises actual and expected text alike: ANSI removed, CRLF to LF, NFC, trailing whitespace removed from
    /// every line.
    public static func normalize(_ text: String) -> String {
        var text = text
        if text.contains("\u{1B}"), let ansi {
            text = ansi.stringByReplacingMatches(
                in: text,
                range: NSRange(text.startIndex..., in: text),
                withTemplate: ""
            )
        }
        text = text.replacingOccurrences(of: "\r\n", with: "\n").precomposedStringWithCanonicalMapping
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { trimTrailingWhitespace(String($0)) }
            .joined(separator: "\n")
    }

    /// A line without trailing whitespace.
    public static func trimTrailingWhitespace(_ line: String) -> String {
        var line = Substring(line)
        while let last = line.last, last.isWhitespace { line = line.dropLast() }
        return String(line)
    }

    /// NFC, then every whitespace run (line breaks and no-break spaces included) as one space, trimmed.
    public static func collapse(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
            .split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }

    /// Unicode default case folding (`ß` becomes `ss`).
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive], locale: nil)
    }

    /// Words as `wer` and `max-words` count them: after NFC, case folding and dropping `[n]` markers, runs of
    /// letters and digits; one `.`, `,`, `-`, `'` or `/` between two of them stays inside (`1,300`, `nr-x200`).
    public static func scoringWords(_ text: String) -> [String] {
        let characters = Array(fold(CitationMarker.removing(from: text.precomposedStringWithCanonicalMapping)))
        var words: [String] = []
        var current = ""
        var index = 0
        func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }
        while index < characters.count {
            let character = characters[index]
            if isWordCharacter(character) {
                current.append(character)
            } else if !current.isEmpty, ".,-'/".contains(character), index + 1 < characters.count,
                isWordCharacter(characters[index + 1])
            {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
            index += 1
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Word edit distance of `hypothesis` against `reference`, over the reference word count; 0 when both are
    /// empty, 1 when only the reference is.
    public static func wordErrorRate(hypothesis: String, reference: String) -> Double {
        let hypothesisWords = scoringWords(hypothesis)
        let referenceWords = scoringWords(reference)
        guard !referenceWords.isEmpty else { return hypothesisWords.isEmpty ? 0 : 1 }
        var previous = Array(0...hypothesisWords.count)
        for (i, referenceWord) in referenceWords.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: hypothesisWords.count)
            for (j, hypothesisWord) in hypothesisWords.enumerated() {
                let substitution = previous[j] + (referenceWord == hypothesisWord ? 0 : 1)
                current[j + 1] = min(substitution, previous[j + 1] + 1, current[j] + 1)
            }
            previous = current
        }
        return Double(previous[hypothesisWords.count]) / Double(referenceWords.count)
    }
}
