import Foundation
import Testing

@testable import ChatAPI

@Suite struct WireFormatTests {
    private func json<T: Encodable>(_ value: T) -> [String: Any] {
        let data = (try? APIJSON.encode(value)) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    @Test func everyDocumentedFieldIsEmittedEvenWhenEmpty() {
        let source = Source(
            n: 1,
            id: "mem_1",
            kind: .personalMemory,
            title: "Personal memory",
            snippet: "s",
            text: "t",
            score: 0
        )
        let object = json(source)
        for key in ["document_id", "chunk_id", "filename", "page", "char_start", "char_end", "heading"] {
            #expect(object.keys.contains(key), "\(key) missing")
            #expect(object[key] is NSNull, "\(key) should be null")
        }
        #expect(object["kind"] as? String == "personal_memory")
    }

    @Test func tokenEventsCarryChunkAndTypeEqualsTheEventName() throws {
        let events: [StreamEvent] = [
            .meta(MetaEvent(requestId: "req_1", conversationId: "cnv_1", messageId: "msg_2", model: "extractive")),
            .status(stage: "retrieving"),
            .sources([]),
            .token("Hello [1]"),
            .citation(CitationEvent(n: 1, sourceId: "chk_1", span: Span(start: 6, end: 9))),
            .error(StreamErrorEvent(code: .llmUnavailable, message: "down")),
        ]
        for event in events {
            let object = json(event)
            #expect(object["type"] as? String == event.type)
            #expect((object["chunk"] != nil) == (event.type == "token"))
            let decoded = try APIJSON.decode(StreamEvent.self, from: APIJSON.encode(event))
            #expect(decoded == event)
        }
        #expect(
            json(StreamEvent.error(StreamErrorEvent(code: .llmUnavailable, message: "x")))["retryable"] as? Bool == true
        )
    }

    @Test func unknownFieldsAreIgnored() throws {
        let data = Data(#"{"type":"token","chunk":"a","future_field":{"x":1}}"#.utf8)
        #expect(try APIJSON.decode(StreamEvent.self, from: data) == .token("a"))
    }

    @Test func errorBodyRepeatsTheMessageAsDetail() {
        let body = ErrorBody(
            .init(code: .documentNotFound, message: "Document not found", status: 404, requestId: "req_9")
        )
        let object = json(body)
        #expect(object["detail"] as? String == "Document not found")
        let error = object["error"] as? [String: Any]
        #expect(error?["code"] as? String == "document_not_found")
        #expect(error?["status"] as? Int == 404)
        #expect(error?["request_id"] as? String == "req_9")
        #expect(error?["details"] is [String: Any])
    }

    @Test func snippetsStayWithinThreeHundredScalars() {
        let long = String(repeating: "Größe 🤖 ", count: 100)
        let snippet = Source.snippet(of: long)
        #expect(snippet.unicodeScalars.count <= 300)
        #expect(snippet.hasSuffix("…"))
        #expect(Source.snippet(of: "short\n text") == "short text")
    }

    @Test func retryableCodesFollowTheContract() {
        #expect(ErrorCode.timeout.isRetryable)
        #expect(ErrorCode.serviceUnavailable.isRetryable)
        #expect(!ErrorCode.internalError.isRetryable)
        #expect(!ErrorCode.documentNotFound.isRetryable)
    }
}
