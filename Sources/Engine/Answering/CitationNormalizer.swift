public import ChatAPI
import Foundation

/// Turns raw answer text into `token` and `citation` events (http-api.md section 6, "Citations"):
/// grouped markers (`[1, 3]`) become adjacent ones, numbers matching no source are dropped, markers inside code
/// are left alone, and a marker is never split across tokens (a possible marker at the end of a fragment is held
/// back until it closes or proves not to be one).
public struct CitationNormalizer: Sendable {
    private let sources: [Source]
    private var pending = ""
    private var inCode = false
    /// Unicode scalars of answer text already emitted.
    private var emittedScalars = 0
    /// The whole normalised answer so far.
    public private(set) var answer = ""
    /// Spans per cited source number, in text order.
    public private(set) var spans: [Int: [Span]] = [:]

    public init(sources: [Source]) {
        self.sources = sources
    }

    /// Feeds a fragment; returns the events to send now.
    public mutating func feed(_ fragment: String) -> [StreamEvent] {
        pending += fragment
        return drain(final: false)
    }

    /// Feeds text quoted from a source: sent as it is, never read for markers or code spans.
    ///
    /// Text held back
    /// before it can no longer become a marker, so it goes out first.
    public mutating func feedQuote(_ text: String) -> [StreamEvent] {
        var events = drain(final: true)
        guard !text.isEmpty else { return events }
        answer += text
        emittedScalars += text.unicodeScalars.count
        events.append(.token(text))
        return events
    }

    /// Flushes whatever is held back, at the end of the answer.
    public mutating func finish() -> [StreamEvent] {
        drain(final: true)
    }

    /// The `done.citations` list: one entry per distinct `n`, ordered by `n`.
    public var citations: [Citation] {
        spans.keys.sorted().compactMap { n in
            guard let source = sources.first(where: { $0.n == n }) else { return nil }
            return Citation(n: n, sourceId: source.id, spans: spans[n] ?? [])
        }
    }

    private mutating func drain(final: Bool) -> [StreamEvent] {
        var output = ""
        var markers: [(n: Int, start: Int, end: Int)] = []
        var outputScalars = 0
        var rest = Substring(pending)

        func emit(_ text: String) {
            output += text
            outputScalars += text.unicodeScalars.count
        }

        while let character = rest.first {
            if character == "`" {
                inCode.toggle()
                emit("`")
                rest = rest.dropFirst()
                continue
            }
            guard character == "[", !inCode else {
                emit(String(character))
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "]") else {
                if !final, CitationMarker.mayBecomeMarker(rest, grouped: true) {
                    break
                }
                emit("[")
                rest = rest.dropFirst()
                continue
            }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            guard let numbers = CitationMarker.numbers(inBody: inner, grouped: true) else {
                emit("[")
                rest = rest.dropFirst()
                continue
            }
            var previous: Int?
            for n in numbers where (1...max(sources.count, 1)).contains(n) && !sources.isEmpty && n != previous {
                let start = emittedScalars + outputScalars
                let marker = CitationMarker.text(n)
                emit(marker)
                markers.append((n, start, start + marker.unicodeScalars.count))
                previous = n
            }
            rest = rest[rest.index(after: close)...]
        }
        pending = String(rest)
        guard !output.isEmpty else { return [] }
        answer += output
        emittedScalars += outputScalars
        var events: [StreamEvent] = [.token(output)]
        for marker in markers {
            guard let source = sources.first(where: { $0.n == marker.n }) else { continue }
            let span = Span(start: marker.start, end: marker.end)
            spans[marker.n, default: []].append(span)
            events.append(.citation(CitationEvent(n: marker.n, sourceId: source.id, span: span)))
        }
        return events
    }
}
