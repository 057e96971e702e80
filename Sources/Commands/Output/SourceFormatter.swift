public import ChatAPI

/// The client's wording for sources (repl.md section 3).
public enum SourceFormatter {
    /// Quoted parts are cut to this many columns.
    public static let quoteColumns = 40

    /// `[N] FILE p.PAGE "SECTION"`, `[N] personal memory ID "TEXT"` or `[N] shared memory ID "TEXT"`.
    public static func label(_ source: Source) -> String {
        switch source.kind {
        case .document:
            var text = "[\(source.n)] \(source.filename ?? source.title)"
            if let page = source.page { text += " p.\(page)" }
            let section = source.heading ?? source.title
            text += " \"\(DisplayWidth.truncate(flat(section), toColumns: quoteColumns))\""
            return text
        case .personalMemory, .sharedMemory:
            let kind = source.kind == .personalMemory ? "personal memory" : "shared memory"
            return
                "[\(source.n)] \(kind) \(source.id) \"\(DisplayWidth.truncate(flat(source.text), toColumns: quoteColumns))\""
        }
    }

    /// The Sources block after an answer: cited sources, then a count of the uncited ones.
    public static func block(sources: [Source], citations: [Citation]) -> [StyledText] {
        guard !sources.isEmpty else { return [StyledText("(no sources)", style: .dim)] }
        let cited = Set(citations.map(\.n))
        let citedSources = sources.filter { cited.contains($0.n) }
        var lines: [StyledText] = [StyledText("")]
        if citedSources.isEmpty {
            lines.append(StyledText("Sources (retrieved, not cited):", style: .dim))
            lines.append(contentsOf: sources.map { StyledText("  " + label($0), style: .dim) })
            return lines
        }
        lines.append(StyledText("Sources:", style: .dim))
        lines.append(contentsOf: citedSources.map { StyledText("  " + label($0), style: .dim) })
        let more = sources.count - citedSources.count
        if more > 0 { lines.append(StyledText("  (+\(more) more retrieved: /sources)", style: .dim)) }
        return lines
    }

    private static func flat(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
