import Foundation

/// An expected `|` line: exact text, or a pattern with `[..]` and placeholders, a ` (re)` regex or a ` (glob)`
/// (transcripts.md sections 2 and 4).
struct TranscriptPattern: Sendable {
    /// The built-in placeholders and the regex each stands for.
    static let placeholders: [(name: String, regex: String)] = [
        ("UUID", "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"),
        ("DATE", "[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        ("TIME", "[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+\\-\u{00B1}][0-9]{2}:[0-9]{2})?"),
        ("DURATION", duration),
        ("NUM", "[+\\-\u{2212}]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?"),
        ("ID", identifier),
    ]

    /// The kind prefixes of the HTTP API's ids (http-api.md section 1).
    static let idPrefixes = ["usr", "anon", "doc", "chk", "mem", "cnv", "msg", "cmp", "req"]

    static let identifier = "(?:" + idPrefixes.joined(separator: "|") + ")_[A-Za-z0-9_-]+"

    private static let durationUnit = "(?:ms|min|h|s)"
    private static let compoundUnit = "(?:ms|min|h|m|s)"
    private static let number = "[0-9]+(?:\\.[0-9]+)?"
    /// A number and a unit, or a compound such as `1m 05s`.
    static let duration =
        "(?:\(number) ?\(compoundUnit)(?: ?\(number) ?\(compoundUnit))+|\(number) ?\(durationUnit))"

    private enum Form: Sendable {
        case exact(String)
        case regex(NSRegularExpression)
    }

    /// The line as written (normalised), for messages and `.actual` files.
    let source: String
    private let form: Form

    /// Compiles an expected line.
    ///
    /// - Throws: a message for an invalid ` (re)` regex.
    init(_ line: String, redactions: [TranscriptRedaction]) throws(TranscriptOptionError) {
        source = line
        if line.hasSuffix(" (re)") {
            let body = String(line.dropLast(5))
            do {
                form = .regex(try NSRegularExpression(pattern: "^(?:" + body + ")$"))
            } catch {
                throw TranscriptOptionError("invalid regex '\(body)'")
            }
            return
        }
        let glob = line.hasSuffix(" (glob)")
        let body = glob ? String(line.dropLast(7)) : line
        guard let regex = Self.translate(body, glob: glob, redactions: redactions) else {
            form = .exact(line)
            return
        }
        do {
            form = .regex(try NSRegularExpression(pattern: "^(?:" + regex + ")$"))
        } catch {
            throw TranscriptOptionError("invalid pattern '\(line)'")
        }
    }

    /// Whether `actual` (normalised) matches the whole line.
    func matches(_ actual: String) -> Bool {
        switch form {
        case .exact(let text):
            return text == actual
        case .regex(let regex):
            return regex.firstMatch(in: actual, range: NSRange(actual.startIndex..., in: actual)) != nil
        }
    }

    /// The regex for a line with `[..]`, placeholders or glob characters, or nil when it is plain text.
    private static func translate(_ line: String, glob: Bool, redactions: [TranscriptRedaction]) -> String? {
        var tokens: [(String, String)] = [("[..]", ".*")]
        tokens += placeholders.map { ("[\($0.name)]", "(?:\($0.regex))") }
        tokens += redactions.map { ("[\($0.name)]", "(?:\($0.pattern))") }
        var regex = ""
        var literal = ""
        var patterned = glob
        var index = line.startIndex
        func flush() {
            regex += NSRegularExpression.escapedPattern(for: literal)
            literal = ""
        }
        scan: while index < line.endIndex {
            let rest = line[index...]
            if rest.first == "[" {
                for (token, replacement) in tokens where rest.hasPrefix(token) {
                    flush()
                    regex += replacement
                    patterned = true
                    index = line.index(index, offsetBy: token.count)
                    continue scan
                }
            }
            if glob {
                switch line[index] {
                case "*":
                    flush()
                    regex += ".*"
                    index = line.index(after: index)
                    continue scan
                case "?":
                    flush()
                    regex += "."
                    index = line.index(after: index)
                    continue scan
                case "\\":
                    let next = line.index(after: index)
                    if next < line.endIndex {
                        literal.append(line[next])
                        index = line.index(after: next)
                        continue scan
                    }
                default:
                    break
                }
            }
            literal.append(line[index])
            index = line.index(after: index)
        }
        flush()
        return patterned ? regex : nil
    }
}

/// Writes placeholders into new `|` lines (record, accept, `.actual`): ids, UUIDs, durations, timestamps (date
/// with time) and custom placeholders; never `[NUM]` or a lone date or time, which in snippets are facts.
struct TranscriptRedactor: Sendable {
    private let rules: [(NSRegularExpression, String)]

    init(redactions: [TranscriptRedaction]) {
        var rules: [(NSRegularExpression, String)] = []
        func add(_ pattern: String, _ template: String) {
            if let regex = try? NSRegularExpression(pattern: pattern) { rules.append((regex, template)) }
        }
        for redaction in redactions {
            add(redaction.pattern, NSRegularExpression.escapedTemplate(for: "[\(redaction.name)]"))
        }
        let uuid = TranscriptPattern.placeholders[0].regex
        let time = TranscriptPattern.placeholders[2].regex
        add("(?<![0-9A-Za-z])\(uuid)(?![0-9A-Za-z])", "[UUID]")
        add("(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}([T ])\(time)", "[DATE]$1[TIME]")
        add("(?<![A-Za-z0-9_-])\(TranscriptPattern.identifier)", "[ID]")
        add("(?<![\\w.,])\(TranscriptPattern.duration)(?![\\w])", "[DURATION]")
        self.rules = rules
    }

    /// The line with placeholders written in.
    func redact(_ line: String) -> String {
        var line = line
        for (regex, template) in rules {
            line = regex.stringByReplacingMatches(
                in: line,
                range: NSRange(line.startIndex..., in: line),
                withTemplate: template
            )
        }
        return line
    }
}
