import Foundation

/// The field rules of registration (http-api.md section 4, "Accounts").
enum AccountRules {
    static let maxEmailLength = 254
    static let minPasswordCharacters = 8
    /// bcrypt reads at most 72 bytes; longer passwords would be silently cut.
    static let maxPasswordBytes = 72

    /// The email as stored: trimmed and lower-cased.
    static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The problems of an email, already normalised.
    static func emailProblems(_ email: String) -> [EngineError.FieldProblem] {
        if email.isEmpty { return [.init(field: "email", message: "must not be empty")] }
        if email.unicodeScalars.count > maxEmailLength {
            return [.init(field: "email", message: "must be at most \(maxEmailLength) characters")]
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return [.init(field: "email", message: "must contain one @ with text on both sides")]
        }
        return []
    }

    /// The problems of a password, used verbatim.
    static func passwordProblems(_ password: String) -> [EngineError.FieldProblem] {
        if password.unicodeScalars.count < minPasswordCharacters {
            return [.init(field: "password", message: "must be at least \(minPasswordCharacters) characters")]
        }
        if password.utf8.count > maxPasswordBytes {
            return [.init(field: "password", message: "must be at most \(maxPasswordBytes) bytes in UTF-8")]
        }
        // bcrypt takes a C string: everything after a NUL would be ignored.
        if password.unicodeScalars.contains("\u{0}") {
            return [.init(field: "password", message: "must not contain NUL characters")]
        }
        return []
    }
}
