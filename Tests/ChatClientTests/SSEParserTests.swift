import ChatAPI
import Foundation
import Testing

@testable import ChatClient

@Suite struct SSEParserTests {
    /// A stream as the server writes it (http-api.md section 6), plus a heartbeat comment, an event of an unknown
    /// type, non-ASCII text and a two-line data field.
    static let recorded = """
        event: meta
        data: {"type":"meta","api_version":"1","request_id":"req_9Vd2","conversation_id":"cnv_1","message_id":"msg_2","model":"extractive"}

        : keep-alive

        event: sources
        data: {"type":"sources","sources":[]}

        event: token
        data: {"type":"token","chunk":"Größe 🤖 "}

        event: future
        data: {"type":"future","x":1}

        event: token
        data: {"type":"token",
        data: "chunk":"[1]."}

        event: done
        data: {"type":"done","finish_reason":"stop","answer":"Größe 🤖 [1].","citations":[],"memory_added":null,"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6},"timings_ms":{"retrieval":1,"first_token":2,"total":3},"conversation_id":"cnv_1","message_id":"msg_2"}


        """

    static func parseAll(_ chunks: [ArraySlice<UInt8>]) -> [SSEEvent] {
        var parser = SSEParser()
        return chunks.flatMap { parser.feed($0) }
    }

    @Test func parsesRecordedStream() {
        let events = Self.parseAll([Array(Self.recorded.utf8)[...]])
        #expect(events.map(\.name) == ["meta", "sources", "token", "future", "token", "done"])
        #expect(events[2].data == #"{"type":"token","chunk":"Größe 🤖 "}"#)
        #expect(events[4].data == "{\"type\":\"token\",\n\"chunk\":\"[1].\"}")
    }

    @Test func splittingAtEveryBytePositionGivesIdenticalEvents() {
        let bytes = Array(Self.recorded.utf8)
        let whole = Self.parseAll([bytes[...]])
        for split in 0...bytes.count {
            #expect(Self.parseAll([bytes[..<split], bytes[split...]]) == whole, "split at byte \(split)")
        }
        #expect(Self.parseAll(bytes.map { [$0][...] }) == whole, "one byte at a time")
    }

    @Test(arguments: ["\n", "\r", "\r\n"])
    func acceptsEveryLineEnding(_ lineEnd: String) {
        let text = Self.recorded.replacingOccurrences(of: "\n", with: lineEnd)
        let bytes = Array(text.utf8)
        let expected = Self.parseAll([Array(Self.recorded.utf8)[...]])
        #expect(Self.parseAll([bytes[...]]) == expected)
        for split in 0...bytes.count {
            #expect(Self.parseAll([bytes[..<split], bytes[split...]]) == expected, "split at byte \(split)")
        }
    }

    @Test func crlfSplitAcrossChunksIsOneLineEnd() {
        // Given a CR ending one chunk and its LF starting the next
        var parser = SSEParser()
        // When
        var events = parser.feed(Array("data: a\r".utf8))
        events += parser.feed(Array("\n\r".utf8))
        events += parser.feed(Array("\ndata: b\r\n\r\n".utf8))
        // Then the LF is not a second (blank) line: "a" and "b" are separate events, nothing in between
        #expect(events == [SSEEvent(name: "message", data: "a"), SSEEvent(name: "message", data: "b")])
    }

    @Test func mixedLineEndingsInOneStream() {
        var parser = SSEParser()
        let events = parser.feed(Array("event: token\rdata: x\n\r\ndata: y\r\n\n".utf8))
        #expect(events == [SSEEvent(name: "token", data: "x"), SSEEvent(name: "message", data: "y")])
    }

    @Test func commentsAreIgnoredAnywhere() {
        var parser = SSEParser()
        let events = parser.feed(Array(": hello\nevent: token\n: inside\ndata: x\n:\n\n: keep-alive\n\n".utf8))
        #expect(events == [SSEEvent(name: "token", data: "x")])
    }

    @Test func multipleDataLinesJoinWithLF() {
        var parser = SSEParser()
        let events = parser.feed(Array("data: one\ndata:two\ndata\ndata:  four\n\n".utf8))
        // One optional space after the colon is stripped, not two; a field without a colon has an empty value.
        #expect(events == [SSEEvent(name: "message", data: "one\ntwo\n\n four")])
    }

    @Test func otherFieldsAreIgnored() {
        var parser = SSEParser()
        let events = parser.feed(Array("id: 7\nretry: 100\nevent: status\nfoo: bar\ndata: x\n\n".utf8))
        #expect(events == [SSEEvent(name: "status", data: "x")])
    }

    @Test func eventWithoutDataIsNotDispatched() {
        var parser = SSEParser()
        let events = parser.feed(Array("event: lonely\n\ndata: x\n\n".utf8))
        // The name of a data-less event does not leak into the next one.
        #expect(events == [SSEEvent(name: "message", data: "x")])
    }

    @Test func unfinishedEventIsHeldBack() {
        var parser = SSEParser()
        #expect(parser.feed(Array("event: token\ndata: x\n".utf8)).isEmpty)
        #expect(parser.feed(Array("\n".utf8)) == [SSEEvent(name: "token", data: "x")])
    }

    @Test func utf8CharacterSplitAcrossChunksDecodesWhole() {
        let bytes = Array("data: Größe 🤖 ok\n\n".utf8)
        for split in 0...bytes.count {
            #expect(
                Self.parseAll([bytes[..<split], bytes[split...]]) == [SSEEvent(name: "message", data: "Größe 🤖 ok")],
                "split at byte \(split)"
            )
        }
    }

    @Test func leadingByteOrderMarkIsSkipped() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)
        for split in 0...bytes.count {
            #expect(Self.parseAll([bytes[..<split], bytes[split...]]) == [SSEEvent(name: "message", data: "x")])
        }
    }

    // MARK: - Decoding into StreamEvent

    @Test func decodesEventsAndSkipsUnknownTypes() throws {
        let decoder = StreamEventDecoder(server: "127.0.0.1:8000")
        let events = try Self.parseAll([Array(Self.recorded.utf8)[...]]).compactMap { try decoder.decode($0) }
        #expect(events.map(\.type) == ["meta", "sources", "token", "token", "done"])
        #expect(events[2] == .token("Größe 🤖 "))
        #expect(events[3] == .token("[1]."))
        guard case .done(let done) = events[4] else {
            Issue.record("last event is not done")
            return
        }
        #expect(done.answer == "Größe 🤖 [1].")
        #expect(done.finishReason == .stop)
    }

    @Test func nonJSONDataIsATransportError() {
        let decoder = StreamEventDecoder(server: "127.0.0.1:8000")
        #expect(
            throws: BackendError.transport(
                "127.0.0.1:8000 sent a stream event that is not a JSON object (event 'message'). "
                    + "Is the address a chatshell server?"
            )
        ) {
            try decoder.decode(SSEEvent(name: "message", data: "[DONE]"))
        }
    }

    @Test func malformedKnownEventNamesTheField() {
        let decoder = StreamEventDecoder(server: "127.0.0.1:8000")
        #expect(
            throws: BackendError.transport(
                "127.0.0.1:8000 sent a malformed 'token' event (missing field chunk). "
                    + "The server may speak a different API version."
            )
        ) {
            try decoder.decode(SSEEvent(name: "token", data: #"{"type":"token"}"#))
        }
    }
}
