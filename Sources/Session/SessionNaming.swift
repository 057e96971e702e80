public import Foundation

/// Names sessions `DATE-first-words` (repl.md section 2, "Sessions").
public enum SessionNaming {
    private static let skipped: Set<String> = [
        "what", "is", "the", "a", "an", "of", "in", "on", "for", "to", "how", "does", "do", "who", "which", "when",
        "where", "why", "are", "was", "and", "or", "my", "i", "can", "much", "many", "at", "by", "with", "it", "that",
        "this", "there", "be", "wie", "der", "die", "das", "ist", "es", "gibt", "in",
    ]

    /// A file-safe name from the first question and the session's start date.
    public static func name(for input: String, date: Date) -> String {
        let words = input.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map(String.init).filter { !skipped.contains($0) }
        let slug = words.prefix(3).map { String($0.prefix(20)) }.joined(separator: "-")
        let day = dayString(date)
        return slug.isEmpty ? "\(day)-session" : "\(day)-\(slug)"
    }

    static func dayString(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }
}
