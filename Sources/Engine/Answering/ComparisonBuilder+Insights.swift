import Foundation

extension ComparisonBuilder {
    // MARK: - Sections

    /// Headings only some documents have become a difference; shared headings a similarity when little else
    /// matched (prose documents such as two policies).
    mutating func compareSections() {
        let headings = documents.indices.map(sectionHeadings)
        guard headings.allSatisfy({ !$0.isEmpty }) else { return }
        let keySets = headings.map { Set($0.map(\.key)) }
        let everywhere = keySets.dropFirst().reduce(keySets[0]) { $0.intersection($1) }
        let position = [documents.count, 0]
        if report.similarities.count < 3, !everywhere.isEmpty {
            let names = headings[0].filter { everywhere.contains($0.key) }.map(\.display)
            let firstKey = headings[0].first { everywhere.contains($0.key) }?.key
            let references = headings.enumerated().compactMap { document, list in
                list.first { $0.key == firstKey }.map {
                    ComparisonReport.Reference(document: document, passage: $0.passage)
                }
            }
            let who = documents.count == 2 ? "Both" : "All"
            let text = "\(who) have the sections \(Self.list(names))"
            report.similarities.append(
                ComparisonReport.Line(
                    pieces: [.text(text), .cite(references), .text(".")],
                    position: position,
                    topic: text
                )
            )
        }
        for (document, list) in headings.enumerated() {
            let elsewhere = keySets.enumerated().filter { $0.offset != document }.reduce(Set<String>()) {
                $0.union($1.element)
            }
            let own = list.filter { !elsewhere.contains($0.key) }
            guard let first = own.first else { continue }
            let text = "Only \(identities[document].displayName) has the sections \(Self.list(own.map(\.display)))"
            report.differences.append(
                ComparisonReport.Line(
                    pieces: [
                        .text(text), .cite([ComparisonReport.Reference(document: document, passage: first.passage)]),
                        .text("."),
                    ],
                    position: position + [document],
                    topic: text
                )
            )
        }
    }

    /// A document's headings in order, once each, without the document-level title.
    private func sectionHeadings(_ document: Int) -> [(key: String, display: String, passage: Int)] {
        let identity = identities[document]
        let passages = documents[document].passages
        let titleKey = Self.nameKey(ComparisonText(documents[document].title, identity: identity))
        let paths = passages.map(AttributeExtractor.headingNames)
        // A top heading above all others (the document's own title line) is not a section.
        let root = paths.first?.first
        let sharedRoot = root.flatMap { root in
            paths.allSatisfy { $0.first == root } && paths.contains { $0.count > 1 } ? root : nil
        }
        var seen: Set<String> = []
        var result: [(key: String, display: String, passage: Int)] = []
        for (passage, names) in paths.enumerated() {
            for name in names where name != sharedRoot {
                let display = AttributeExtractor.withoutNumbering(name)
                let key = Self.nameKey(ComparisonText(display, identity: identity))
                guard !key.isEmpty, key != titleKey, seen.insert(key).inserted else { continue }
                result.append((key, display, passage))
            }
        }
        return result
    }

    /// "A, B and C", at most eight names.
    private static func list(_ names: [String]) -> String {
        let limit = 8
        var shown = Array(names.prefix(limit))
        if names.count > limit { shown.append("\(names.count - limit) more") }
        guard shown.count > 1, let last = shown.last else { return shown.first ?? "" }
        return shown.dropLast().joined(separator: ", ") + " and " + last
    }

    // MARK: - Insights

    /// Computed comparisons of differing attributes whose values are single quantities in the same unit: how much
    /// higher one is, and the ratio.
    mutating func computeInsights() {
        var seen: Set<String> = []
        for group in differingAttributes {
            let parsed = group.compactMap { Quantity($0.fact.value) }
            // Bare numbers are left out: versions, years and codes read as numbers but are not quantities.
            guard parsed.count == group.count, let unit = parsed.first?.unit, unit != "|",
                parsed.allSatisfy({ $0.unit == unit }), Set(parsed.map(\.amount)).count > 1
            else { continue }
            let key = group[0].baseKey + "|" + parsed.map { "\($0.amount)" }.joined(separator: "|")
            guard seen.insert(key).inserted else { continue }
            let members = zip(group, parsed).map { (fact: $0, quantity: $1) }
            guard let high = members.max(by: { $0.quantity.amount < $1.quantity.amount }),
                let low = members.min(by: { $0.quantity.amount < $1.quantity.amount })
            else { continue }
            let decimals = parsed.map(\.decimals).max() ?? 0
            let grouped = parsed.contains(where: \.grouped)
            let delta = high.quantity.formatted(
                high.quantity.amount - low.quantity.amount,
                decimals: decimals,
                grouped: grouped
            )
            let name = group[0].fact.label.replacingOccurrences(
                of: #"\s*\([^)]*\)"#,
                with: "",
                options: .regularExpression
            )
            let highName = identities[high.fact.document].displayName
            let lowName = identities[low.fact.document].displayName
            var pieces: [ComparisonReport.Piece]
            if members.count == 2 {
                var ratio = ""
                if low.quantity.amount > 0 {
                    ratio =
                        "; ratio " + Self.trimmed(String(format: "%.2f", high.quantity.amount / low.quantity.amount))
                }
                pieces = [
                    .text("\(name): \(highName) is \(delta) higher than \(lowName) (\(high.quantity.text)"),
                    .cite([high.fact.reference]), .text(" vs \(low.quantity.text)"), .cite([low.fact.reference]),
                    .text(ratio + ")."),
                ]
            } else {
                pieces = [
                    .text("\(name): highest in \(highName) (\(high.quantity.text)"), .cite([high.fact.reference]),
                    .text("), lowest in \(lowName) (\(low.quantity.text)"), .cite([low.fact.reference]),
                    .text("), a spread of \(delta)."),
                ]
            }
            report.insights.append(
                ComparisonReport.Line(pieces: pieces, position: group[0].position, attribute: name, topic: name)
            )
        }
        report.insights.sort { $0.position.lexicographicallyPrecedes($1.position) }
    }

    private static func trimmed(_ number: String) -> String {
        guard number.contains(".") else { return number }
        var result = number
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}

/// A value that is one number with an optional currency and unit ("USD 31,500", "24.5 kg", "1.5 m/s").
struct Quantity: Sendable, Hashable {
    var text: String
    var amount: Double
    var decimals: Int
    var grouped: Bool
    var prefix: String
    var suffix: String

    /// The unit both sides must share: currency and unit, case-insensitive.
    var unit: String { prefix.lowercased() + "|" + suffix.lowercased() }

    private static let currencies: Set<String> = [
        "USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CNY", "INR", "$", "€", "£",
    ]

    init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        let pattern =
            #"^(?:(USD|EUR|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CNY|INR|[$€£])\s?)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?([A-Za-zµ°%][A-Za-z°%/²³]{0,11}))?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        func group(_ index: Int) -> String {
            guard let range = Range(match.range(at: index), in: text) else { return "" }
            return String(text[range])
        }
        let whole = group(2)
        let fraction = group(3)
        guard
            let amount = Double(
                whole.replacingOccurrences(of: ",", with: "") + (fraction.isEmpty ? "" : "." + fraction)
            )
        else { return nil }
        self.text = text
        self.amount = amount
        self.decimals = fraction.count
        self.grouped = whole.contains(",")
        self.prefix = group(1)
        self.suffix = group(4)
        guard prefix.isEmpty || Self.currencies.contains(prefix) else { return nil }
    }

    /// Another amount in this quantity's currency and unit.
    func formatted(_ value: Double, decimals: Int, grouped: Bool) -> String {
        var number = String(format: "%.\(decimals)f", value)
        if grouped || abs(value) >= 10_000 {
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            var digits = String(parts[0])
            var groupedDigits = ""
            while digits.count > 3 {
                groupedDigits = "," + digits.suffix(3) + groupedDigits
                digits = String(digits.dropLast(3))
            }
            number = digits + groupedDigits + (parts.count > 1 ? "." + parts[1] : "")
        }
        let head = prefix.isEmpty ? "" : (prefix.count == 3 ? prefix + " " : prefix)
        let tail = suffix.isEmpty ? "" : " " + suffix
        return head + number + tail
    }
}
