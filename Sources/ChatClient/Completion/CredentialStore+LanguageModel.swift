import ChatAPI
import Foundation

extension CredentialStore {
    /// The top-level key holding the language model's API key: `{"llm_api_key": "sk-…", "servers": {…}}`.
    public static let languageModelKey = "llm_api_key"

    /// The language model's API key from the credentials file, if it holds one.
    ///
    /// The file passes the same safety checks as for tokens first (mode 0600, a folder others cannot write to).
    ///
    /// - Returns: The key, or nil when the file or the key is absent or empty.
    /// - Throws: `BackendError` when the file is unsafe or not a JSON object.
    public func languageModelAPIKey() throws -> String? {
        try validate()
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return nil }
        guard let top = try? APIJSON.decode([String: JSONValue].self, from: data) else {
            throw BackendError.local(
                "Cannot read credentials from \(path): it is not a JSON object. Fix it, or delete it and log in again.",
                details: ["path": .string(path)]
            )
        }
        guard case .string(let key)? = top[Self.languageModelKey] else { return nil }
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
