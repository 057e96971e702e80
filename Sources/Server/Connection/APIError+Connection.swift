import ChatAPI
import NIOHTTP1

extension APIError {
    /// 400 for bytes the HTTP parser rejected, saying which part of the request was wrong.
    ///
    /// The connection cannot carry another request after a parser error, so the answer also closes it.
    static func malformedRequest(_ error: HTTPParserError, inBody: Bool) -> APIError {
        let what: String
        switch error {
        case .invalidChunkSize:
            what = "the chunked transfer encoding is broken (a chunk size is not hexadecimal)"
        case .invalidEOFState where inBody:
            what = "the chunked transfer encoding is broken (the body ends inside a chunk)"
        case .headerOverflow:
            what = "the request head is over the server's header size limit"
        case .invalidContentLength, .unexpectedContentLength:
            what = "Content-Length is not a single non-negative number or conflicts with Transfer-Encoding"
        case .invalidMethod, .invalidURL, .invalidVersion:
            what = "the request line is not 'METHOD /path HTTP/1.1'"
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected, .invalidConstant:
            what = "a header line has characters HTTP does not allow"
        default:
            what = inBody ? "the body does not follow its framing" : "the request line or headers cannot be parsed"
        }
        return APIError(
            status: 400,
            code: .invalidRequest,
            message: "Malformed HTTP request: \(what). Fix the client or send the request again.",
            details: ["parser_error": .string(String(describing: error))],
            headers: [("Connection", "close")]
        )
    }

    /// 408 for a body that arrived too slowly (`ConnectionGuard`'s rate rule).
    static func requestTimeout(_ timeout: RequestBodyTimeout) -> APIError {
        APIError(
            status: 408,
            code: .requestTimeout,
            message:
                "The request body arrived too slowly: \(timeout.receivedBytes) bytes in \(timeout.elapsedSeconds) s; "
                + "after the first \(timeout.graceSeconds) s at least \(timeout.minimumBytesPerSecond) bytes/s are "
                + "needed. Send it again over a faster connection.",
            details: [
                "received_bytes": .number(Double(timeout.receivedBytes)),
                "min_bytes_per_second": .number(Double(timeout.minimumBytesPerSecond)),
            ],
            headers: [("Connection", "close")]
        )
    }
}
