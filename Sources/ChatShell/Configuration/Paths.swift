import Foundation

/// Where chatshell keeps its files (architecture.md section 5, repl.md section 2).
///
/// `CHATSHELL_HOME`, when set, replaces every `$XDG_*_HOME/chatshell`.
struct Paths: Sendable {
    var data: URL
    var state: URL
    var config: URL

    init(environment: [String: String]) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        if let root = environment["CHATSHELL_HOME"], !root.isEmpty {
            let url = URL(fileURLWithPath: root)
            data = url
            state = url
            config = url
            return
        }
        func xdg(_ key: String, _ fallback: String) -> URL {
            let base = environment[key].flatMap { $0.isEmpty ? nil : $0 } ?? (home + "/" + fallback)
            return URL(fileURLWithPath: base).appendingPathComponent("chatshell")
        }
        data = xdg("XDG_DATA_HOME", ".local/share")
        state = xdg("XDG_STATE_HOME", ".local/state")
        config = xdg("XDG_CONFIG_HOME", ".config")
    }

    var sessions: URL { state.appendingPathComponent("sessions") }
    var history: URL { state.appendingPathComponent("history") }
    var configFile: URL { config.appendingPathComponent("config") }
    var credentials: URL { config.appendingPathComponent("credentials") }
}
