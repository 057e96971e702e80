import Foundation

/// The deterministic comparer: aligns the "attribute: value" rows and sentences of 2 to 5 documents into
/// similarities, differences and computed cross-document insights, each citing a passage of every document it
/// speaks about (architecture.md section 7, http-api.md section 8).
///
/// Same input, same output. Attributes are matched by name (case, punctuation, plurals and parenthetical qualifiers
/// aside: "Reach (base axis to wrist flange)" matches "Reach"); values are equal when their words are, ignoring
/// case, white space, number formatting and each document's own name ("NR-X200 arm" equals "NR-X300 arm" in
/// the sheets of those two products). A difference is only reported for values that differ after that, and names
/// every value. Sentences that are not attributes are matched as whole sentences (equal: a similarity) or as near
/// pairs that differ in a few words (a difference quoting the differing words).
struct Comparer: Sendable {
    /// One passage (chunk) of a compared document.
    struct Passage: Sendable, Hashable {
        var text: String
        var heading: String?
        /// Headings from the document's top down to this passage, joined by ` > `.
        var headingPath: String

        init(text: String, heading: String?, headingPath: String = "") {
            self.text = text
            self.heading = heading
            self.headingPath = headingPath
        }
    }

    /// A compared document: its title and passages in order.
    struct Document: Sendable, Hashable {
        var title: String
        var passages: [Passage]

        init(title: String, passages: [Passage]) {
            self.title = title
            self.passages = passages
        }
    }

    /// The query used when the request has none; it focuses on nothing.
    static let defaultQuery = "Compare these documents."

    init() {}

    /// Compares the documents; a query moves the items it mentions to the front of each section.
    func compare(_ documents: [Document], query: String? = nil) -> ComparisonReport {
        var builder = ComparisonBuilder(documents: documents)
        builder.alignAttributes()
        builder.alignStatements()
        builder.compareSections()
        builder.computeInsights()
        return builder.finish(focusedOn: query)
    }
}
