import Foundation

/// What a comparison found, before its sources are numbered: lines whose citations point at passages of the
/// compared documents (http-api.md section 8).
struct ComparisonReport: Sendable, Hashable {
    /// A passage of a compared document: indexes into the comparer's input.
    struct Reference: Sendable, Hashable, Comparable {
        var document: Int
        var passage: Int

        static func < (lhs: Reference, rhs: Reference) -> Bool {
            (lhs.document, lhs.passage) < (rhs.document, rhs.passage)
        }
    }

    /// Text, or the citations that follow it.
    enum Piece: Sendable, Hashable {
        case text(String)
        case cite([Reference])
    }

    /// One item of a section.
    struct Line: Sendable, Hashable {
        var pieces: [Piece]
        /// Where the item's facts first appear (document, position), for document order.
        var position: [Int] = []
        /// The attribute the item is about (`Warranty`, `Rated payload`), empty for prose items: the words a
        /// query names when it asks about that attribute.
        var attribute = ""
        /// The words a query can match: the attribute and values.
        var topic = ""
        /// Words a query can match at lower weight: the section heading.
        var context = ""

        /// The passages the line cites.
        var references: [Reference] {
            pieces.flatMap { piece -> [Reference] in
                if case .cite(let references) = piece { return references }
                return []
            }
        }
    }

    var similarities: [Line] = []
    var differences: [Line] = []
    var insights: [Line] = []
    /// The item that best matches the request's query, when one shares any of its terms.
    var bestMatch: Line?

    /// Every cited passage, in document and passage order.
    var references: [Reference] {
        Array(Set((similarities + differences + insights).flatMap(\.references))).sorted()
    }

    /// The section texts and the canonical report: `## Similarities`, `## Differences`, `## Cross-document
    /// insights`, each with one `- ` line per item (`- None.` when empty), separated by blank lines.
    ///
    /// - Parameter numbers: the source number of each cited passage.
    /// - Returns: the items of each section, and the report.
    func rendered(
        numbers: [Reference: Int]
    ) -> (similarities: [String], differences: [String], insights: [String], report: String, bestMatch: String?) {
        func render(_ line: Line) -> String {
            var text = ""
            for piece in line.pieces {
                switch piece {
                case .text(let string):
                    text += Self.plain(string)
                case .cite(let references):
                    let markers = Set(references.compactMap { numbers[$0] }).sorted().map { "[\($0)]" }.joined()
                    guard !markers.isEmpty else { continue }
                    while text.hasSuffix(" ") { text.removeLast() }
                    text += (text.isEmpty ? "" : " ") + markers
                }
            }
            return text
        }
        let similarities = self.similarities.map(render)
        let differences = self.differences.map(render)
        let insights = self.insights.map(render)
        func section(_ title: String, _ items: [String]) -> String {
            "## \(title)\n" + (items.isEmpty ? ["None."] : items).map { "- " + $0 }.joined(separator: "\n")
        }
        let report = [
            section("Similarities", similarities),
            section("Differences", differences),
            section("Cross-document insights", insights),
        ]
        .joined(separator: "\n\n")
        return (similarities, differences, insights, report, bestMatch.map(render))
    }

    /// Text that cannot be mistaken for markup: brackets would read as citation markers and backticks would open
    /// code spans (where markers are ignored), and an item is one line.
    static func plain(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "[": result.append("(")
            case "]": result.append(")")
            case "`": result.append("'")
            case "\n", "\r", "\r\n": result.append(" ")
            default: result.append(character)
            }
        }
        return result
    }
}
