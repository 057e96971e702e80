public import ChatAPI
import Commands

/// The line encodings of plain mode (bridge.md section 3).
///
/// Every function returns one line without its LF; the writer adds it.
public enum PlainEncoding {
    /// One content line: C0 controls other than TAB removed, a leading `.` doubled (dot-stuffing), so a consumer
    /// never mistakes text for the end of a reply or a control line.
    ///
    /// - Parameter text: one line of answer or command output, without its LF.
    /// - Returns: the line as written.
    public static func content(_ text: some StringProtocol) -> String {
        let clean = removingControls(text)
        return clean.hasPrefix(".") ? "." + clean : clean
    }

    /// A control line, `.name` or `.name text`.
    ///
    /// - Parameters:
    ///   - name: a lowercase name other than `error`.
    ///   - text: the rest of the line; newlines become spaces, other controls are removed.
    /// - Returns: the line as written.
    public static func control(_ name: String, _ text: String? = nil) -> String {
        guard let text else { return "." + name }
        return "." + name + " " + singleLine(text)
    }

    /// The end of a failed reply: `.error CODE MESSAGE`, the message on one line and never empty.
    ///
    /// - Parameters:
    ///   - code: the error code (bridge.md 4.6).
    ///   - message: a human-readable message.
    /// - Returns: the line as written.
    public static func error(code: ErrorCode, message: String) -> String {
        let line = singleLine(message)
        return ".error " + code.rawValue + " " + (line.isEmpty ? code.rawValue : line)
    }

    /// The end of a successful reply.
    public static let end = "."

    /// `.source <n> <doc> [p.<page>] "<title>"` for one cited source.
    ///
    /// `<doc>` is the file name (percent-encoded, see `documentToken(_:)`), or the kind for a memory;
    /// `p.<page>` appears only when the source has a page; the title is a JSON string literal.
    ///
    /// - Parameter source: a cited source.
    /// - Returns: the line as written.
    public static func source(_ source: Source) -> String {
        let doc: String
        switch source.kind {
        case .document: doc = documentToken(source.filename ?? source.title)
        case .personalMemory, .sharedMemory: doc = source.kind.rawValue
        }
        var line = ".source \(source.n) " + doc
        if let page = source.page { line += " p.\(page)" }
        return line + " " + JSONText.string(source.title)
    }

    /// A document name as one space-free token: space, `%`, `"` and control characters percent-encoded as their
    /// UTF-8 bytes; other characters, non-ASCII included, stay as they are.
    ///
    /// - Parameter name: a file name.
    /// - Returns: the encoded token.
    public static func documentToken(_ name: String) -> String {
        var token = ""
        for scalar in name.unicodeScalars {
            if scalar == " " || scalar == "%" || scalar == "\"" || scalar.properties.generalCategory == .control {
                for byte in String(scalar).utf8 {
                    token += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            } else {
                token.unicodeScalars.append(scalar)
            }
        }
        return token
    }

    /// The text through the output sanitiser, dropping what a terminal would act on: C0 controls other than TAB
    /// (ESC among them, so no ANSI sequence survives), DEL, C1 controls and bidi overrides.
    static func removingControls(_ text: some StringProtocol) -> String {
        OutputSanitizer.sanitize(text, policy: .drop)
    }

    /// Newlines as spaces, other controls removed, ends trimmed: for text that must fit on a control line.
    static func singleLine(_ text: String) -> String {
        let flat = text.replacingNewlines()
        return removingControls(flat).trimmingEdges()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    fileprivate func replacingNewlines() -> String {
        var result = ""
        result.unicodeScalars.append(
            contentsOf: unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : $0 }
        )
        return result
    }

    fileprivate func trimmingEdges() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
