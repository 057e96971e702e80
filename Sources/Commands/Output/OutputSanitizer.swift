/// The one output sanitiser: text that came from outside the program (file names, titles, memory text, model
/// answers, passages, server messages) never reaches a terminal as a command (issue 15, architecture.md 8a).
///
/// A terminal interprets C0 controls (ESC starts CSI and OSC sequences: cursor moves, screen clears, window
/// titles, OSC 52 clipboard writes; BEL ends an OSC; CR overwrites the line), DEL and the C1 controls
/// U+0080–U+009F (U+009B is a one-byte CSI, U+009D a one-byte OSC). Bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) are not terminal commands but reorder what is shown, so a file name can
/// pose as another. Every one of them is either shown visibly (`\x1b`, `\u202e`) or dropped; an escape sequence
/// loses its introducer, so its remaining bytes print as harmless text. Newline and tab stay when the layout
/// allows them, and a CRLF line end becomes a newline.
///
/// Every front end applies it at its last step before bytes leave: the REPL, `ask`, `ingest` and `replay`
/// through the ANSI renderer (`.visible`), the bridge's plain encoder (`.drop`, bridge.md 3 removes controls),
/// transcripts' client output (`.visible`). JSON output is not sanitised here: its encoder escapes the data
/// exactly (`escapingJSONControls(_:)` adds the C1 range that JSON encoders leave raw).
///
/// ```swift
/// OutputSanitizer.visible("\u{1B}]0;pwned\u{07}policy.txt")  // "\\x1b]0;pwned\\x07policy.txt"
/// OutputSanitizer.sanitize("a\u{1B}[2Jb", policy: .drop)   // "a[2Jb"
/// ```
public enum OutputSanitizer {
    /// What happens to an unsafe scalar.
    public enum Policy: Sendable {
        /// Replaced by a visible escape: `\xHH` for C0, DEL and C1, `\uHHHH` for bidi controls.
        case visible
        /// Removed.
        case drop
    }

    /// `text` with every unsafe scalar shown visibly; newlines and tabs kept.
    ///
    /// - Parameter text: untrusted text.
    /// - Returns: text that is safe to write to a terminal.
    public static func visible(_ text: some StringProtocol) -> String {
        sanitize(text, policy: .visible)
    }

    /// `text` made safe for a terminal.
    ///
    /// - Parameters:
    ///   - text: untrusted text.
    ///   - policy: show or drop unsafe scalars.
    ///   - keepLayout: keep newline and tab (false for one-line fields, where they are unsafe too).
    /// - Returns: the text; the same string when nothing was unsafe.
    public static func sanitize(_ text: some StringProtocol, policy: Policy, keepLayout: Bool = true) -> String {
        // Fast path: nearly all output is free of controls; bidi controls are all three UTF-8 bytes from 0xE2.
        let suspicious = text.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }
        guard suspicious, text.unicodeScalars.contains(where: { isUnsafe($0, keepLayout: keepLayout) }) else {
            return String(text)
        }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            // A CRLF line end is a line end, not a carriage return that overwrites the line.
            if keepLayout, scalar == "\r", pending == "\n" { continue }
            guard isUnsafe(scalar, keepLayout: keepLayout) else {
                out.append(scalar)
                continue
            }
            if policy == .visible { out.append(contentsOf: escape(scalar).unicodeScalars) }
        }
        return String(out)
    }

    /// Whether `text` holds anything `sanitize` would change (CRLF aside).
    ///
    /// - Parameter text: any text.
    /// - Returns: true when a scalar is unsafe for a terminal.
    public static func needsSanitizing(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { isUnsafe($0, keepLayout: true) }
    }

    /// JSON text with U+007F–U+009F written as `\u00HH` escapes.
    ///
    /// JSON encoders escape C0 controls but leave DEL and C1 raw, and a UTF-8 terminal may act on a raw C1 CSI.
    /// C1 code points only occur inside JSON strings (structure is ASCII), where the escape denotes the same
    /// character, so the data stays exact.
    ///
    /// - Parameter json: encoded JSON.
    /// - Returns: the same JSON value, terminal-safe.
    public static func escapingJSONControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { (0x7F...0x9F).contains($0.value) }) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                out.append(contentsOf: "\\u00\(hex(scalar.value, digits: 2))".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    // MARK: - Rules

    static func isUnsafe(_ scalar: Unicode.Scalar, keepLayout: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepLayout
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: "\\n"
        case 0x09: "\\t"
        case 0x0D: "\\r"
        case ...0xFF: "\\x" + hex(scalar.value, digits: 2)
        default: "\\u" + hex(scalar.value, digits: 4)
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
