import ChatAPI
import Testing

@testable import Bridge

@Suite struct InputLineReaderTests {
    /// Reads everything, feeding the given chunks.
    private func lines(_ chunks: [[UInt8]], max: Int = 16) async -> [InputLine] {
        let input = ScriptedInput()
        for chunk in chunks { input.send(bytes: chunk) }
        input.close()
        var reader = InputLineReader(source: input, maxLineBytes: max)
        var all: [InputLine] = []
        while true {
            let (lines, ended) = await reader.next()
            all += lines
            if ended { return all }
        }
    }

    @Test func stripsLeadingBOMAndEveryCR() async {
        let result = await lines([[0xEF, 0xBB], [0xBF] + Array("a\r\nb\rc\r\n".utf8)])
        #expect(result == [InputLine(number: 1, content: .text("a")), InputLine(number: 2, content: .text("bc"))])
    }

    @Test func keepsABOMThatIsNotAtTheStart() async {
        let result = await lines([Array("x\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("y\n".utf8)])
        #expect(result.map(\.content) == [.text("x"), .text("\u{FEFF}y")])
    }

    @Test func shortInputIsNotMistakenForABOM() async {
        #expect(await lines([[0xEF]]).map(\.content) == [.invalidUTF8])
        #expect(await lines([Array("ok".utf8)]).map(\.content) == [.text("ok")])
    }

    @Test func invalidUTF8IsReportedAndReadingContinues() async {
        let result = await lines([Array("a\n".utf8) + [0xC3, 0x28, 0x0A] + Array("b\n".utf8)])
        #expect(result.map(\.content) == [.text("a"), .invalidUTF8, .text("b")])
        #expect(result.map(\.number) == [1, 2, 3])
    }

    @Test func lineOverTheLimitIsTooLargeAndTheNextLineStillArrives() async {
        let long = [UInt8](repeating: 0x61, count: 17)
        let exact = [UInt8](repeating: 0x62, count: 16)
        let result = await lines([Array(long[0..<9]), Array(long[9...]) + [0x0A] + exact + [0x0A, 0x63]])
        #expect(result.map(\.content) == [.tooLarge, .text(String(repeating: "b", count: 16)), .text("c")])
    }

    @Test func carriageReturnsDoNotCountTowardsTheLimit() async {
        let line = Array(String(repeating: "x", count: 16).utf8) + [0x0D, 0x0A]
        #expect(await lines([line]).map(\.content) == [.text(String(repeating: "x", count: 16))])
    }

    @Test func splitMultiByteCharactersJoinAcrossChunks() async {
        let bytes = Array("Grüße ✓\n".utf8)
        let chunks = bytes.map { [$0] }
        #expect(await lines(chunks).map(\.content) == [.text("Grüße ✓")])
    }
}

@Suite struct JSONLRequestTests {
    @Test func askWithEveryField() {
        let line =
            #"{"op":"ask","id":"a1","text":"Hi?","conversation":"c","stream":false,"options":{"top_k":3,"documents":["x.pdf"],"include_memory":false,"future":1},"meta":{"user":"dana"},"extra":true}"#
        let expected = JSONLRequest.Ask(
            id: "a1",
            text: "Hi?",
            conversation: "c",
            stream: false,
            topK: 3,
            documents: ["x.pdf"],
            includeMemory: false,
            meta: .object(["user": "dana"])
        )
        #expect(JSONLRequest.parse(line) == .success(.ask(expected)))
    }

    @Test func rejectionsNameTheProblem() {
        func rejection(_ line: String) -> LineRejection? {
            if case .failure(let rejection) = JSONLRequest.parse(line) { return rejection }
            return nil
        }
        #expect(rejection("nope") == LineRejection(code: .parseError, message: "The line is not valid JSON.", ref: nil))
        #expect(
            rejection("[1]") == LineRejection(code: .parseError, message: "The line is not a JSON object.", ref: nil)
        )
        #expect(rejection(#"{"id":"x"}"#) == LineRejection(code: .badRequest, message: "Missing field 'op'.", ref: "x"))
        #expect(
            rejection(#"{"op":"dance","id":"x"}"#)
                == LineRejection(code: .unknownOp, message: "Unknown op 'dance'.", ref: "x")
        )
        #expect(rejection(#"{"op":"ask","text":"q"}"#)?.message == "Missing field 'id'.")
        #expect(
            rejection(#"{"op":"ask","id":"","text":"q"}"#)?.message == "Field 'id' must be a string of 1 to 128 bytes."
        )
        #expect(
            rejection(#"{"op":"ask","id":"\#(String(repeating: "é", count: 65))","text":"q"}"#)?.code == .badRequest
        )
        #expect(rejection(#"{"op":"ask","id":"a","text":"  "}"#)?.message == "Field 'text' is empty.")
        #expect(
            rejection(#"{"op":"ask","id":"a","text":"q","options":{"top_k":21}}"#)?.message
                == "Field 'options.top_k' must be an integer from 1 to 20."
        )
        #expect(
            rejection(#"{"op":"ask","id":"a","text":"q","meta":[1]}"#)?.message == "Field 'meta' must be an object."
        )
        #expect(rejection(#"{"op":"ask","id":"a","text":"q","conversation":5}"#)?.code == .badRequest)
        #expect(rejection(#"{"op":"command","id":"c","line":"docs"}"#)?.code == .badRequest)
        #expect(rejection(#"{"op":"reset"}"#)?.message == "Missing field 'conversation'.")
    }

    @Test func otherOps() {
        #expect(JSONLRequest.parse(#"{"op":"cancel","id":"a"}"#) == .success(.cancel(id: "a")))
        #expect(JSONLRequest.parse(#"{"op":"ping","id":"p"}"#) == .success(.ping(id: "p")))
        #expect(
            JSONLRequest.parse(#"{"op":"reset","conversation":"c"}"#) == .success(.reset(id: nil, conversation: "c"))
        )
        #expect(
            JSONLRequest.parse(#"{"op":"command","id":"c","line":" /docs "}"#)
                == .success(.command(.init(id: "c", line: "/docs", conversation: nil, meta: nil)))
        )
    }
}

@Suite struct JSONTextTests {
    @Test func escapesQuotesBackslashesAndControlsOnly() {
        #expect(JSONText.string("plain ✓") == "\"plain ✓\"")
        #expect(JSONText.string("a\"b\\c\nd\u{01}/") == #""a\"b\\c\nd\u0001/""#)
    }

    @Test func numbersAndValues() {
        #expect(JSONText.number(8) == "8")
        #expect(JSONText.number(8.12) == "8.12")
        #expect(JSONText.number(.nan) == "null")
        #expect(JSONText.value(.object(["b": 1, "a": .array([true, .null, "x"])])) == #"{"a":[true,null,"x"],"b":1}"#)
    }
}
