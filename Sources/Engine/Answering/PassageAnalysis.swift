import ChatAPI
import Foundation
import Synchronization

/// A source's text taken apart once for the extractive answerer: its sentences with their term matchers, a
/// matcher for its title and heading, and one for the whole passage.
///
/// Splitting and folding text is most of what composing an answer costs, and the same passages come back for
/// question after question; `PassageAnalysis.Cache` keeps the results.
struct PassageAnalysis: Sendable {
    struct Sentence: Sendable {
        var text: String
        var matcher: TermMatcher
        /// The sentence's words as `QueryAnalyzer.tokens` reads them.
        var words: [String]
        /// The line of the passage it stands on: sentences of one line are one paragraph, while a table row, a
        /// list item or a line of code is a line of its own.
        var line: Int
    }

    /// A heading above the passage's own, with its matcher.
    struct Section: Sendable {
        var text: String
        var matcher: TermMatcher
    }

    var sentences: [Sentence]
    /// The title, the enclosing sections and the heading, which name what the passage is about.
    var context: TermMatcher
    /// The headings between the title and the passage's own heading, innermost last ("Studio 5.2.0 - released
    /// 2026-03-17" above "New").
    var sections: [Section]
    /// Title, heading and text together.
    var whole: TermMatcher
    /// The passage's language, judged on its title, headings and text together.
    var language: Stemmer.Language

    /// - Parameters:
    ///   - source: The passage.
    ///   - sectionPath: Its headings from the top of the document, joined by ` > `.
    init(_ source: Source, sectionPath: String? = nil) {
        let heading = source.heading ?? ""
        let title = source.title.lowercased()
        let enclosing = (sectionPath ?? "").components(separatedBy: " > ").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let sectionTexts = enclosing.dropLast(enclosing.last == heading ? 1 : 0)
            .filter { !$0.isEmpty && $0.lowercased() != title && $0 != heading }
        let context = ([source.title] + sectionTexts + [heading]).joined(separator: "\n")
        // One language for the whole passage: a short sentence or heading alone rarely shows its own.
        let language = Stemmer.language(of: QueryAnalyzer.tokens(context + "\n" + source.text))
        self.language = language
        sentences = source.text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().flatMap {
            line,
            text in
            SentenceSplitter.split(String(text)).map {
                Sentence(
                    text: $0,
                    matcher: TermMatcher($0, language: language),
                    words: QueryAnalyzer.tokens($0),
                    line: line
                )
            }
        }
        sections = sectionTexts.map { Section(text: $0, matcher: TermMatcher($0, language: language)) }
        self.context = TermMatcher(context, language: language)
        whole = TermMatcher(context + "\n" + source.text, language: language)
    }

    /// Analyses by passage content (title, heading and text, so an edited memory is analysed afresh), bounded: when
    /// full it starts over, which keeps the common passages of a busy store while capping memory.
    final class Cache: Sendable {
        private let entries = Mutex<[String: PassageAnalysis]>([:])
        private let capacity: Int

        init(capacity: Int = 4_096) {
            self.capacity = capacity
        }

        func analysis(of source: Source, sectionPath: String? = nil) -> PassageAnalysis {
            let key = [source.title, sectionPath ?? "", source.heading ?? "", source.text].joined(separator: "\u{1F}")
            if let known = entries.withLock({ $0[key] }) { return known }
            let analysis = PassageAnalysis(source, sectionPath: sectionPath)
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = analysis
            }
            return analysis
        }
    }
}
