public import ChatAPI
public import ChatClient

/// What `/compare` shows by default: the direct answer to its question, the top differences, and where the full
/// report is (repl.md section 1; issue 16: a 175-line report that never answered "Which arm carries more?").
///
/// The backend streams the full report; the brief is built from the structured result at `done`: the item that
/// best matches the question (`DocumentComparison.bestMatch`, chosen by the engine's term matching), then up to
/// `topCount` differences, then one line with the counts and the commands that show everything
/// (`/compare ... --all` for the report, `/sources` for the passages). The recorded turn holds the brief, as the
/// REPL showed it; `--all` passes the report through untouched.
///
/// ```text
/// Rated payload: 8 kg [2] vs 14 kg [17].
///
/// ## Top differences
/// - Reach: 1,050 mm [2] vs 1,300 mm [17].
/// ...
///
/// Full report (36 similarities, 38 differences, 1 insight): /compare NR-X200 NR-X300 --all · passages: /sources
/// ```
public enum ComparisonBrief {
    /// How many differences the brief lists.
    static let topCount = 5
    /// A difference row up to this many columns (markers aside) is an attribute with its values, listed before
    /// longer prose rows whose difference takes reading.
    static let shortRowColumns = 100

    /// The brief's text.
    ///
    /// - Parameters:
    ///   - comparison: the backend's result.
    ///   - fullReportCommand: the command that shows the whole report.
    /// - Returns: markdown with the result's `[n]` markers.
    public static func text(_ comparison: DocumentComparison, fullReportCommand: String) -> String {
        var parts: [String] = []
        if let best = comparison.bestMatch { parts.append(best) }
        let top = topDifferences(comparison.differences.filter { $0 != comparison.bestMatch })
        if !top.isEmpty {
            parts.append("## Top differences\n" + top.map { "- " + $0 }.joined(separator: "\n"))
        } else if comparison.differences.isEmpty {
            parts.append("The documents do not differ in anything the comparison aligned.")
        }
        let counts = [
            Plural.count(comparison.similarities.count, "similarity", plural: "similarities"),
            Plural.count(comparison.differences.count, "difference"),
            Plural.count(comparison.crossDocumentInsights.count, "insight"),
        ]
        parts.append("Full report (\(counts.joined(separator: ", "))): \(fullReportCommand) · passages: /sources")
        return parts.joined(separator: "\n\n") + "\n"
    }

    /// The first `topCount` differences in the backend's order (focused on the question first), short attribute
    /// rows before long prose rows.
    static func topDifferences(_ differences: [String]) -> [String] {
        let short = differences.filter { DisplayWidth.of(withoutMarkers($0)) <= shortRowColumns }
        let long = differences.filter { DisplayWidth.of(withoutMarkers($0)) > shortRowColumns }
        return Array((short + long).prefix(topCount))
    }

    private static func withoutMarkers(_ text: String) -> String {
        text.replacing(#/ ?\[\d+\]/#, with: "")
    }

    /// The backend's comparison stream with the report replaced by the brief: status, meta and sources pass
    /// through, the report's tokens and citations are dropped, and at `done` the brief is sent as the answer
    /// with the citations its markers use.
    ///
    /// - Parameters:
    ///   - stream: the backend's stream.
    ///   - fullReportCommand: the command that shows the whole report.
    /// - Returns: a stream that ends when the backend's ends; cancelling it cancels the backend's.
    public static func summarizing(_ stream: AnswerStream, fullReportCommand: String) -> AnswerStream {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await event in stream {
                        switch event {
                        case .token, .citation:
                            continue
                        case .done(var done):
                            if let comparison = done.comparison {
                                let brief = text(comparison, fullReportCommand: fullReportCommand)
                                let used = Set(brief.matches(of: #/\[(\d+)\]/#).compactMap { Int($0.1) })
                                done.answer = brief
                                done.citations = done.citations.filter { used.contains($0.n) }
                                continuation.yield(.token(brief))
                            }
                            continuation.yield(.done(done))
                        default:
                            continuation.yield(event)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
