public import ChatAPI

/// Turns stream events into render pieces, append-only: tokens are written as they come, a token ending in what
/// may begin a marker (`[`, `[1`) is held back until the marker closes, so styling never needs a redraw
/// (repl.md section 4).
public struct AnswerRenderer: Sendable {
    private var held = ""
    private var answerWritten = false
    private var endsWithNewline = true
    private var sources: [Source] = []
    public private(set) var finished = false

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
            finished = true
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
            finished = true
            var pieces = emit(held, final: true)
            pieces += closeAnswerLine()
            pieces.append(.error(error.message))
            return pieces
        }
    }

    /// Ends an answer stopped by Ctrl-C: partial text stays, then `[interrupted]`.
    public mutating func interrupt() -> [RenderPiece] {
        finished = true
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
        if !final, let open = body.lastIndex(of: "["), Self.mayBecomeMarker(body[open...]) {
            held = String(body[open...])
            body = String(body[..<open])
        }
        guard !body.isEmpty else { return [] }
        answerWritten = true
        endsWithNewline = body.hasSuffix("\n")
        return [.answer(Self.styleMarkers(body))]
    }

    static func mayBecomeMarker(_ tail: Substring) -> Bool {
        tail.count < 6 && tail.dropFirst().allSatisfy(\.isNumber) && !tail.contains("]")
    }

    /// Splits text into plain runs and `[n]` marker runs.
    static func styleMarkers(_ text: String) -> StyledText {
        var styled = StyledText()
        var plain = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "[", let close = text[index...].firstIndex(of: "]") {
                let inner = text[text.index(after: index)..<close]
                if !inner.isEmpty, inner.count <= 3, inner.allSatisfy(\.isNumber) {
                    if !plain.isEmpty { styled.append(plain) }
                    plain = ""
                    styled.append(String(text[index...close]), style: .marker)
                    index = text.index(after: close)
                    continue
                }
            }
            plain.append(text[index])
            index = text.index(after: index)
        }
        if !plain.isEmpty { styled.append(plain) }
        return styled
    }
}
