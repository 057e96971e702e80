import ChatAPI
import Commands

/// Which REPL commands each mode allows (bridge.md 3 and 4.1), and how refusals read.
struct BridgeCommandPolicy: Sendable {
    let mode: BridgeConfiguration.Mode
    let uploadEnabled: Bool
    let adminEnabled: Bool

    /// The names a mode runs through the interpreter (plain handles `/new` and `/quit` itself).
    var allowed: Set<String> {
        var names: Set<String> = ["help", "docs", "compare", "remember", "memories", "forget"]
        if mode == .plain {
            names.formUnion(["new", "quit"])
        } else {
            if uploadEnabled { names.insert("upload") }
            if adminEnabled { names.insert("admin") }
        }
        return names
    }

    /// The interpreter's policy.
    var interpreterPolicy: Interpreter.Policy {
        let mode = self.mode
        let uploadEnabled = self.uploadEnabled
        let adminEnabled = self.adminEnabled
        return Interpreter.Policy(allowed: allowed) { name in
            Self.refusal(name, mode: mode, uploadEnabled: uploadEnabled, adminEnabled: adminEnabled)
        }
    }

    /// Aliases the parser accepts, by canonical name, so a refusal covers every form of a command.
    private static let aliases = ["documents": "docs", "exit": "quit", "q": "quit", "?": "help"]

    /// The refusal for a line naming a known command this mode does not allow, checked before the command's
    /// arguments are parsed: `/login` and `/logout` are `forbidden_command` however they are typed (2.5).
    ///
    /// - Parameter line: a line starting with `/` (not `//`).
    /// - Returns: the message, or nil when the command is allowed or unknown.
    func refusal(forLine line: String) -> String? {
        let body = line.drop { $0 == " " || $0 == "\t" }.dropFirst()
        let typed = String(body.prefix { !$0.isWhitespace }).lowercased()
        let name = Self.aliases[typed] ?? typed
        guard CommandCatalog.names.contains(name), !allowed.contains(name) else { return nil }
        return Self.refusal(name, mode: mode, uploadEnabled: uploadEnabled, adminEnabled: adminEnabled)
    }

    /// Why `/name` is refused.
    static func refusal(
        _ name: String,
        mode: BridgeConfiguration.Mode,
        uploadEnabled: Bool,
        adminEnabled: Bool
    ) -> String {
        switch (mode, name) {
        case (.plain, _): return "/\(name) is not available in plain mode"
        case (.jsonl, "upload"): return "/upload needs --upload-root"
        case (.jsonl, "admin"): return "/admin needs --allow-admin"
        case (.jsonl, "new"): return "/new is not available in the bridge; send {\"op\":\"reset\"} instead"
        case (.jsonl, "quit"): return "/quit is not available in the bridge; close stdin instead"
        case (.jsonl, _): return "/\(name) is not available in the bridge"
        }
    }
}
