public import ChatAPI
public import Foundation

/// Every failure a `Backend` reports: an API error (the same for both backends) or a transport failure.
public enum BackendError: LocalizedError, Equatable, Sendable {
    /// The backend refused the request: code, message and status as the HTTP API states them.
    case api(ErrorBody.Detail)
    /// The request never got an answer: connection, DNS, proxy, TLS or a broken stream; the message names the
    /// layer, the host and the fix.
    case transport(String)

    public var errorDescription: String? {
        switch self {
        case .api(let detail): detail.message
        case .transport(let message): message
        }
    }

    /// The API error code; transport failures are `backend_unavailable`.
    public var code: ErrorCode {
        switch self {
        case .api(let detail): detail.code
        case .transport: .backendUnavailable
        }
    }

    /// The error as an HTTP API body (client-side errors with `status` 400, transport ones 503).
    public var body: ErrorBody {
        switch self {
        case .api(let detail): ErrorBody(detail)
        case .transport(let message):
            ErrorBody(.init(code: .backendUnavailable, message: message, status: 503))
        }
    }
}
