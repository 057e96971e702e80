import ChatAPI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads request bodies within their limits and decodes JSON the contract's way (http-api.md sections 1 and 10).
enum RequestBodies {
    /// `Content-Type` without parameters, lower-cased.
    static func mediaType(_ request: Request) -> String? {
        guard let value = request.headers[.contentType] else { return nil }
        return value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// A parameter of a header value such as `boundary` of `multipart/form-data; boundary=x`, unquoted.
    static func parameter(_ name: String, of value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var parameter = pair[1].trimmingCharacters(in: .whitespaces)
            if parameter.count >= 2, parameter.hasPrefix("\""), parameter.hasSuffix("\"") {
                parameter = String(parameter.dropFirst().dropLast())
            }
            return parameter
        }
        return nil
    }

    /// The declared `Content-Length`, if any.
    static func contentLength(_ request: Request) -> Int? {
        request.headers[.contentLength].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Whether the request announces a body.
    static func hasBody(_ request: Request) -> Bool {
        if let length = contentLength(request) { return length > 0 }
        return request.headers[.transferEncoding] != nil
    }

    /// Collects the body up to `limit` bytes, refusing by `Content-Length` before reading and stopping as soon as
    /// the limit is passed otherwise.
    ///
    /// `collectBody` keeps the original stream attached, which the event-stream responder needs to notice a client
    /// leaving.
    static func collect(_ request: inout Request, limit: Int) async throws -> Data {
        if let length = contentLength(request), length > limit { throw APIError.payloadTooLarge(max: limit) }
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(max: limit)
        }
    }

    /// Decodes a JSON object body into `T`, whose fields should all be optional so that missing ones become field
    /// rules (422) rather than parse errors (400).
    ///
    /// - Returns: nil when there is no body and it is not `required`.
    /// - Throws: 415 for another content type, 413 over the limit, 400 for bad JSON or wrong types.
    static func json<T: Decodable>(
        _ type: T.Type,
        from request: inout Request,
        limit: Int,
        required: Bool = true
    ) async throws -> T? {
        let announced = hasBody(request)
        if announced, mediaType(request).map(isJSON) != true {
            throw APIError.unsupportedContentType(expected: "application/json")
        }
        let data = try await collect(&request, limit: limit)
        if data.isEmpty {
            if required { throw APIError.invalidRequest("A JSON body is required.") }
            return nil
        }
        if !announced, mediaType(request).map(isJSON) != true {
            throw APIError.unsupportedContentType(expected: "application/json")
        }
        return try decode(type, from: data)
    }

    static func isJSON(_ mediaType: String) -> Bool {
        mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try APIJSON.decode(type, from: data)
        } catch let DecodingError.typeMismatch(expected, context) {
            throw APIError.invalidRequest(describe(path: context.codingPath, expected: expected))
        } catch let DecodingError.valueNotFound(expected, context) {
            throw APIError.invalidRequest(describe(path: context.codingPath, expected: expected))
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIError.invalidRequest("Missing field '\(fieldPath(context.codingPath + [key]))'.")
        } catch {
            throw APIError.invalidRequest("The request body is not valid JSON.")
        }
    }

    private static func describe(path: [any CodingKey], expected: Any.Type) -> String {
        let what: String
        switch expected {
        case is String.Type: what = "a string"
        case is Int.Type: what = "an integer"
        case is Bool.Type: what = "true or false"
        case is [String].Type: what = "an array of strings"
        default: what = path.isEmpty ? "a JSON object" : "of another type"
        }
        if path.isEmpty { return "The request body must be \(what)." }
        return "Field '\(fieldPath(path))' must be \(what)."
    }

    /// `document_ids[2]` style paths, in the wire's snake_case.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += snakeCase(key.stringValue)
            }
        }
        return text
    }

    private static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// The query string as name-value pairs, percent-decoded (`+` is a space).
struct QueryParameters {
    private var values: [String: String] = [:]

    /// - Throws: 400 `invalid_request` for broken percent-encoding.
    init(_ request: Request) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError.invalidRequest("The query string is not valid percent-encoding.")
            }
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// An integer parameter within a range; 400 when not an integer, 422 when outside the range.
    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else {
            throw APIError.invalidRequest("Query parameter '\(name)' must be an integer.")
        }
        guard range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
            let message =
                upper.isEmpty ? "must be at least \(range.lowerBound)" : "must be between \(range.lowerBound)\(upper)"
            throw APIError.validation(name, message)
        }
        return value
    }

    /// A parameter with a fixed set of values; 422 for another.
    func oneOf(_ name: String, _ allowed: [String]) throws -> String? {
        guard let value = values[name] else { return nil }
        guard allowed.contains(value) else {
            throw APIError.validation(name, "must be one of \(allowed.joined(separator: ", "))")
        }
        return value
    }

    /// `limit` (1...200, default 50) and `offset` (default 0).
    func page() throws -> (limit: Int, offset: Int) {
        (try integer("limit", default: 50, in: 1...200), try integer("offset", default: 0, in: 0...Int.max))
    }

    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
