import ChatAPI
import Engine
import HTTPTypes

/// An error answer of the HTTP API: status, code, message, details and extra headers (http-api.md section 2).
///
/// Engine errors convert one to one; the server adds its own for routing, bodies and rate limits.
struct APIError: Error, Sendable {
    var status: Int
    var code: ErrorCode
    var message: String
    var details: [String: JSONValue] = [:]
    /// Headers such as `Allow` or `Retry-After`.
    var headers: [(name: String, value: String)] = []

    init(
        status: Int,
        code: ErrorCode,
        message: String,
        details: [String: JSONValue] = [:],
        headers: [(name: String, value: String)] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    init(_ error: EngineError) {
        self.init(status: error.status, code: error.code, message: error.message, details: error.details)
    }

    /// A stream's terminal error as the JSON twin answers it, with the code's status.
    init(_ error: StreamErrorEvent) {
        self.init(status: error.code.httpStatus, code: error.code, message: error.message)
    }

    /// The body, with the request id filled in.
    func body(requestId: String) -> ErrorBody {
        ErrorBody(.init(code: code, message: message, status: status, requestId: requestId, details: details))
    }

    // MARK: - Common errors

    static func invalidRequest(_ message: String) -> APIError {
        APIError(status: 400, code: .invalidRequest, message: message)
    }

    static func validation(_ field: String, _ message: String) -> APIError {
        APIError(EngineError.validation([.init(field: field, message: message)]))
    }

    static func unsupportedContentType(expected: String) -> APIError {
        APIError(
            status: 415,
            code: .unsupportedContentType,
            message: "Unsupported Content-Type; send \(expected).",
            details: ["expected": .string(expected)]
        )
    }

    static func payloadTooLarge(max: Int) -> APIError {
        APIError(
            status: 413,
            code: .payloadTooLarge,
            message: "The request body is over the \(max)-byte limit.",
            details: ["max_bytes": .number(Double(max))]
        )
    }

    static func fileTooLarge(max: Int) -> APIError {
        APIError(
            status: 413,
            code: .fileTooLarge,
            message: "The file is over the \(max)-byte upload limit. Split the document into smaller files.",
            details: ["max_bytes": .number(Double(max))]
        )
    }

    static func notFound(path: String) -> APIError {
        APIError(status: 404, code: .notFound, message: "No such endpoint: \(path)", details: ["path": .string(path)])
    }

    static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        APIError(
            status: 405,
            code: .methodNotAllowed,
            message: "Method \(method) is not allowed here; use \(allowed.joined(separator: ", ")).",
            details: ["allowed": .array(allowed.map(JSONValue.string))],
            headers: [("Allow", allowed.joined(separator: ", "))]
        )
    }

    static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(
            status: 429,
            code: .rateLimited,
            message: "Too many requests; try again in \(seconds) s.",
            details: ["retry_after_s": .number(Double(seconds))],
            headers: [("Retry-After", String(seconds))]
        )
    }

    /// An address's anonymous callers sent their hour's uploads.
    static func anonymousUploadsExhausted(limit: Int, retryAfter seconds: Int) -> APIError {
        APIError(
            status: 429,
            code: .rateLimited,
            message: "Anonymous uploads from this address are limited to \(limit) an hour. Log in or register to "
                + "upload more, or try again in \(seconds) s.",
            details: ["retry_after_s": .number(Double(seconds)), "limit": .number(Double(limit))],
            headers: [("Retry-After", String(seconds))]
        )
    }

    static func internalError() -> APIError {
        APIError(
            status: 500,
            code: .internalError,
            message: "Internal error. The server log has details under this request id."
        )
    }

    /// A generic answer for a status Hummingbird produced itself.
    static func status(_ status: HTTPResponse.Status) -> APIError {
        switch status.code {
        case 404: notFound(path: "")
        case 413: APIError(status: 413, code: .payloadTooLarge, message: "The request body is too large.")
        case 400..<500: invalidRequest(status.reasonPhrase.isEmpty ? "Bad request." : "\(status.reasonPhrase).")
        default: internalError()
        }
    }
}
