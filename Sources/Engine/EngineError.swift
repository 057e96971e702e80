public import ChatAPI
public import Foundation

/// Why a bad upload is refused: the `details.reason` of `invalid_file` (http-api.md section 5).
public enum InvalidFileReason: String, Sendable, Equatable {
    case notText = "not_text"
    case notPDF = "not_pdf"
    case truncatedPDF = "truncated_pdf"
    case notDOCX = "not_docx"
}

/// Everything the engine refuses, with the API code, HTTP status and a message a person can act on.
public enum EngineError: LocalizedError, Equatable, Sendable {
    /// The file's extension is not one the engine reads.
    case unsupportedFileType(filename: String)
    /// The file holds no bytes, or only whitespace.
    case emptyFile(filename: String)
    /// The content does not match the extension.
    case invalidFile(filename: String, reason: InvalidFileReason)
    /// The file is over the upload limit.
    case fileTooLarge(filename: String, size: Int, max: Int)
    /// The file is small enough but would expand past an extraction limit (a decompression bomb, a PDF of too
    /// many pages, markup nested too deep).
    case contentTooLarge(filename: String, limit: ExtractionLimits.Exceeded)
    /// Field rules failed; each entry is (field, message).
    case validation([FieldProblem])
    /// A document id that does not exist or is not visible to the caller.
    case documentNotFound(String)
    /// A document that is still processing or failed.
    case documentNotReady(String)
    /// A chunk id that does not exist in a visible document.
    case chunkNotFound(String)
    /// A conversation id that does not exist or is not the caller's.
    case conversationNotFound(String)
    /// A memory id that does not exist or is not the caller's.
    case memoryNotFound(String)
    /// A user id or email that does not exist.
    case userNotFound(String)
    /// The caller lacks the role, or may see but not change the resource.
    case forbidden(String)
    /// An account is needed.
    case authRequired
    /// Login failed.
    case invalidCredentials
    /// The token is malformed, badly signed, revoked, or its account is gone.
    case invalidToken
    /// The access token has expired.
    case tokenExpired
    /// The refresh token is unknown, expired or revoked.
    case refreshTokenInvalid
    /// The refresh token was already rotated; its family is now revoked.
    case refreshTokenReused
    /// The email is registered already.
    case emailTaken
    /// No admin would remain.
    case lastAdmin
    /// The language model endpoint failed.
    case llmUnavailable(String)
    /// A time limit passed.
    case timeout(String)
    /// The store cannot be used.
    case serviceUnavailable(String)
    /// A defect.
    case internalError(String)

    /// One failed field rule of a `validation_error`.
    public struct FieldProblem: Equatable, Sendable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var errorDescription: String? { message }

    /// The message shown to people and sent as `error.message`.
    public var message: String {
        switch self {
        case .unsupportedFileType(let name):
            let ext = (name as NSString).pathExtension
            let what = ext.isEmpty ? "files without an extension" : "'.\(ext)' files"
            return "Cannot read '\(name)': \(what) are not supported. Upload .txt, .md, .html, .pdf or .docx."
        case .emptyFile(let name):
            return "Cannot read '\(name)': the file is empty. Check that it was saved completely."
        case .invalidFile(let name, .notText):
            return "Cannot read '\(name)': not a text file (binary content). Upload the original document instead."
        case .invalidFile(let name, .notPDF):
            return "Cannot read '\(name)': not a PDF (no %PDF- header). Export it to PDF again."
        case .invalidFile(let name, .truncatedPDF):
            return "Cannot read '\(name)': the PDF is damaged or cut short. Download or export it again."
        case .invalidFile(let name, .notDOCX):
            return "Cannot read '\(name)': not a Word document (no ZIP container). "
                + "Save it again as .docx or upload it as .txt."
        case .contentTooLarge(let name, let limit):
            return "Cannot read '\(name)': \(limit.explanation). Split the document into smaller files, "
                + "or save its text as .txt."
        case .fileTooLarge(let name, let size, let max):
            return "Cannot upload '\(name)': \(Self.mebibytes(size)) is over the \(Self.mebibytes(max)) limit. "
                + "Split the document into smaller files."
        case .validation(let problems):
            return problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        case .documentNotFound(let id): return "Document not found: \(id)"
        case .documentNotReady(let id): return "Document \(id) is not ready (still processing or failed)."
        case .chunkNotFound(let id): return "Passage not found: \(id)"
        case .conversationNotFound(let id): return "Conversation not found: \(id)"
        case .memoryNotFound(let id): return "Memory not found: \(id)"
        case .userNotFound(let id): return "User not found: \(id)"
        case .forbidden(let why): return why
        case .authRequired: return "This needs an account. Log in or register first."
        case .invalidCredentials: return "Invalid email or password."
        case .invalidToken: return "The access token is invalid. Log in again."
        case .tokenExpired: return "The access token has expired."
        case .refreshTokenInvalid: return "The refresh token is invalid or expired. Log in again."
        case .refreshTokenReused: return "Refresh token already used; log in again"
        case .emailTaken: return "An account with this email exists already."
        case .lastAdmin: return "At least one admin must remain."
        case .llmUnavailable(let why): return why
        case .timeout(let why): return why
        case .serviceUnavailable(let why): return why
        case .internalError(let why): return "Internal error: \(why)"
        }
    }

    /// The API error code.
    public var code: ErrorCode {
        switch self {
        case .unsupportedFileType: .unsupportedFileType
        case .emptyFile: .emptyFile
        case .invalidFile: .invalidFile
        case .fileTooLarge, .contentTooLarge: .fileTooLarge
        case .validation: .validationError
        case .documentNotFound: .documentNotFound
        case .documentNotReady: .documentNotReady
        case .chunkNotFound: .chunkNotFound
        case .conversationNotFound: .conversationNotFound
        case .memoryNotFound: .memoryNotFound
        case .userNotFound: .userNotFound
        case .forbidden: .forbidden
        case .authRequired: .authRequired
        case .invalidCredentials: .invalidCredentials
        case .invalidToken: .invalidToken
        case .tokenExpired: .tokenExpired
        case .refreshTokenInvalid: .refreshTokenInvalid
        case .refreshTokenReused: .refreshTokenReused
        case .emailTaken: .emailTaken
        case .lastAdmin: .lastAdmin
        case .llmUnavailable: .llmUnavailable
        case .timeout: .timeout
        case .serviceUnavailable: .serviceUnavailable
        case .internalError: .internalError
        }
    }

    /// The HTTP status the server answers with: the code's (http-api.md section 2).
    public var status: Int { code.httpStatus }

    /// The `error.details` object.
    public var details: [String: JSONValue] {
        switch self {
        case .invalidFile(let name, let reason): ["reason": .string(reason.rawValue), "filename": .string(name)]
        case .fileTooLarge(_, _, let max): ["max_bytes": .number(Double(max))]
        case .contentTooLarge(let name, let limit):
            [
                "filename": .string(name), "reason": .string(limit.details.reason),
                "limit": .number(Double(limit.details.limit)),
            ]
        case .validation(let problems):
            [
                "fields": .array(
                    problems.map { .object(["field": .string($0.field), "message": .string($0.message)]) }
                )
            ]
        case .documentNotFound(let id), .documentNotReady(let id): ["document_id": .string(id)]
        case .chunkNotFound(let id): ["chunk_id": .string(id)]
        case .conversationNotFound(let id): ["conversation_id": .string(id)]
        case .memoryNotFound(let id): ["memory_id": .string(id)]
        case .unsupportedFileType(let name), .emptyFile(let name): ["filename": .string(name)]
        default: [:]
        }
    }

    /// The whole error object of the contract.
    public func body(requestId: String? = nil) -> ErrorBody {
        ErrorBody(.init(code: code, message: message, status: status, requestId: requestId, details: details))
    }

    /// The `error` event that ends a stream on `error`: an engine error as it is, anything else as an internal
    /// error, so every stream (answers, comparisons, the server's) words a failure the same way.
    public static func streamEvent(for error: any Error, requestId: String?) -> StreamErrorEvent {
        let engineError = error as? EngineError ?? .internalError(String(describing: error))
        return StreamErrorEvent(code: engineError.code, message: engineError.message, requestId: requestId)
    }

    private static func mebibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return value >= 10 ? "\(Int(value.rounded())) MiB" : String(format: "%.1f MiB", value)
    }
}
