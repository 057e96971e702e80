import Hummingbird

/// The query string as name-value pairs, percent-decoded (`+` is a space).
struct QueryParameters {
    private var values: [String: String] = [:]

    /// - Throws: 400 `invalid_request` for broken percent-encoding.
    init(_ request: Request) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError.invalidRequest("The query string is not valid percent-encoding.")
            }
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// An integer parameter within a range; 400 when not an integer, 422 when outside the range.
    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else {
            throw APIError.invalidRequest("Query parameter '\(name)' must be an integer.")
        }
        guard range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
            let message =
                upper.isEmpty ? "must be at least \(range.lowerBound)" : "must be between \(range.lowerBound)\(upper)"
            throw APIError.validation(name, message)
        }
        return value
    }

    /// A parameter with a fixed set of values; 422 for another.
    func oneOf(_ name: String, _ allowed: [String]) throws -> String? {
        guard let value = values[name] else { return nil }
        guard allowed.contains(value) else {
            throw APIError.validation(name, "must be one of \(allowed.joined(separator: ", "))")
        }
        return value
    }

    /// `limit` (1...200, default 50) and `offset` (default 0).
    func page() throws -> (limit: Int, offset: Int) {
        (try integer("limit", default: 50, in: 1...200), try integer("offset", default: 0, in: 0...Int.max))
    }

    static func decode(_ text: Substring) -> String? {
        PercentDecoding.bytes(text, plusIsSpace: true).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
