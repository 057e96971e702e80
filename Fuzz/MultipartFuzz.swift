// libFuzzer entry for the server's incremental multipart/form-data parser
// (Sources/Server/Support/MultipartFormParser.swift), built by scripts/fuzz.sh.
//
// The first input byte picks a chunk size (1...16) and the rest is a body for the boundary `fuzzb`. Oracle: the
// parser may refuse a body, but the same bytes fed whole and fed in chunks must give the same parts (data runs
// merged) and the same verdict, and no part head may come from outside a header block. Part headers are also
// parsed on their own.

/// The parts a body yields, with consecutive data runs merged, or the refusal.
private func parts(of body: ArraySlice<UInt8>, chunk: Int) -> (events: [MultipartFormParser.Event], refused: String?) {
    guard var parser = MultipartFormParser(boundary: "fuzzb") else { fatalError("a valid boundary was refused") }
    var events: [MultipartFormParser.Event] = []
    var start = body.startIndex
    do {
        while start < body.endIndex {
            let end = min(body.endIndex, start + chunk)
            for event in try parser.feed(body[start..<end]) {
                if case .data(let more) = event, case .data(let run)? = events.last {
                    events[events.count - 1] = .data(run + more)
                } else {
                    events.append(event)
                }
            }
            start = end
            if parser.isFinished { break }
        }
    } catch {
        return (events, (error as? MultipartFormParser.Malformed)?.reason ?? "\(error)")
    }
    return (events, nil)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func multipartFuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let chunk = Int(bytes[0] % 16) + 1
    let body = bytes[1...]
    let whole = parts(of: body, chunk: max(1, body.count))
    let split = parts(of: body, chunk: chunk)
    // A refusal can come at a different point when the bytes arrive in pieces (the head limit counts what is
    // buffered), so only bodies both readings accept are compared part for part.
    if whole.refused == nil && split.refused == nil && whole.events != split.events {
        fatalError("chunk size \(chunk) changed the parts: \(whole.events.count) vs \(split.events.count) events")
    }
    if (whole.refused == nil) != (split.refused == nil) {
        fatalError("chunk size \(chunk) changed the verdict: \(whole.refused ?? "ok") vs \(split.refused ?? "ok")")
    }
    _ = MultipartFormParser.parseHead(Array(body))
    _ = MultipartFormParser.decodeExtendedValue(String(decoding: body, as: UTF8.self))
    return 0
}
