import Foundation

/// Paths as the user types them: `~` means `$HOME`, as in the shell.
///
/// Foundation's `expandingTildeInPath` asks the password database, so a user who sets `HOME` (a test, a
/// container, `sudo -E`) would see `~` mean another folder than in their shell; and its path helpers trap on some
/// one-character paths. Everything here is plain string work on `/`.
public enum UserPath {
    /// The user's home folder: `$HOME`, else the password database's entry.
    public static var home: String {
        if let value = ProcessInfo.processInfo.environment["HOME"], !value.isEmpty { return value }
        return NSHomeDirectory()
    }

    /// `~` and `~/rest` with `home` in front; anything else (including `~user`) unchanged.
    ///
    /// - Parameters:
    ///   - path: the path as typed.
    ///   - home: the home folder; nil uses `UserPath.home`.
    /// - Returns: the expanded path.
    public static func expandingTilde(_ path: String, home: String? = nil) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let base = home ?? Self.home
        let rest = path.dropFirst()
        if rest.isEmpty { return base }
        return base.hasSuffix("/") ? base + rest.dropFirst() : base + rest
    }

    /// Splits a typed partial path into the folder part (up to and including the last `/`, possibly empty) and
    /// the name being typed: `docs/tra` gives `("docs/", "tra")`, `s` gives `("", "s")`, `/` gives `("/", "")`.
    ///
    /// - Parameter partial: the path as typed so far.
    /// - Returns: the folder prefix and the name prefix.
    public static func split(_ partial: String) -> (folder: String, name: String) {
        guard let slash = partial.lastIndex(of: "/") else { return ("", partial) }
        let after = partial.index(after: slash)
        return (String(partial[..<after]), String(partial[after...]))
    }
}
