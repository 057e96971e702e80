/// A machine-readable error code of the HTTP API (http-api.md section 2) or of the bridge (bridge.md 4.6).
///
/// Open-ended on purpose: a client meeting a code it does not know keeps it and branches on the HTTP status.
public struct ErrorCode: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    // Coded as a bare JSON string by the standard library's `RawRepresentable` defaults.
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // MARK: - 400, 401, 403
    public static let invalidRequest = ErrorCode("invalid_request")
    /// 408: a request body too slow to finish (http-api.md section 10); the connection is closed after it.
    public static let requestTimeout = ErrorCode("request_timeout")
    public static let authRequired = ErrorCode("auth_required")
    public static let invalidCredentials = ErrorCode("invalid_credentials")
    public static let invalidToken = ErrorCode("invalid_token")
    public static let tokenExpired = ErrorCode("token_expired")
    public static let refreshTokenInvalid = ErrorCode("refresh_token_invalid")
    public static let refreshTokenReused = ErrorCode("refresh_token_reused")
    public static let forbidden = ErrorCode("forbidden")
    // MARK: - 404, 405, 409
    public static let notFound = ErrorCode("not_found")
    public static let documentNotFound = ErrorCode("document_not_found")
    public static let chunkNotFound = ErrorCode("chunk_not_found")
    public static let conversationNotFound = ErrorCode("conversation_not_found")
    public static let memoryNotFound = ErrorCode("memory_not_found")
    public static let userNotFound = ErrorCode("user_not_found")
    public static let methodNotAllowed = ErrorCode("method_not_allowed")
    public static let emailTaken = ErrorCode("email_taken")
    public static let documentNotReady = ErrorCode("document_not_ready")
    public static let lastAdmin = ErrorCode("last_admin")
    // MARK: - 413, 415, 422
    public static let payloadTooLarge = ErrorCode("payload_too_large")
    public static let fileTooLarge = ErrorCode("file_too_large")
    public static let unsupportedContentType = ErrorCode("unsupported_content_type")
    public static let unsupportedFileType = ErrorCode("unsupported_file_type")
    public static let validationError = ErrorCode("validation_error")
    public static let emptyFile = ErrorCode("empty_file")
    public static let invalidFile = ErrorCode("invalid_file")
    // MARK: - 429, 5xx
    public static let rateLimited = ErrorCode("rate_limited")
    public static let internalError = ErrorCode("internal_error")
    public static let llmUnavailable = ErrorCode("llm_unavailable")
    public static let serviceUnavailable = ErrorCode("service_unavailable")
    public static let timeout = ErrorCode("timeout")
    // MARK: - Client and bridge side
    public static let unknownCommand = ErrorCode("unknown_command")
    public static let badRequest = ErrorCode("bad_request")
    public static let forbiddenCommand = ErrorCode("forbidden_command")
    public static let backendUnavailable = ErrorCode("backend_unavailable")
    public static let cancelled = ErrorCode("cancelled")
    public static let interrupted = ErrorCode("interrupted")
    public static let parseError = ErrorCode("parse_error")
    public static let tooLarge = ErrorCode("too_large")
    public static let unknownOp = ErrorCode("unknown_op")
    public static let duplicateId = ErrorCode("duplicate_id")

    /// Whether a request that failed with this code may succeed when retried (http-api.md 6, bridge.md 4.6).
    public var isRetryable: Bool {
        [.llmUnavailable, .serviceUnavailable, .timeout, .rateLimited, .backendUnavailable, .interrupted]
            .contains(self)
    }
}

extension ErrorCode {
    /// The HTTP status that goes with the code (http-api.md section 2).
    ///
    /// The server answers with it, the JSON twin of a stream (`POST /query`, `ask --json`) carries it for a stream's `error`, and a client branches on it for
    /// a code it does not know. A client-side usage mistake is 400; a client-side failure or unknown code is 500.
    public var httpStatus: Int {
        switch self {
        case .invalidRequest, .unknownCommand, .badRequest, .forbiddenCommand: 400
        case .authRequired, .invalidCredentials, .invalidToken, .tokenExpired, .refreshTokenInvalid,
            .refreshTokenReused:
            401
        case .forbidden: 403
        case .notFound, .documentNotFound, .chunkNotFound, .conversationNotFound, .memoryNotFound, .userNotFound: 404
        case .methodNotAllowed: 405
        case .requestTimeout: 408
        case .emailTaken, .documentNotReady, .lastAdmin: 409
        case .payloadTooLarge, .fileTooLarge: 413
        case .unsupportedContentType, .unsupportedFileType: 415
        case .validationError, .emptyFile, .invalidFile: 422
        case .rateLimited: 429
        case .llmUnavailable, .serviceUnavailable: 503
        case .timeout: 504
        default: 500
        }
    }
}
