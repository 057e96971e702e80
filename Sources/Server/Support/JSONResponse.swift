import ChatAPI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON responses in the contract's dialect (snake_case, every documented field).
enum JSONResponse {
    static let mediaType = "application/json; charset=utf-8"

    /// A JSON response; encoding wire values cannot fail in practice, but a failure still answers 500.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response
    {
        let data: Data
        do {
            data = try APIJSON.encode(value)
        } catch {
            return make(
                ErrorBody(.init(code: .internalError, message: "Cannot encode the answer.", status: 500)),
                status: .internalServerError
            )
        }
        var headers = headers
        headers[.contentType] = mediaType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The error response of an `APIError`.
    static func error(_ error: APIError, requestId: String) -> Response {
        var headers = HTTPFields()
        for header in error.headers {
            if let name = HTTPField.Name(header.name) { headers[name] = header.value }
        }
        return make(error.body(requestId: requestId), status: HTTPResponse.Status(code: error.status), headers: headers)
    }
}

extension HTTPField.Name {
    /// A header name known to be valid; `HTTPField.Name.init` is failable only for malformed names.
    private static func named(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("invalid header name \(name)") }
        return field
    }

    static let requestId = named("X-Request-Id")
    static let anonSessionId = named("X-Anon-Session-Id")
    static let contentTypeOptions = named("X-Content-Type-Options")
    static let accelBuffering = named("X-Accel-Buffering")
}
