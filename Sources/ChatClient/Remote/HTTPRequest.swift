import Foundation

/// One HTTP header line.
struct HTTPHeader: Sendable, Hashable {
    var name: String
    var value: String

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What a request sends after its head.
enum RequestBody: Sendable, Equatable {
    /// No body (GET, DELETE).
    case none
    /// A small body held in memory (JSON, a login form); libcurl copies it.
    case bytes(Data)
    /// A `multipart/form-data` upload streamed from memory and a file, never loaded whole.
    case multipart(MultipartBody)

    /// The number of bytes the body will send.
    var length: Int64 {
        switch self {
        case .none: 0
        case .bytes(let data): Int64(data.count)
        case .multipart(let body): body.length
        }
    }
}

/// One HTTP request as the remote backend sends it: what libcurl needs, nothing libcurl-specific, so request
/// building can be tested without a network.
struct HTTPRequest: Sendable, Equatable {
    var method: String
    var url: String
    var headers: [HTTPHeader]
    var body: RequestBody
    /// Whether the response is a long-lived stream (SSE): only an idle timeout applies, never a total one.
    var streaming: Bool

    init(method: String, url: String, headers: [HTTPHeader] = [], body: RequestBody = .none, streaming: Bool = false) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.streaming = streaming
    }

    /// The first value of a header, compared case-insensitively as HTTP does.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// The status line and headers of a response, delivered before its body.
struct HTTPResponseHead: Sendable, Equatable {
    var status: Int
    /// The reason phrase of an HTTP/1 status line; empty for HTTP/2.
    var reason: String
    var headers: [HTTPHeader]

    /// The first value of a header, compared case-insensitively as HTTP does.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Whether the status is 2xx.
    var isSuccess: Bool { (200..<300).contains(status) }

    /// `Content-Type` without parameters, lower-cased (`application/json`).
    var mediaType: String? {
        header("Content-Type")?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
    }

    /// The status as people read it: `502 Bad Gateway`, or `502` when the server sent no reason phrase.
    var statusText: String { reason.isEmpty ? "\(status)" : "\(status) \(reason)" }
}

/// A complete response: head and body.
struct HTTPResponse: Sendable, Equatable {
    var head: HTTPResponseHead
    var body: Data
}

// MARK: - Form encoding

/// `application/x-www-form-urlencoded` as browsers write it (WHATWG URL standard): space becomes `+`, only
/// ASCII letters, digits and `*-._` stay literal, everything else is percent-encoded UTF-8.
enum FormURLEncoding {
    static func encode(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                out.append(percentByte(byte))
            }
        }
        return out
    }

    static func percentByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}

// MARK: - URL building

enum URLPath {
    /// Percent-encodes one path segment: ids come from user input, so `/`, `?` and `#` must not change the route.
    static func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.append(FormURLEncoding.percentByte(byte))
            }
        }
        return out
    }

    /// A query string (`?limit=50&offset=0`), or nothing when there are no items; `nil` values are left out.
    static func query(_ items: [(name: String, value: String?)]) -> String {
        let present = items.compactMap { item in item.value.map { (name: item.name, value: $0) } }
        guard !present.isEmpty else { return "" }
        return "?" + present.map { "\(segment($0.name))=\(segment($0.value))" }.joined(separator: "&")
    }
}
