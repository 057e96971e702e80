import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a part's headers say about it.
struct MultipartPartHead: Sendable, Equatable {
    /// The `name` of `Content-Disposition: form-data`.
    var name: String?
    /// The filename: RFC 5987 `filename*` when present and decodable, else `filename`, byte for byte.
    var filename: String?
}

/// An incremental `multipart/form-data` parser (RFC 7578): bytes go in as they arrive, part boundaries and part
/// bytes come out, so an upload is checked against its limit while it streams and never needs to be held twice.
///
/// Only the delimiter's length in bytes is ever held back between calls, so memory stays bounded by what the
/// caller keeps of the parts.
struct MultipartFormParser {
    /// Something the body revealed.
    enum Event: Equatable {
        /// A part starts.
        case begin(MultipartPartHead)
        /// More bytes of the current part.
        case data([UInt8])
        /// The current part ended.
        case end
    }

    /// Why a body is not `multipart/form-data`.
    struct Malformed: Error, Equatable {
        var reason: String
    }

    private enum State {
        case preamble
        case afterBoundary
        case headers
        case body
        case done
    }

    /// The longest header block of one part.
    static let maxHeaderBytes = 16 * 1024

    private let dashBoundary: [UInt8]
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = []
    private var state = State.preamble

    /// - Parameter boundary: the `boundary` parameter; nil when it is empty or longer than RFC 2046's 70 characters.
    init?(boundary: String) {
        guard (1...70).contains(boundary.utf8.count) else { return nil }
        dashBoundary = Array("--\(boundary)".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Whether the closing delimiter has been read.
    var isFinished: Bool { state == .done }

    /// Feeds more body bytes.
    ///
    /// - Returns: the events those bytes complete, in order.
    /// - Throws: `Malformed` when the bytes cannot be multipart.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [Event] {
        if state == .done { return [] }
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch state {
            case .preamble:
                guard let start = Self.find(dashBoundary, in: buffer) else {
                    // A preamble is allowed but ignored; only a possible partial boundary is kept.
                    let keep = dashBoundary.count - 1
                    if buffer.count > keep { buffer.removeFirst(buffer.count - keep) }
                    return events
                }
                buffer.removeFirst(start + dashBoundary.count)
                state = .afterBoundary
            case .afterBoundary:
                guard buffer.count >= 2 else { return events }
                if buffer[0] == UInt8(ascii: "-") && buffer[1] == UInt8(ascii: "-") {
                    state = .done
                    buffer.removeAll()
                    return events
                }
                guard let lineEnd = Self.find(Self.crlf, in: buffer) else {
                    if buffer.count > 256 { throw Malformed(reason: "no line break after a boundary") }
                    return events
                }
                // Transport padding (RFC 2046) may sit between a boundary and its line break.
                guard buffer[..<lineEnd].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
                    throw Malformed(reason: "text after a boundary")
                }
                buffer.removeFirst(lineEnd + 2)
                state = .headers
            case .headers:
                if buffer.count >= 2 && buffer[0] == 0x0D && buffer[1] == 0x0A {
                    buffer.removeFirst(2)
                    events.append(.begin(MultipartPartHead()))
                    state = .body
                    continue
                }
                guard let end = Self.find(Self.headerEnd, in: buffer) else {
                    if buffer.count > Self.maxHeaderBytes { throw Malformed(reason: "part headers too long") }
                    return events
                }
                let head = Self.parseHead(Array(buffer[..<end]))
                buffer.removeFirst(end + 4)
                events.append(.begin(head))
                state = .body
            case .body:
                if let end = Self.find(delimiter, in: buffer) {
                    if end > 0 { events.append(.data(Array(buffer[..<end]))) }
                    events.append(.end)
                    buffer.removeFirst(end + delimiter.count)
                    state = .afterBoundary
                    continue
                }
                // Everything but a possible delimiter prefix at the end is part data.
                let safe = buffer.count - (delimiter.count - 1)
                if safe > 0 {
                    events.append(.data(Array(buffer[..<safe])))
                    buffer.removeFirst(safe)
                }
                return events
            case .done:
                return events
            }
        }
    }

    // MARK: - Searching

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let headerEnd: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// The first offset of `needle` in `haystack`: `memchr` finds candidates for the first byte, `memcmp` checks.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pattern -> Int? in
                guard let hayBase = hay.baseAddress, let patternBase = pattern.baseAddress else { return nil }
                let last = hay.count - pattern.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(hayBase + offset, Int32(pattern[0]), last - offset + 1) else { return nil }
                    let position = hayBase.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hayBase + position, patternBase, pattern.count) == 0 { return position }
                    offset = position + 1
                }
                return nil
            }
        }
    }

    // MARK: - Headers

    /// Reads `Content-Disposition` from a part's header block; other headers do not matter here.
    static func parseHead(_ bytes: [UInt8]) -> MultipartPartHead {
        // Browsers send raw UTF-8 in header values; anything else is read as Latin-1 rather than refused.
        let text = String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
        var head = MultipartPartHead()
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard name == "content-disposition" else { continue }
            let parameters = dispositionParameters(String(line[line.index(after: colon)...]))
            head.name = parameters["name"]
            if let extended = parameters["filename*"].flatMap(decodeExtendedValue) {
                head.filename = extended
            } else {
                head.filename = parameters["filename"]
            }
        }
        return head
    }

    /// The parameters of a disposition value: quoted strings may hold `;` and backslash escapes.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var parameters: [String: String] = [:]
        var scalars = Array(value.unicodeScalars)[...]
        // Skip the disposition type.
        while let first = scalars.first, first != ";" { scalars.removeFirst() }
        while !scalars.isEmpty {
            scalars.removeFirst()  // ";"
            while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
            var name = ""
            while let first = scalars.first, first != "=", first != ";" {
                name.unicodeScalars.append(first)
                scalars.removeFirst()
            }
            guard scalars.first == "=" else { continue }
            scalars.removeFirst()
            var parameterValue = ""
            if scalars.first == "\"" {
                scalars.removeFirst()
                while let first = scalars.first {
                    scalars.removeFirst()
                    if first == "\"" { break }
                    if first == "\\", let escaped = scalars.first {
                        scalars.removeFirst()
                        parameterValue.unicodeScalars.append(escaped)
                    } else {
                        parameterValue.unicodeScalars.append(first)
                    }
                }
                while let first = scalars.first, first != ";" { scalars.removeFirst() }
            } else {
                while let first = scalars.first, first != ";" {
                    parameterValue.unicodeScalars.append(first)
                    scalars.removeFirst()
                }
                parameterValue = parameterValue.trimmingCharacters(in: .whitespaces)
            }
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            if !key.isEmpty && parameters[key] == nil { parameters[key] = parameterValue }
        }
        return parameters
    }

    /// An RFC 5987 value (`UTF-8''na%C3%AFve.txt`); nil when it is not one or does not decode.
    static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        let charset = pieces[0].lowercased()
        guard let bytes = PercentDecoding.bytes(pieces[2], plusIsSpace: false) else { return nil }
        switch charset {
        case "utf-8": return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1": return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default: return nil
        }
    }
}
