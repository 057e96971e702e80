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
        guard let text = try? String(contentsOf: configFile, encoding: .utf8) else { return [:] }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
