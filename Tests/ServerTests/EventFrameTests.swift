import ChatAPI
import Testing

@testable import Server

/// SSE frames as the server writes them.
@Suite struct EventFrameTests {
    /// The hand-written `token` frame is byte for byte what the JSON encoder writes, and text that needs escaping
    /// goes through the encoder.
    @Test(arguments: [
        "It lifts ", "8 kg [1]. ", "Größe 🤖 ", "a/b ", "with \"quotes\" ", "tab\there", "back\\slash", "",
    ])
    func tokenFramesMatchTheEncoder(_ chunk: String) {
        let event = StreamEvent.token(chunk)
        let framed = String(decoding: EventStreamResponder.frameBytes(event, requestId: "req_1"), as: UTF8.self)
        #expect(framed == "event: token\ndata: " + APIJSON.string(event) + "\n\n")
    }
}
