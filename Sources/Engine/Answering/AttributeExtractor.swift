import Foundation

/// One thing a document states, as the comparer aligns it: an attribute with a value, or a sentence.
struct ComparedFact: Sendable, Hashable {
    /// Whether the fact names an attribute or is a plain statement.
    enum Kind: Sendable, Hashable {
        case attribute
        case statement
    }

    var kind: Kind
    /// The attribute's name as written ("Reach (base axis to wrist flange)"); empty for statements.
    var label: String
    /// The attribute's value, or the statement's sentence.
    var value: String
    /// The nearest heading without its numbering ("Mechanical"), or empty.
    var section: String = ""
    /// The passage it came from, as an index into the document's passages.
    var passage: Int = 0

    /// The fact as one line of text ("Label: value", or the sentence).
    var line: String { kind == .attribute ? label + ": " + value : value }

    static func attribute(_ label: String, _ value: String) -> ComparedFact {
        ComparedFact(kind: .attribute, label: clean(label), value: clean(value))
    }

    static func statement(_ text: String) -> ComparedFact {
        ComparedFact(kind: .statement, label: "", value: clean(text))
    }

    /// Collapses white space and trims the separators a value may end with.
    private static func clean(_ text: String) -> String {
        var result = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = result.last, ";,".contains(last) { result.removeLast() }
        return result
    }
}

/// Reads the attributes and statements of a document's passages (architecture.md section 7, `Comparer`).
///
/// Recognised shapes, line by line: table rows as the extractors write them (`Label: value; Label2: value2`, the
/// first cell keying the row), key-value lines (`Label: value`), tab- or space-aligned columns (`Label<TAB>value`),
/// short spec lines (`Rated payload 8 kg`), metadata lines split by `·`, `|` or dashes (`Version 3.2 · Effective 1
/// May 2026`), and everything else as sentences. Headings are not facts; a passage's heading becomes the fact's
/// section. Lines repeated by overlapping passages count once.
enum AttributeExtractor {
    /// The facts of a document, in document order, each once.
    static func facts(of document: Comparer.Document) -> [ComparedFact] {
        let rowLabels = repeatedRowLabels(document)
        var facts: [ComparedFact] = []
        var seen: Set<String> = []
        for (index, passage) in document.passages.enumerated() {
            let headings = Set(headingNames(of: passage).map(lineKey))
            let section = sectionName(of: passage)
            for rawLine in passage.text.split(whereSeparator: \.isNewline) {
                let line = sanitized(String(rawLine))
                let key = lineKey(line)
                guard !key.isEmpty, !headings.contains(key) else { continue }
                for var fact in parse(line, rowLabels: rowLabels) where !fact.value.isEmpty {
                    fact.section = section
                    fact.passage = index
                    if seen.insert(lineKey(fact.line)).inserted { facts.append(fact) }
                }
            }
        }
        return facts
    }

    /// The headings of a passage: its own and those on its path.
    static func headingNames(of passage: Comparer.Passage) -> [String] {
        var names = passage.headingPath.components(separatedBy: " > ").filter { !$0.isEmpty }
        if let heading = passage.heading, !heading.isEmpty, names.last != heading { names.append(heading) }
        return names
    }

    /// The passage's nearest heading without its numbering ("4.1 Annual leave" → "Annual leave").
    static func sectionName(of passage: Comparer.Passage) -> String {
        let heading = passage.heading ?? passage.headingPath.components(separatedBy: " > ").last ?? ""
        return withoutNumbering(heading)
    }

    /// The heading without its numbering ("4.1 Annual leave" becomes "Annual leave").
    static func withoutNumbering(_ heading: String) -> String {
        let trimmed = heading.trimmingCharacters(in: .whitespaces)
        let pattern = #"^(?:§\s*)?(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+"#
        guard let range = trimmed.range(of: pattern, options: .regularExpression) else { return trimmed }
        let rest = trimmed[range.upperBound...]
        return rest.isEmpty ? trimmed : String(rest)
    }

    // MARK: - Lines

    /// Facts of one line.
    static func parse(_ line: String, rowLabels: Set<String>) -> [ComparedFact] {
        let cells = columns(of: line)
        if cells.count >= 2, isLabel(cells[0]) {
            return [.attribute(cells[0], cells.dropFirst().joined(separator: "; "))]
        }
        let flat = cells.joined(separator: " ")
        if let row = tableRow(flat) {
            guard rowLabels.contains(lineKey(row[0].label)) else {
                return row.map { $0.label.isEmpty ? .statement($0.value) : .attribute($0.label, $0.value) }
            }
            // The first cell keys the row. Under a generic column ("Parameter", or none) the key alone names the
            // attribute: "Parameter: Rated payload; Value: 8 kg" is "Rated payload: 8 kg".
            let key = row[0].value
            let generic = genericKeyColumns.contains(lineKey(row[0].label))
            if generic && row.count == 2 { return [.attribute(key, row[1].value)] }
            let name =
                generic || key.lowercased().hasPrefix(row[0].label.lowercased()) ? key : row[0].label + " " + key
            return row.dropFirst().map { .attribute(name + " — " + $0.label, $0.value) }
        }
        var facts: [ComparedFact] = []
        for segment in segments(of: flat) {
            if let (label, value) = labelAndValue(segment) {
                facts.append(.attribute(label, value))
            } else if let (label, value) = specLine(segment) {
                facts.append(.attribute(label, value))
            } else {
                facts.append(contentsOf: SentenceSplitter.split(segment).map(ComparedFact.statement))
            }
        }
        return facts
    }

    /// The cells of a table row `Label: value; Label2: value2`, or nil when the line is not one.
    ///
    /// Every cell has a label, except perhaps a short first one (a header row with an empty first cell).
    static func tableRow(_ line: String) -> [(label: String, value: String)]? {
        let cells = line.components(separatedBy: "; ")
        guard cells.count >= 2 else { return nil }
        var row: [(label: String, value: String)] = []
        for (index, cell) in cells.enumerated() {
            if let pair = labelAndValue(cell) {
                row.append(pair)
            } else if index == 0, isLabel(cell) {
                row.append(("", cell))
            } else {
                return nil
            }
        }
        return row
    }

    /// Header names of a table's key column that say nothing about the rows.
    static let genericKeyColumns: Set<String> = [
        "", "parameter", "parameters", "feature", "features", "property", "properties", "attribute", "attributes",
        "item", "items", "specification", "specifications", "spec", "characteristic", "characteristics", "field",
        "name", "key", "metric", "criterion", "criteria", "aspect", "setting", "settings", "merkmal", "eigenschaft",
        "kenngröße",
    ]

    /// First-cell labels that start two or more table rows of the document ("Part code", "Plan").
    ///
    /// Those are the rows of a real table, keyed by that cell. A single `A: 1; B: 2` line is a list of attributes
    /// instead.
    static func repeatedRowLabels(_ document: Comparer.Document) -> Set<String> {
        var counts: [String: Int] = [:]
        for passage in document.passages {
            for line in passage.text.split(whereSeparator: \.isNewline) {
                guard let row = tableRow(sanitized(String(line))) else { continue }
                counts[lineKey(row[0].label), default: 0] += 1
            }
        }
        return Set(counts.filter { $0.value >= 2 }.keys)
    }

    /// Cells of a line aligned with tabs or runs of spaces.
    static func columns(of line: String) -> [String] {
        line.components(separatedBy: "\t")
            .flatMap { $0.components(separatedBy: "   ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// Pieces of a metadata line ("Version 3.2 · Effective 1 May 2026 · Owner: …"), or the line itself.
    static func segments(of line: String) -> [String] {
        // Dashes also join prose, so they split only three or more pieces, or two very short ones
        // ("Document WT-2025-11 - effective 1 November 2025").
        let separators = [" · ", " | ", " • ", " – ", " — ", " - "]
        for separator in separators where line.contains(separator) {
            let parts = line.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }
            let words = parts.map { $0.split(separator: " ").count }
            guard parts.count >= 2, !parts.contains(where: \.isEmpty), words.allSatisfy({ $0 <= 10 }) else { continue }
            let isDash = ["–", "—", "-"].contains(separator.trimmingCharacters(in: .whitespaces))
            if !isDash || parts.count >= 3 || words.allSatisfy({ $0 <= 4 }) { return parts }
        }
        return [line]
    }

    /// `Label: value` with a short label.
    static func labelAndValue(_ text: String) -> (label: String, value: String)? {
        guard let colon = text.range(of: ": ") else { return nil }
        let label = String(text[..<colon.lowerBound]).trimmingCharacters(in: .whitespaces)
        let value = String(text[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
        guard isLabel(label), !value.isEmpty else { return nil }
        return (label, value)
    }

    /// `Rated payload 8 kg`: one to four words, then a short figure; never a sentence.
    static func specLine(_ text: String) -> (label: String, value: String)? {
        guard !text.hasSuffix("."), !text.hasSuffix(":") else { return nil }
        let words = text.split(separator: " ")
        guard (2...7).contains(words.count),
            let figure = words.firstIndex(where: startsWithFigure),
            (1...4).contains(figure), words.count - figure <= 4
        else { return nil }
        let labelWords = words[..<figure]
        guard labelWords.first?.first?.isLetter == true,
            labelWords.allSatisfy({ $0.allSatisfy { $0.isLetter || "-()/&'".contains($0) } })
        else { return nil }
        return (labelWords.joined(separator: " "), words[figure...].joined(separator: " "))
    }

    private static func startsWithFigure(_ word: Substring) -> Bool {
        let body = word.drop(while: { "±$€£~≈<>≤≥".contains($0) })
        return body.first?.isNumber == true
    }

    /// Whether text can name an attribute: short, starting with a letter or digit, not a sentence.
    static func isLabel(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 60, let first = text.first, first.isLetter || first.isNumber,
            text.contains(where: \.isLetter)
        else { return false }
        guard text.split(separator: " ").count <= 6 else { return false }
        return !text.contains(". ") && !text.contains("? ") && !text.contains("! ") && !text.contains(": ")
    }

    // MARK: - Text

    /// The line made safe for a report and trimmed.
    ///
    /// `ComparisonReport.plain` holds the rule (no citation-like brackets, no code spans); callers split at every
    /// newline (CR included), so the line holds no break for it to fold.
    static func sanitized(_ line: String) -> String {
        ComparisonReport.plain(line).trimmingCharacters(in: .whitespaces)
    }

    /// Lower-cased with white space collapsed: the identity of a line for de-duplication.
    static func lineKey(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: ".:;, "))
    }
}
