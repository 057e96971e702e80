public import ChatAPI

/// Turns stream events into render pieces, append-only: tokens are written as they come, a token ending in what
/// may begin a marker (`[`, `[1`) is held back until the marker closes, so styling never needs a redraw
/// (repl.md section 4).
public struct AnswerRenderer: Sendable {
    private var held = ""
    private var answerWritten = false
    private var endsWithNewline = true
    private var sources: [Source] = []

    public init() {}

    /// Renders one event.
    public mutating func render(_ event: StreamEvent) -> [RenderPiece] {
        switch event {
        case .meta, .citation: return []
        case .status(let stage): return [.status(stage)]
        case .sources(let list):
            sources = list
            return []
        case .token(let chunk):
            return emit(held + chunk, final: false)
        case .done(let done):
            var pieces = emit(held, final: true)
            pieces += closeAnswerLine()
            if done.finishReason == .cancelled {
                // The backend stopped mid-answer (a server shutting down, a model cut off): not a finished answer.
                pieces.append(.lines([StyledText("[interrupted]", style: .dim)]))
            } else if done.finishReason == .noContext || (sources.isEmpty && done.comparison == nil) {
                pieces.append(.lines([StyledText("(no sources)", style: .dim)]))
            } else {
                let list = sources.isEmpty ? done.comparison?.sources ?? [] : sources
                pieces.append(.lines(SourceFormatter.block(sources: list, citations: done.citations)))
            }
            return pieces
        case .error(let error):
            var pieces = emit(held, final: true)
            pieces += closeAnswerLine()
            pieces.append(.error(error.message))
            return pieces
        }
    }

    /// Ends an answer stopped by Ctrl-C: partial text stays, then `[interrupted]`.
    public mutating func interrupt() -> [RenderPiece] {
        var pieces = emit(held, final: true)
        pieces += closeAnswerLine()
        pieces.append(.lines([StyledText("[interrupted]", style: .dim)]))
        return pieces
    }

    // MARK: - Text

    private mutating func closeAnswerLine() -> [RenderPiece] {
        guard answerWritten, !endsWithNewline else { return [] }
        endsWithNewline = true
        return [.answer(StyledText("\n"))]
    }

    private mutating func emit(_ text: String, final: Bool) -> [RenderPiece] {
        held = ""
        var body = text
        if !final, let open = body.lastIndex(of: "["), CitationMarker.mayBecomeMarker(body[open...]) {
            held = String(body[open...])
            body = String(body[..<open])
        }
        guard !body.isEmpty else { return [] }
        answerWritten = true
        endsWithNewline = body.hasSuffix("\n")
        return [.answer(Self.styleMarkers(body))]
    }

    /// Splits text into plain runs and `[n]` marker runs.
    static func styleMarkers(_ text: String) -> StyledText {
        var styled = StyledText()
        var index = text.startIndex
        for match in CitationMarker.matches(in: text) {
            if index < match.range.lowerBound { styled.append(String(text[index..<match.range.lowerBound])) }
            styled.append(String(text[match.range]), style: .marker)
            index = match.range.upperBound
        }
        if index < text.endIndex { styled.append(String(text[index...])) }
        return styled
    }
}
