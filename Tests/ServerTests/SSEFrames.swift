import ChatAPI
import Foundation

/// The frames of an event-stream body, read strictly by http-api.md section 6: each event is `event: <type>` LF
/// `data: <json>` LF LF; comments are `: text` LF LF.
struct SSEFrames {
    struct Frame {
        var type: String
        var data: String
        var event: StreamEvent
        var object: [String: Any]
    }

    var frames: [Frame] = []
    var comments: [String] = []
    /// Blocks that broke the framing rules.
    var violations: [String] = []

    init(_ body: Data) {
        let text = String(decoding: body, as: UTF8.self)
        if text.contains("\r") { violations.append("CR in the stream") }
        var blocks = text.components(separatedBy: "\n\n")
        if blocks.last == "" { blocks.removeLast() } else { violations.append("stream does not end with a blank line") }
        for block in blocks {
            if block.hasPrefix(":") {
                comments.append(block)
                continue
            }
            let lines = block.components(separatedBy: "\n")
            guard lines.count == 2, lines[0].hasPrefix("event: "), lines[1].hasPrefix("data: ") else {
                violations.append("bad block: \(block.prefix(120))")
                continue
            }
            let type = String(lines[0].dropFirst("event: ".count))
            let data = String(lines[1].dropFirst("data: ".count))
            guard let event = try? APIJSON.decode(StreamEvent.self, from: Data(data.utf8)),
                let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]
            else {
                violations.append("undecodable data: \(data.prefix(120))")
                continue
            }
            if object["type"] as? String != type {
                violations.append("type \(object["type"] ?? "nil") under event \(type)")
            }
            frames.append(Frame(type: type, data: data, event: event, object: object))
        }
    }

    var events: [StreamEvent] { frames.map(\.event) }
    var types: [String] { frames.map(\.type) }

    var done: DoneEvent? {
        for event in events.reversed() { if case .done(let done) = event { return done } }
        return nil
    }

    var sources: [Source] {
        for event in events { if case .sources(let sources) = event { return sources } }
        return []
    }

    var meta: MetaEvent? {
        if case .meta(let meta) = events.first { return meta }
        return nil
    }

    var chunks: [String] {
        events.compactMap { if case .token(let chunk) = $0 { return chunk } else { return nil } }
    }

    var citations: [CitationEvent] {
        events.compactMap { if case .citation(let citation) = $0 { return citation } else { return nil } }
    }

    /// What a naive client prints: the `chunk` of every decoded `data:` line, whatever its event.
    static func printedChunks(_ body: Data) -> String {
        var printed = ""
        for line in String(decoding: body, as: UTF8.self).components(separatedBy: "\n") where line.hasPrefix("data: ") {
            let json = Data(line.dropFirst("data: ".count).utf8)
            if let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any],
                let chunk = object["chunk"] as? String
            {
                printed += chunk
            }
        }
        return printed
    }
}
