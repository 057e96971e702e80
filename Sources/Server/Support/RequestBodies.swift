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
