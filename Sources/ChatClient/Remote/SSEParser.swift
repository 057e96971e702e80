import Foundation

/// One Server-Sent Event: its name and its data lines joined with LF.
struct SSEEvent: Sendable, Hashable {
    /// The `event` field, `message` when the event had none.
    var name: String
    /// The `data` lines joined with LF.
    var data: String
}

/// An incremental Server-Sent Events parser (the WHATWG `text/event-stream` rules): feed it byte chunks as they
/// arrive, split anywhere, and it returns the events they complete.
///
/// It accepts LF, CR and CRLF line ends (a CRLF split across chunks included), several `data` lines per event,
/// comments, and a UTF-8 character split across chunks: bytes are kept until an event is complete, and only then
/// decoded. Fields other than `event` and `data` are ignored (http-api.md section 1); a trailing event that never
/// got its blank line is dropped, as the standard says.
struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var name: [UInt8]?
    private var data: [UInt8] = []
    private var hasData = false
    /// The previous chunk ended in CR: an LF opening the next chunk belongs to the same line end.
    private var pendingCR = false
    /// How many bytes of a leading UTF-8 byte order mark have been seen; -1 once past the stream's start.
    private var bomProgress = 0

    init() {}

    /// Consumes a chunk and returns the events it completes, in order.
    mutating func feed(_ chunk: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in chunk {
            if bomProgress >= 0 {
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == bom[bomProgress] {
                    bomProgress += 1
                    if bomProgress == bom.count { bomProgress = -1 }
                    continue
                }
                // Not a byte order mark after all: the bytes held back are ordinary content.
                line.append(contentsOf: bom[0..<bomProgress])
                bomProgress = -1
            }
            if pendingCR {
                pendingCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                pendingCR = true
                if let event = endLine() { events.append(event) }
            case UInt8(ascii: "\n"):
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// Handles one complete line; returns an event when the line is the blank one ending it.
    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            name = Array(value)
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            name = nil
            data.removeAll(keepingCapacity: true)
            hasData = false
        }
        // An event without data is no event, whatever its name (WHATWG "dispatch the event", step 1).
        guard hasData else { return nil }
        let eventName = name.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return SSEEvent(name: eventName.isEmpty ? "message" : eventName, data: String(decoding: data, as: UTF8.self))
    }
}
