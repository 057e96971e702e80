import Foundation

/// Configuration from flags, then `CHATSHELL_<KEY>`, then `key = value` lines of the config file
/// (repl.md section 2, "Configuration").
struct Settings: Sendable {
    let environment: [String: String]
    let paths: Paths
    private let file: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        self.paths = Paths(environment: environment)
        self.file = Self.parse(configFile: paths.configFile)
    }

    /// The value of a key: flag, else environment, else file.
    func value(_ key: String, flag: String? = nil) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let env = environment["CHATSHELL_" + key.uppercased()], !env.isEmpty { return env }
        return file[key.lowercased()]
    }

    static func parse(configFile: URL) -> [String: String] {
        var values: [String: String] = [:]
        for entry in entries(configFile: configFile) { values[entry.key] = entry.value }
        return values
    }
}
