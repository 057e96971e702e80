import ChatAPI
import Foundation

/// Renders the argument parser's tool description (`--experimental-dump-help` JSON) as an `man(7)` page.
enum ManPage {
    /// The page, or nil when the description is not the expected JSON.
    ///
    /// - Parameter dump: the JSON of `ParsableCommand._dumpHelp()`.
    /// - Returns: roff text.
    static func render(dump: String) -> String? {
        guard let data = dump.data(using: .utf8),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let command = root["command"] as? [String: Any]
        else { return nil }
        let name = command["commandName"] as? String ?? "chatshell"
        var lines: [String] = [
            ".TH \(name.uppercased()) 1 \"\" \"\(name) \(ChatShellVersion.current)\" \"User Commands\"",
            ".SH NAME",
            "\(name) \\- \(escape(command["abstract"] as? String ?? ""))",
            ".SH SYNOPSIS",
            ".B \(name)",
            "[\\fIoptions\\fR] [\\fB\"question\"\\fR | \\fIsubcommand\\fR ...]",
            ".SH DESCRIPTION",
        ]
        lines += paragraphs(command["discussion"] as? String ?? "")
        lines.append(".SH SUBCOMMANDS")
        for sub in command["subcommands"] as? [[String: Any]] ?? [] where sub["shouldDisplay"] as? Bool ?? true {
            let subName = sub["commandName"] as? String ?? ""
            lines.append(".SS \(name) \(subName)")
            lines += paragraphs(sub["abstract"] as? String ?? "")
            if let discussion = sub["discussion"] as? String, !discussion.isEmpty { lines += paragraphs(discussion) }
            for argument in sub["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true
            {
                lines.append(".TP")
                lines.append(".B \(escape(label(argument)))")
                lines.append(escape(argument["abstract"] as? String ?? ""))
            }
        }
        lines += [
            ".SH FILES",
            ".TP",
            ".I $XDG_CONFIG_HOME/chatshell/config",
            "key = value lines; each key is also CHATSHELL_<KEY>, and flags beat both.",
            ".TP",
            ".I $XDG_STATE_HOME/chatshell/history",
            "the input history, mode 0600.",
            ".TP",
            ".I $XDG_STATE_HOME/chatshell/sessions",
            "saved sessions, one per conversation.",
            ".SH EXIT STATUS",
            "0 success, 1 a failed request or a cut-off answer, 2 a usage or configuration error.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--server <url>`, `-v, --verbose`, `<line>`.
    private static func label(_ argument: [String: Any]) -> String {
        let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
            guard let text = name["name"] as? String else { return nil }
            return (name["kind"] as? String) == "long" ? "--" + text : "-" + text
        }
        let value = argument["valueName"] as? String ?? ""
        switch argument["kind"] as? String {
        case "positional": return "<\(value)>"
        case "option": return names.joined(separator: ", ") + " <\(value)>"
        default: return names.joined(separator: ", ")
        }
    }

    /// Text as roff paragraphs: a blank line starts a new one, indented lines keep their line breaks.
    private static func paragraphs(_ text: String) -> [String] {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                lines.append(".PP")
            } else if line.hasPrefix(" ") {
                lines.append(".br")
                lines.append("\\ \\ " + escape(line.trimmingCharacters(in: .whitespaces)))
            } else {
                lines.append(escape(String(line)))
            }
        }
        return lines
    }

    /// Escapes roff's backslash and a leading dot or quote, which would start a request.
    private static func escape(_ text: String) -> String {
        var escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
        return escaped
    }
}
