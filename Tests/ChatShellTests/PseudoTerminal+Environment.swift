import Foundation

extension PseudoTerminal {
    /// The environment of a user's terminal for chatshell under test: its own home (so no real store, config or
    /// history is touched), an xterm, UTF-8, and the caller's PATH (for `$EDITOR` and a shell).
    static func environment(home: URL) -> [String: String] {
        [
            "HOME": home.path, "CHATSHELL_HOME": home.path, "TERM": "xterm", "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
    }
}
