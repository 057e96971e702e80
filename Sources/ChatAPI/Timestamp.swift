public import Foundation

/// RFC 3339 UTC timestamps with milliseconds, as every API timestamp is written (http-api.md section 1): the
/// engine stores them and the server stamps its own answers with them.
public enum Timestamp {
    /// `2026-11-26T15:28:15.402Z` for a date, milliseconds rounded down.
    public static func string(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds / 1000
        let fraction = Int(milliseconds % 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour),
            Int(parts.tm_min),
            Int(parts.tm_sec),
            fraction
        )
    }
}
