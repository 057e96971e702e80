/// The JSON body of every non-2xx response (http-api.md section 2).
public struct ErrorBody: Codable, Sendable, Equatable {
    /// The inner `error` object.
    public struct Detail: Codable, Sendable, Equatable {
        public var code: ErrorCode
        public var message: String
        public var status: Int
        @Nullable public var requestId: String?
        public var details: [String: JSONValue]

        public init(
            code: ErrorCode,
            message: String,
            status: Int,
            requestId: String? = nil,
            details: [String: JSONValue] = [:]
        ) {
            self.code = code
            self.message = message
            self.status = status
            self.requestId = requestId
            self.details = details
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decode(ErrorCode.self, forKey: .code)
            message = try container.decodeIfPresent(String.self, forKey: .message) ?? code.rawValue
            status = try container.decodeIfPresent(Int.self, forKey: .status) ?? 500
            _requestId = try container.decode(Nullable<String>.self, forKey: .requestId)
            details = try container.decodeIfPresent([String: JSONValue].self, forKey: .details) ?? [:]
        }
    }

    public var detail: String
    public var error: Detail

    public init(_ error: Detail) {
        self.detail = error.message
        self.error = error
    }
}
