/// JSON text written by hand, one value at a time: the one JSON string-literal writer of the program.
///
/// The bridge builds its events field by field with it rather than through `JSONEncoder`: it needs the fields after
/// `seq` as a ready-made fragment (seq is assigned at write time, bridge.md 4.2), keys in a readable order (`type`,
/// `id`, `seq` first), and it runs once per streamed token, where `JSONEncoder`'s cost would be the largest part of
/// the bridge's added latency. The REPL's history file writes one literal per line with it.
public enum JSONText {
    /// A JSON string literal on one line: quotes, backslashes, C0 controls, DEL and C1 controls escaped (a host that
    /// prints an event raw must not hand a terminal a one-byte CSI), U+2028 and U+2029 too (line breaks to some
    /// editors and to JavaScript before ES2019), everything else as UTF-8.
    public static func string(_ value: String) -> String {
        // Most strings need no escaping; checking bytes first keeps the common case to one copy. 0xC2 leads the
        // UTF-8 form of every C1 control, 0xE2 that of U+2028 and U+2029.
        let needsEscaping = value.utf8.contains {
            $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2
        }
        guard needsEscaping else {
            return "\"" + value + "\""
        }
        var result = "\""
        result.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    result += "\\u00" + hex(UInt8(scalar.value))
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A JSON number; whole values print without a fraction (as `JSONValue` does), non-finite ones as null.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value, abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// Any JSON value; object keys sorted so echoed `meta` and `result` objects are stable.
    public static func value(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return Self.number(number)
        case .string(let text): return string(text)
        case .array(let items): return "[" + items.map(Self.value).joined(separator: ",") + "]"
        case .object(let members):
            let fields = members.keys.sorted().map { key in string(key) + ":" + Self.value(members[key] ?? .null) }
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
