import ChatAPI
import Foundation

extension DocumentService {
    /// A processed document's text, as retrieval sees it: its passages in order, their overlaps removed.
    ///
    /// The store keeps the extracted text only as its chunks (architecture.md section 5), so the text is put
    /// back together from them: a chunk that continues a section drops the heading line it repeats, and the
    /// whole sentences it carries over from the previous chunk.
    ///
    /// - Throws: `EngineError.documentNotFound` when it is absent or invisible, `.documentNotReady` while it is
    ///   processing or after it failed.
    func documentText(id: String, as principal: Principal) throws -> DocumentText {
        let document = try store.completedDocument(id: id, for: principal)
        return DocumentText(
            documentId: document.id,
            filename: document.filename,
            title: document.title,
            type: document.type,
            text: Self.joinedText(of: try store.chunks(documentId: id))
        )
    }

    /// The chunks' text in order without the parts one chunk repeats from the one before.
    static func joinedText(of chunks: [ChunkRecord]) -> String {
        var text = ""
        var previous: ChunkRecord?
        for chunk in chunks {
            var body = Substring(chunk.text)
            if let previous {
                if let heading = chunk.heading, heading == previous.heading, body.hasPrefix(heading + "\n") {
                    body = body.dropFirst(heading.count + 1)
                }
                if chunk.charStart < previous.charEnd, let carried = carriedPrefix(of: body, after: previous.text) {
                    body = body.dropFirst(carried)
                    // The chunk joined the carried sentence to what follows with a space (same paragraph) or a
                    // line break; keep that.
                    let separator = body.first == "\n" ? "\n" : " "
                    body = body.drop { $0 == " " || $0 == "\n" }
                    text += body.isEmpty ? "" : separator
                } else {
                    text += "\n\n"
                }
            }
            text += body
            previous = chunk
        }
        return text
    }

    /// How many leading characters of `body` repeat the end of `previous` (the carried-over sentences), if any.
    private static func carriedPrefix(of body: Substring, after previous: String) -> Int? {
        // The carried sentences end `previous`; find where `body`'s opening words occur in its tail and check
        // that everything from there to the end of `previous` is what `body` starts with.
        // A short probe, so a carried sentence shorter than it is still found; each hit is verified in full.
        let probe = body.prefix(8)
        guard !probe.isEmpty else { return nil }
        var searchEnd = previous.endIndex
        while let found = previous.range(of: probe, options: .backwards, range: previous.startIndex..<searchEnd) {
            let tail = previous[found.lowerBound...]
            if body.hasPrefix(tail) { return tail.count }
            searchEnd =
                found.upperBound == previous.startIndex ? previous.startIndex : previous.index(before: found.upperBound)
            if searchEnd <= previous.startIndex { break }
        }
        return nil
    }
}
