import ChatAPI
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
    }

    var sentences: [Sentence]
    /// The title and heading, which name what the passage is about.
    var context: TermMatcher
    /// Title, heading and text together.
    var whole: TermMatcher

    init(_ source: Source) {
        let context = source.title + "\n" + (source.heading ?? "")
        sentences = SentenceSplitter.split(source.text).map { Sentence(text: $0, matcher: TermMatcher($0)) }
        self.context = TermMatcher(context)
        whole = TermMatcher(context + "\n" + source.text)
    }

    /// Analyses by passage content (title, heading and text, so an edited memory is analysed afresh), bounded: when
    /// full it starts over, which keeps the common passages of a busy store while capping memory.
    final class Cache: Sendable {
        private let entries = Mutex<[String: PassageAnalysis]>([:])
        private let capacity: Int

        init(capacity: Int = 4_096) {
            self.capacity = capacity
        }

        func analysis(of source: Source) -> PassageAnalysis {
            let key = source.title + "\u{1F}" + (source.heading ?? "") + "\u{1F}" + source.text
            if let known = entries.withLock({ $0[key] }) { return known }
            let analysis = PassageAnalysis(source)
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = analysis
            }
            return analysis
        }
    }
}
