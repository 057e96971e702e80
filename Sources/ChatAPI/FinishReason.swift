/// Why an answer ended (http-api.md section 6); open-ended for forward compatibility.
public struct FinishReason: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    // Coded as a bare JSON string by the standard library's `RawRepresentable` defaults.
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let stop = FinishReason(rawValue: "stop")
    public static let length = FinishReason(rawValue: "length")
    public static let cancelled = FinishReason(rawValue: "cancelled")
    public static let noContext = FinishReason(rawValue: "no_context")
    /// Stored on assistant messages whose stream ended with an error.
    public static let error = FinishReason(rawValue: "error")
}
