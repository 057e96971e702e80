/// The `[n]` citation marker grammar, the one definition every layer reads markers with (http-api.md section 6).
///
/// An answer on the wire carries only single markers: `[` then one to `maxDigits` ASCII digits then `]`. A model's
/// raw text may also group them (`[1, 3]`, `[1,3]`), which the engine splits into adjacent single markers before
/// anything goes out; `grouped: true` reads that wider form.
public enum CitationMarker {
    /// Source numbers have at most three digits: no answer cites a thousandth source, and a longer bracketed
    /// number (a year, a ticket) is then never mistaken for a marker.
    public static let maxDigits = 3

    /// The longest grouped marker still held back while it may close (`[1, 2, 3, 4, 5, 6]` fits): long enough for
    /// any group a model writes, short enough that a stray `[` never holds back a paragraph.
    public static let maxGroupedLength = 24

    /// One marker found in a text.
    public struct Match: Sendable, Hashable {
        /// From `[` to `]`, both included.
        public var range: Range<String.Index>
        /// The source numbers it names, in written order (one for a single marker).
        public var numbers: [Int]
    }

    /// The marker text for source `n`.
    public static func text(_ n: Int) -> String { "[\(n)]" }

    /// The numbers of a marker body (what stands between the brackets), or nil if it is not one.
    ///
    /// - Parameters:
    ///   - body: the text between `[` and `]`.
    ///   - grouped: whether comma-separated groups count (a model's raw text), or only one number (an answer).
    /// - Returns: the numbers in written order, or nil.
    public static func numbers(inBody body: Substring, grouped: Bool = false) -> [Int]? {
        let parts = grouped ? body.split(separator: ",", omittingEmptySubsequences: false) : [body]
        var numbers: [Int] = []
        for part in parts {
            let digits = grouped ? part.trimmingSpaces() : part
            guard !digits.isEmpty, digits.count <= maxDigits, digits.allSatisfy(\.isASCIIDigit),
                let n = Int(digits)
            else { return nil }
            numbers.append(n)
        }
        return numbers.isEmpty ? nil : numbers
    }

    /// Whether an unclosed `[…` at the end of streamed text could still become a marker, so it is held back
    /// until the next piece of text decides.
    ///
    /// - Parameters:
    ///   - tail: text from an opening `[` to the end, with no `]`.
    ///   - grouped: as for `numbers(inBody:grouped:)`.
    /// - Returns: true while more text could complete a marker.
    public static func mayBecomeMarker(_ tail: Substring, grouped: Bool = false) -> Bool {
        guard tail.first == "[", !tail.contains("]") else { return false }
        let body = tail.dropFirst()
        if grouped {
            return tail.count <= maxGroupedLength && body.allSatisfy { $0.isASCIIDigit || $0 == "," || $0 == " " }
        }
        return body.count <= maxDigits && body.allSatisfy(\.isASCIIDigit)
    }

    /// Every marker of a text, left to right.
    public static func matches(in text: String, grouped: Bool = false) -> [Match] {
        var found: [Match] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "[") {
            let after = text.index(after: open)
            guard let close = text[after...].firstIndex(of: "]") else { break }
            if let numbers = numbers(inBody: text[after..<close], grouped: grouped) {
                found.append(Match(range: open..<text.index(after: close), numbers: numbers))
                index = text.index(after: close)
            } else {
                index = after
            }
        }
        return found
    }

    /// Every single marker of an answer with its span in Unicode scalars, as citation events and `done` give it.
    public static func spans(in answer: String) -> [(n: Int, span: Span)] {
        let scalars = answer.unicodeScalars
        return matches(in: answer).compactMap { match in
            guard let n = match.numbers.first else { return nil }
            let start = scalars.distance(from: scalars.startIndex, to: match.range.lowerBound)
            let end = scalars.distance(from: scalars.startIndex, to: match.range.upperBound)
            return (n, Span(start: start, end: end))
        }
    }

    /// The source numbers a text cites, in order of appearance (repeats kept).
    public static func numbers(in text: String, grouped: Bool = false) -> [Int] {
        matches(in: text, grouped: grouped).flatMap(\.numbers)
    }

    /// The text with its markers cut out (nothing else changes).
    public static func removing(from text: String, grouped: Bool = false) -> String {
        var result = ""
        var index = text.startIndex
        for match in matches(in: text, grouped: grouped) {
            result += text[index..<match.range.lowerBound]
            index = match.range.upperBound
        }
        result += text[index...]
        return result
    }
}

extension Character {
    /// `0` to `9` only: other scripts' digits never form a marker.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
