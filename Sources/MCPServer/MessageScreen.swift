import ChatAPI
import Foundation

/// Checks each incoming line before the SDK sees it, so the answers to broken input follow JSON-RPC 2.0.
///
/// The SDK answers a line it cannot decode with a random id; JSON-RPC requires `"id": null` for a parse error and
/// `-32600` for JSON that is no request. Lines that pass go to the SDK unchanged.
enum MessageScreen {
    /// What to do with one line.
    enum Verdict: Equatable {
        /// A message for the SDK.
        case forward(Data)
        /// Nothing to do (a blank line).
        case skip
        /// Answer at once with this JSON-RPC error response.
        case reject(Data)
    }

    /// JSON-RPC 2.0's error codes for input that never reaches a method.
    static let parseErrorCode = -32700
    static let invalidRequestCode = -32600

    /// Classifies one line (without its LF).
    ///
    /// - Parameters:
    ///   - line: the bytes of the line; a trailing CR is ignored.
    ///   - maxBytes: the longest line taken; longer ones are rejected as invalid requests.
    /// - Returns: the verdict.
    static func screen(_ line: Data, maxBytes: Int) -> Verdict {
        var line = line
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .skip }
        if line.count > maxBytes {
            return .reject(
                response(
                    id: nil,
                    code: invalidRequestCode,
                    message: "Invalid Request: the message is longer than the limit of \(maxBytes) bytes."
                )
            )
        }
        guard String(data: line, encoding: .utf8) != nil else {
            return .reject(response(id: nil, code: parseErrorCode, message: "Parse error: the line is not UTF-8."))
        }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: line) else {
            return .reject(
                response(id: nil, code: parseErrorCode, message: "Parse error: the line is not valid JSON.")
            )
        }
        if case .array(let batch) = json {
            // Batches (protocol 2025-03-26) are the SDK's to answer item by item; an empty one is invalid.
            return batch.isEmpty
                ? .reject(response(id: nil, code: invalidRequestCode, message: "Invalid Request: empty batch."))
                : .forward(line)
        }
        guard let object = json.objectValue else {
            return .reject(
                response(id: nil, code: invalidRequestCode, message: "Invalid Request: a message is a JSON object.")
            )
        }
        let id = readableId(object["id"])
        guard object["jsonrpc"]?.stringValue == "2.0" else {
            return .reject(
                response(id: id, code: invalidRequestCode, message: #"Invalid Request: "jsonrpc" must be "2.0"."#)
            )
        }
        if let method = object["method"] {
            guard method.stringValue != nil else {
                return .reject(
                    response(id: id, code: invalidRequestCode, message: #"Invalid Request: "method" must be a string."#)
                )
            }
            if object["id"] != nil, id == nil {
                return .reject(
                    response(
                        id: nil,
                        code: invalidRequestCode,
                        message: #"Invalid Request: "id" must be a string or an integer."#
                    )
                )
            }
            if let params = object["params"], params.objectValue == nil {
                return .reject(
                    response(
                        id: id,
                        code: invalidRequestCode,
                        message: #"Invalid Request: "params" must be an object."#
                    )
                )
            }
            return .forward(line)
        }
        if object["result"] != nil || object["error"] != nil, id != nil {
            return .forward(line)
        }
        return .reject(
            response(id: id, code: invalidRequestCode, message: #"Invalid Request: no "method", "result" or "error"."#)
        )
    }

    /// A request id as JSON text when it is one JSON-RPC allows here (a string or an integer), else nil.
    static func readableId(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): jsonString(text)
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: String(Int64(number))
        default: nil
        }
    }

    /// A JSON-RPC error response; `id` is JSON text, nil for `null`.
    static func response(id: String?, code: Int, message: String) -> Data {
        Data(
            #"{"jsonrpc":"2.0","id":\#(id ?? "null"),"error":{"code":\#(code),"message":\#(jsonString(message))}}"#.utf8
        )
    }

    private static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let data = try? encoder.encode(text) else { return #""""# }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Request bookkeeping

    /// The ids (as JSON text) of the requests in a forwarded message: the ones that await a response.
    static func requestIds(in message: Data) -> [String] {
        items(of: message).compactMap { object in
            object["method"] != nil ? readableId(object["id"]) : nil
        }
    }

    /// The ids of the responses in an outgoing message.
    static func responseIds(in message: Data) -> [String] {
        items(of: message).compactMap { object in
            object["method"] == nil ? readableId(object["id"]) : nil
        }
    }

    /// The request a `notifications/cancelled` message withdraws: the SDK then sends no response for it.
    static func cancelledIds(in message: Data) -> [String] {
        items(of: message).compactMap { object in
            guard object["method"]?.stringValue == "notifications/cancelled" else { return nil }
            return readableId(object["params"]?.objectValue?["requestId"])
        }
    }

    private static func items(of message: Data) -> [[String: JSONValue]] {
        switch try? JSONDecoder().decode(JSONValue.self, from: message) {
        case .object(let object): [object]
        case .array(let items): items.compactMap(\.objectValue)
        default: []
        }
    }
}
