import Foundation
import HTTPTypes
import Hummingbird

/// The login form: `application/x-www-form-urlencoded` or `multipart/form-data`; JSON gets 415.
enum LoginForm {
    static func read(_ request: inout Request, limit: Int) async throws -> [String: String] {
        let mediaType = RequestBodies.mediaType(request)
        let expected = "application/x-www-form-urlencoded or multipart/form-data"
        switch mediaType {
        case "application/x-www-form-urlencoded":
            let data = try await RequestBodies.collect(&request, limit: limit)
            guard let text = String(data: data, encoding: .utf8) else {
                throw APIError.invalidRequest("The login form is not UTF-8.")
            }
            var fields: [String: String] = [:]
            for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = QueryParameters.decode(parts[0]),
                    let value = QueryParameters.decode(parts.count > 1 ? parts[1] : "")
                else { throw APIError.invalidRequest("The login form is not valid percent-encoding.") }
                if fields[name] == nil { fields[name] = value }
            }
            return fields
        case "multipart/form-data":
            guard let contentType = request.headers[.contentType],
                let boundary = RequestBodies.parameter("boundary", of: contentType),
                var parser = MultipartFormParser(boundary: boundary)
            else { throw APIError.invalidRequest("The multipart body has no valid boundary.") }
            let data = try await RequestBodies.collect(&request, limit: limit)
            var fields: [String: String] = [:]
            var name: String?
            var value: [UInt8] = []
            do {
                for event in try parser.feed(data) {
                    switch event {
                    case .begin(let head):
                        name = head.name
                        value = []
                    case .data(let bytes): value += bytes
                    case .end:
                        if let name, fields[name] == nil { fields[name] = String(decoding: value, as: UTF8.self) }
                        name = nil
                    }
                }
            } catch {
                throw APIError.invalidRequest("The multipart body is malformed.")
            }
            guard parser.isFinished else { throw APIError.invalidRequest("The multipart body ends early.") }
            return fields
        default:
            throw APIError.unsupportedContentType(expected: expected)
        }
    }
}
