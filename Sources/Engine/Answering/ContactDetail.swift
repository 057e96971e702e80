import Foundation

/// Recognises values that are contact details: e-mail addresses, web addresses and phone numbers.
///
/// Spec sheets end with "Sales: sales@…", "Support portal: help.…", "Phone: +1 …"; the comparer aligns them like
/// any attribute, and they would show up as similarities ("both have the same sales address") that tell the reader
/// nothing about the compared products. The rules are about the shape of the value, never about a word list.
///
/// ```swift
/// ContactDetail.isContact("sales@northwind-robotics.example")  // true
/// ContactDetail.isContact("+1 503 555 0100")                   // true
/// ContactDetail.isContact("ISO 9409-1-50-4-M6")                // false
/// ```
enum ContactDetail {
    /// The fewest digits a phone number has (subscriber numbers without an area code have 7).
    static let phoneDigits = 7

    /// Whether the whole value is contact details: every word an e-mail or web address, or the value a phone
    /// number.
    ///
    /// - Parameter value: an attribute's value.
    /// - Returns: true for contact details.
    static func isContact(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".;,")))
        guard !trimmed.isEmpty else { return false }
        if isPhone(trimmed) { return true }
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" })
            .filter { !["or", "and", "|", "/"].contains($0.lowercased()) }
        return !words.isEmpty && words.allSatisfy { isEmail($0) || isWebAddress($0) }
    }

    /// `local@domain.tld`.
    static func isEmail(_ word: Substring) -> Bool {
        let parts = word.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(" ") else { return false }
        return isHost(parts[1], minimumDots: 1)
    }

    /// `https://…`, `www.…`, or a host name of three or more labels (`help.example.com`); two labels alone
    /// (`Node.js`) are too often a product name.
    static func isWebAddress(_ word: Substring) -> Bool {
        let lowered = word.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return true }
        let host = lowered.split(separator: "/", maxSplits: 1).first ?? ""
        if host.hasPrefix("www.") { return isHost(host, minimumDots: 1) }
        return isHost(host, minimumDots: 2)
    }

    /// Labels of letters, digits and hyphens separated by dots, the last one letters only.
    private static func isHost(_ text: Substring, minimumDots: Int) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count > minimumDots, let last = labels.last, last.count >= 2, last.allSatisfy(\.isLetter)
        else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    /// Digits with phone punctuation only, at least `phoneDigits` of them, written as a phone number is: with a
    /// `+` country code or an area code in brackets, or in three or more groups.
    static func isPhone(_ text: String) -> Bool {
        let allowed = Set("0123456789+-() ./")
        guard text.allSatisfy({ allowed.contains($0) }) else { return false }
        let digits = text.filter(\.isNumber).count
        guard digits >= phoneDigits else { return false }
        let groups = text.split(whereSeparator: { !$0.isNumber })
        if text.hasPrefix("+") || text.hasPrefix("(") { return true }
        // A date (2025-11-03, 2025.11.03) has three groups too, led by a four-digit year.
        if groups.count == 3, groups[0].count == 4, groups[1].count <= 2, groups[2].count <= 2 { return false }
        return groups.count >= 3
    }
}
