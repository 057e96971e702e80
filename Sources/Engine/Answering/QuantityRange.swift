import Foundation

/// Quantities and the ranges sentences state for them, so a question with an amount ("a claim of $900") prefers the
/// table row or rule whose range holds it ("Above $500 and up to $2,500") over its neighbours ("Above $2,500").
///
/// A quantity is a number with its unit: a currency sign or code before it (`$900`, `EUR 40`) or a unit word after
/// it (`12 kg`, `30 days`). Ranges are read from bound words before a quantity of the same unit: "up to", "under",
/// "at most" give an upper bound, "above", "over", "at least", "from" a lower one (and their German counterparts).
struct QuantityRange: Equatable {
    /// A number with its unit (`$` for every currency written with a dollar sign, else the code or word).
    struct Quantity: Equatable {
        var value: Double
        var unit: String
    }

    var lower: Double?
    var lowerInclusive = false
    var upper: Double?
    var upperInclusive = true

    /// Whether `value` lies in the range.
    func contains(_ value: Double) -> Bool {
        if let lower, lowerInclusive ? value < lower : value <= lower { return false }
        if let upper, upperInclusive ? value > upper : value >= upper { return false }
        return true
    }

    private static let currencies: [String: String] = [
        "$": "$", "usd": "$", "us$": "$", "€": "€", "eur": "€", "euro": "€", "euros": "€", "£": "£", "gbp": "£",
    ]

    private static let lowerWords: [(String, inclusive: Bool)] = [
        ("above", false), ("over", false), ("more than", false), ("exceeding", false), ("greater than", false),
        ("at least", true), ("from", true), ("minimum", true), ("über", false), ("mehr als", false),
        ("mindestens", true), ("ab", true),
    ]

    private static let upperWords: [(String, inclusive: Bool)] = [
        ("up to", true), ("at most", true), ("no more than", true), ("maximum", true), ("under", false),
        ("below", false), ("less than", false), ("bis zu", true), ("höchstens", true), ("unter", false),
        ("weniger als", false),
    ]

    // A currency sign or code, the number, and a unit word after it. Regex is not Sendable, but a compiled regex
    // is immutable (its program is built once, atomically), so sharing it between threads is safe.
    nonisolated(unsafe) private static let quantityPattern =
        /(?i)(?<currency>\$|€|£|\busd\s?|\beur\s?|\bgbp\s?|\bus\$)?(?<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?<unit>[a-zäöü%]+))?/

    /// The quantities of a text, in order.
    static func quantities(in text: String) -> [(quantity: Quantity, start: String.Index)] {
        text.matches(of: quantityPattern).compactMap { match in
            guard let value = Double(match.output.number.replacingOccurrences(of: ",", with: "")) else { return nil }
            if let currency = match.output.currency {
                let code = currency.lowercased().trimmingCharacters(in: .whitespaces)
                return (Quantity(value: value, unit: currencies[code] ?? code), match.range.lowerBound)
            }
            let unit = match.output.unit.map { String($0).lowercased() } ?? ""
            if let currency = currencies[unit] {
                return (Quantity(value: value, unit: currency), match.range.lowerBound)
            }
            guard !unit.isEmpty else { return nil }
            return (Quantity(value: value, unit: unit), match.range.lowerBound)
        }
    }

    /// The range a sentence states for quantities of `unit`, nil when it states no bound for them.
    static func stated(in sentence: String, unit: String) -> QuantityRange? {
        // Most sentences never mention the unit: a substring test spares them the regular expression.
        let spellings = currencies.filter { $0.value == unit }.map(\.key) + [unit]
        let lowered = sentence.lowercased()
        guard spellings.contains(where: lowered.contains) else { return nil }
        var range = QuantityRange()
        var bounded = false
        for (quantity, start) in quantities(in: sentence) where quantity.unit == unit {
            let before = sentence[..<start].lowercased().trimmingCharacters(in: .whitespaces)
            if let bound = lowerWords.first(where: { before.hasSuffix(" " + $0.0) || before == $0.0 }) {
                if range.lower.map({ quantity.value > $0 }) ?? true {
                    range.lower = quantity.value
                    range.lowerInclusive = bound.inclusive
                }
                bounded = true
            } else if let bound = upperWords.first(where: { before.hasSuffix(" " + $0.0) || before == $0.0 }) {
                if range.upper.map({ quantity.value < $0 }) ?? true {
                    range.upper = quantity.value
                    range.upperInclusive = bound.inclusive
                }
                bounded = true
            }
        }
        return bounded ? range : nil
    }
}
