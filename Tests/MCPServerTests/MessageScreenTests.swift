import Foundation
import Testing

@testable import MCPServer

/// The line screen in front of the SDK: JSON-RPC's answers to broken input, and the request bookkeeping that
/// lets end of input wait for every response.
@Suite struct MessageScreenTests {
    private func rejection(_ line: String, maxBytes: Int = 1_024) -> String? {
        guard case .reject(let data) = MessageScreen.screen(Data(line.utf8), maxBytes: maxBytes) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func requestsNotificationsAndResponsesPassUnchanged() {
        for line in [
            #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":"a","method":"ping","params":{}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":7,"result":{}}"#,
            #"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
        ] {
            #expect(MessageScreen.screen(Data(line.utf8), maxBytes: 1_024) == .forward(Data(line.utf8)))
        }
        // A CRLF line ending is tolerated; blank lines are skipped.
        #expect(
            MessageScreen.screen(Data(#"{"jsonrpc":"2.0","method":"x"}"#.utf8 + [13]), maxBytes: 1_024)
                == .forward(Data(#"{"jsonrpc":"2.0","method":"x"}"#.utf8))
        )
        #expect(MessageScreen.screen(Data("  \t".utf8), maxBytes: 1_024) == .skip)
    }

    @Test func brokenLinesGetJSONRPCErrorsWithTheReadableId() {
        #expect(
            rejection("{oops")
                == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: the line is not valid JSON."}}"#
        )
        #expect(
            MessageScreen.screen(Data([0x7B, 0xFF, 0x7D]), maxBytes: 1_024)
                == .reject(
                    Data(
                        #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: the line is not UTF-8."}}"#
                            .utf8
                    )
                )
        )
        #expect(rejection("42")?.contains(#""id":null,"error":{"code":-32600"#) == true)
        #expect(rejection("[]")?.contains(#""code":-32600,"message":"Invalid Request: empty batch."#) == true)
        #expect(rejection(#"{"id":3,"method":"ping"}"#)?.contains(#""id":3,"error":{"code":-32600"#) == true)
        #expect(rejection(#"{"jsonrpc":"2.0","id":"q","method":5}"#)?.contains(#""id":"q""#) == true)
        #expect(rejection(#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#)?.contains(#""id":null"#) == true)
        #expect(rejection(#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#)?.contains(#""id":null"#) == true)
        #expect(rejection(#"{"jsonrpc":"2.0","id":4,"method":"ping","params":[1]}"#)?.contains(#""id":4"#) == true)
        #expect(rejection(#"{"jsonrpc":"2.0","id":5}"#)?.contains(#""id":5,"error":{"code":-32600"#) == true)
        #expect(
            rejection(String(repeating: " ", count: 10) + #"{"jsonrpc":"2.0","method":"x"}"#, maxBytes: 16)
                == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: the message is longer than the limit of 16 bytes."}}"#
        )
    }

    @Test func bookkeepingFindsRequestResponseAndCancelledIds() {
        let batch = Data(
            #"[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":"b","method":"c"}]"#
                .utf8
        )
        #expect(MessageScreen.requestIds(in: batch) == ["1", #""b""#])
        #expect(MessageScreen.responseIds(in: Data(#"{"id":"b","jsonrpc":"2.0","result":{}}"#.utf8)) == [#""b""#])
        #expect(
            MessageScreen.cancelledIds(
                in: Data(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}}"#.utf8)
            ) == ["9"]
        )
    }
}
