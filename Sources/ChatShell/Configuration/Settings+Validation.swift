import Commands
import Foundation

extension Settings {
    /// Every key the config file may hold (README, "Configuration"); each is also `CHATSHELL_<KEY>`.
    static let knownKeys = [
        "server", "data_dir", "color", "ca_file", "llm_url", "llm_model", "llm_timeout_s", "llm_max_tokens",
        "token_delay_ms", "log_level", "ingest_lease_s", "ingest_pause_ms", "processing_timeout_s",
        "extraction_memory_mib",
    ]

    /// Values a key accepts, where they are a closed set.
    static let allowedValues = ["color": ["auto", "always", "never"]]

    /// A configuration mistake: what is wrong, where, and what would be right.
    struct Problem: Error, Equatable {
        var message: String
    }

    /// The config file's unknown keys and every closed-set value (flag, environment or file) that is not one of
    /// its values, checked before any subcommand runs so a typo never passes silently.
    ///
    /// - Parameter flags: values given as flags, by key (`color` from `--color`).
    /// - Returns: the problems, in file order, then flags and environment.
    func problems(flags: [String: String] = [:]) -> [Problem] {
        var problems: [Problem] = []
        let file = paths.configFile.path
        for entry in Self.entries(configFile: paths.configFile) where !Self.knownKeys.contains(entry.key) {
            var message = "Unknown key '\(entry.key)' in \(file) line \(entry.line)."
            if entry.key == "llm_api_key" {
                message += " API keys go in the credentials file or CHATSHELL_LLM_API_KEY, never in the config file."
            } else if let near = Self.nearest(entry.key, in: Self.knownKeys) {
                message += " Did you mean '\(near)'?"
            } else {
                message += " Known keys: \(Self.knownKeys.joined(separator: ", "))."
            }
            problems.append(Problem(message: message))
        }
        for (key, allowed) in Self.allowedValues.sorted(by: { $0.key < $1.key }) {
            let flag = flags[key]
            guard let value = value(key, flag: flag), !allowed.contains(value) else { continue }
            let origin: String
            if let flag, !flag.isEmpty {
                origin = "--\(key.replacingOccurrences(of: "_", with: "-")) '\(value)'"
            } else if let env = environment["CHATSHELL_" + key.uppercased()], !env.isEmpty {
                origin = "CHATSHELL_\(key.uppercased())='\(value)'"
            } else {
                origin = "\(key) = \(value) in \(file)"
            }
            let list = allowed.dropLast().joined(separator: ", ") + " or " + (allowed.last ?? "")
            problems.append(Problem(message: "\(origin) is not a valid \(key): use \(list)."))
        }
        return problems
    }

    /// The `key = value` lines of a config file with their line numbers (comments and blank lines skipped).
    static func entries(configFile: URL) -> [(key: String, value: String, line: Int)] {
        guard let text = try? String(contentsOf: configFile, encoding: .utf8) else { return [] }
        var entries: [(key: String, value: String, line: Int)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            entries.append((key, value, index + 1))
        }
        return entries
    }

    /// The nearest known name within two edits, for "Did you mean".
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        candidates.map { ($0, CommandCatalog.editDistance(word, $0)) }.filter { $0.1 <= 2 }
            .min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }
}
