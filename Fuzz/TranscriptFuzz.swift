// libFuzzer entry for the `.chat` transcript parser (Sources/Transcripts), built by scripts/fuzz.sh.
//
// Any bytes: as UTF-8 (invalid sequences repaired, as a file read with replacement would be), parsed as a
// transcript and as an `.actual` file. The parser must answer with a transcript or a syntax error naming a line
// of the input, never trap or hang.

@_cdecl("LLVMFuzzerTestOneInput")
public func transcriptFuzzInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
    for annotations in [false, true] {
        do {
            let transcript = try Transcript.parse(text, path: "fuzz.chat", allowAnnotations: annotations)
            _ = transcript
        } catch {
            // A syntax error must point into the input (or at its end).
            guard (0...lineCount + 1).contains(error.line) else {
                fatalError("syntax error at line \(error.line) of a \(lineCount)-line input: \(error.message)")
            }
        }
    }
    return 0
}
