// libFuzzer entry for the client's incremental Server-Sent Events parser
// (Sources/ChatClient/Remote/SSEParser.swift), built by scripts/fuzz.sh.
//
// The first input byte picks a chunk size (1...16); the rest is a stream. Oracle: feeding the stream whole, byte
// by byte and in chunks of that size gives the same events (SSE is defined on the stream, not on how it is
// split), and an event's name is never empty.

private func events(of stream: ArraySlice<UInt8>, chunk: Int) -> [SSEEvent] {
    var parser = SSEParser()
    var events: [SSEEvent] = []
    var start = stream.startIndex
    while start < stream.endIndex {
        let end = min(stream.endIndex, start + chunk)
        events += parser.feed(stream[start..<end])
        start = end
    }
    return events
}

@_cdecl("LLVMFuzzerTestOneInput")
public func sseFuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let chunk = Int(bytes[0] % 16) + 1
    let stream = bytes[1...]
    let whole = events(of: stream, chunk: max(1, stream.count))
    for size in [1, chunk] {
        let split = events(of: stream, chunk: size)
        if split != whole {
            fatalError("chunk size \(size) changed the events: \(whole.count) vs \(split.count)")
        }
    }
    if whole.contains(where: { $0.name.isEmpty }) { fatalError("an event without a name") }
    return 0
}
