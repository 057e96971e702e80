import Foundation

/// The working state of one comparison: the documents' facts, what is aligned, and the report so far.
struct ComparisonBuilder {
    /// A fact prepared for alignment.
    struct Fact: Sendable {
        var document: Int
        /// Position within its document.
        var order: Int
        var fact: ComparedFact
        var label: ComparisonText
        /// The value of an attribute; the whole line of a statement.
        var value: ComparisonText
        /// The attribute name with qualifiers ("reach base axi to wrist flange").
        var fullKey: String
        /// The attribute name without parenthetical qualifiers ("reach").
        var baseKey: String
        var sectionKey: String

        var reference: ComparisonReport.Reference { .init(document: document, passage: fact.passage) }
        var position: [Int] { [document, order] }
    }

    let documents: [Comparer.Document]
    let identities: [DocumentIdentity]
    var facts: [[Fact]]
    /// Facts already placed in a report line, by document.
    var used: [Set<Int>]
    var report = ComparisonReport()
    /// The value words of each reported difference, by document, with the attribute's name key (empty for
    /// sentences): a later difference that one of these already explains (the same price restated in a longer
    /// line) is not repeated.
    var reportedDifferences: [(name: String, words: [Int: Set<String>])] = []
    /// Aligned attributes whose values differ, for computed insights.
    var differingAttributes: [[Fact]] = []

    init(documents: [Comparer.Document]) {
        self.documents = documents
        let identities = DocumentIdentity.identities(titles: documents.map(\.title))
        self.identities = identities
        facts = documents.enumerated().map { index, document in
            let identity = identities[index]
            return AttributeExtractor.facts(of: document).enumerated().map { order, fact in
                let label = ComparisonText(fact.label, identity: identity)
                let base = fact.label.replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression)
                return Fact(
                    document: index,
                    order: order,
                    fact: fact,
                    label: label,
                    value: ComparisonText(fact.kind == .attribute ? fact.value : fact.line, identity: identity),
                    fullKey: Self.nameKey(label),
                    baseKey: Self.nameKey(ComparisonText(base, identity: identity)),
                    sectionKey: Self.nameKey(ComparisonText(fact.section, identity: identity))
                )
            }
        }
        used = documents.map { _ in [] }
    }

    /// An attribute or heading name as a key: its words, plurals folded.
    static func nameKey(_ text: ComparisonText) -> String {
        text.keys.map(ComparisonText.stem).joined(separator: " ")
    }

    // MARK: - Attributes

    /// Aligns attributes present in two or more documents: first by section and full name, then by full name,
    /// then by name without qualifiers; each attribute fact joins at most one group.
    mutating func alignAttributes() {
        let passes: [(Fact) -> String] = [
            { $0.fullKey.isEmpty ? "" : $0.sectionKey + "|" + $0.fullKey },
            { $0.fullKey },
            { $0.baseKey },
        ]
        var groups: [[Fact]] = []
        for key in passes {
            for document in documents.indices {
                for fact in facts[document] where fact.fact.kind == .attribute && !used[document].contains(fact.order) {
                    let wanted = key(fact)
                    guard !wanted.isEmpty else { continue }
                    var members = [fact]
                    for other in documents.indices where other != document {
                        if let match = facts[other].first(where: {
                            $0.fact.kind == .attribute && !used[other].contains($0.order) && key($0) == wanted
                        }) {
                            members.append(match)
                        }
                    }
                    guard members.count >= 2 else { continue }
                    members.sort { $0.document < $1.document }
                    for member in members { used[member.document].insert(member.order) }
                    groups.append(members)
                }
            }
        }
        // Document order, so that the short form of a value ("USD 31,500") is judged before a longer
        // restatement that it explains.
        groups.sort { $0[0].position.lexicographicallyPrecedes($1[0].position) }
        for group in groups { judge(group) }
    }

    /// Turns an aligned attribute into a similarity, a difference, or both (shared and differing sentences).
    mutating func judge(_ group: [Fact]) {
        // Contact details (an e-mail address, a web address, a phone number) say how to reach someone, not what a
        // document's subject is: they are neither a similarity nor a difference.
        if group.contains(where: { ContactDetail.isContact($0.fact.value) }) {
            for fact in group { used[fact.document].insert(fact.order) }
            return
        }
        let name = attributeName(group)
        if Set(group.map(\.value.joinedKey)).count == 1 {
            addSimilarity(name: name, texts: group.map(\.value), facts: group)
            return
        }
        let identity = group.map { identities[$0.document] }
        let sentences = group.map { SentenceSplitter.split($0.fact.value) }
        if sentences.contains(where: { $0.count > 1 }) {
            let keyed = zip(sentences, identity).map { list, identity in
                list.map { ComparisonText($0, identity: identity) }
            }
            let sharedKeys = keyed.dropFirst().reduce(Set(keyed[0].map(\.joinedKey))) {
                $0.intersection($1.map(\.joinedKey))
            }
            let remainders = keyed.map { $0.filter { !sharedKeys.contains($0.joinedKey) } }
            if !sharedKeys.isEmpty, remainders.allSatisfy({ !$0.isEmpty }) {
                let shared = zip(keyed, identity).map { list, identity in
                    Self.joined(list.filter { sharedKeys.contains($0.joinedKey) }, identity: identity)
                }
                addSimilarity(name: name, texts: shared, facts: group)
                addDifference(
                    name: name,
                    texts: zip(remainders, identity).map { Self.joined($0, identity: $1) },
                    facts: group
                )
                return
            }
        }
        if let (shared, remainders) = Self.listParts(group.map(\.value), identities: identity) {
            addSimilarity(name: name, texts: shared, facts: group)
            addDifference(name: name, texts: group.map(\.value), facts: group, shown: remainders)
            return
        }
        if addDifference(name: name, texts: group.map(\.value), facts: group) {
            differingAttributes.append(group)
        }
    }

    /// For values that are lists ("NR-X200 arm, NC-20 controller, TP-10 teach pendant"), the items all share and
    /// each value's other items, when every value has three or more items, some shared and some its own.
    static func listParts(
        _ values: [ComparisonText],
        identities: [DocumentIdentity]
    ) -> (shared: [ComparisonText], own: [String])? {
        let items = zip(values, identities).map { value, identity in
            listItems(value.text).map { ComparisonText($0, identity: identity) }
        }
        guard items.allSatisfy({ $0.count >= 3 }) else { return nil }
        let keySets = items.map { Set($0.map(\.joinedKey)) }
        let common = keySets.dropFirst().reduce(keySets[0]) { $0.intersection($1) }
        let own = items.map { list in list.filter { !common.contains($0.joinedKey) } }
        guard !common.isEmpty, own.allSatisfy({ !$0.isEmpty }) else { return nil }
        let shared = zip(items, identities).map { list, identity in
            ComparisonText(
                list.filter { common.contains($0.joinedKey) }.map(\.text).joined(separator: ", "),
                identity: identity
            )
        }
        return (shared, own.map { display($0.map(\.text).joined(separator: ", ")) })
    }

    /// The items of a list value of three or more items.
    ///
    /// Items are split at ", " and "; " outside brackets, and the last item at " and ". Shorter values are one
    /// item.
    static func listItems(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        var previous: Character?
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth = max(0, depth - 1) }
            if depth == 0, character == " ", previous == "," || previous == ";" {
                current.removeLast()
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        items.append(current)
        items = items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard items.count >= 3 else { return [text] }
        if let last = items.last, !last.contains("(") {
            let parts = last.components(separatedBy: " and ")
            if parts.count == 2 { items = items.dropLast() + parts }
        }
        return items
    }

    /// Sentences as one comparable text.
    private static func joined(_ sentences: [ComparisonText], identity: DocumentIdentity) -> ComparisonText {
        guard sentences.count != 1 else { return sentences[0] }
        return ComparisonText(sentences.map(\.text).joined(separator: " "), identity: identity)
    }

    /// The attribute's name for the line, plus each member's qualifier when the names differ beyond it.
    private func attributeName(_ group: [Fact]) -> (text: String, qualifiers: [String]) {
        let labels = group.map(\.fact.label)
        if Set(labels.map { $0.lowercased() }).count == 1 { return (labels[0], labels.map { _ in "" }) }
        if Set(group.map(\.fullKey)).count == 1 { return (Self.merged(group.map(\.label)), labels.map { _ in "" }) }
        let base = labels[0].replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression)
        let qualifiers = labels.map { label -> String in
            guard let open = label.firstIndex(of: "("), let close = label.lastIndex(of: ")"), open < close else {
                return ""
            }
            return String(label[open...close])
        }
        return (base, qualifiers)
    }

    // MARK: - Lines

    /// Adds "Name: shared value [1][2]." citing every fact.
    mutating func addSimilarity(
        name: (text: String, qualifiers: [String]),
        texts: [ComparisonText],
        facts: [Fact],
        section: String? = nil
    ) {
        let value = Self.display(Self.merged(texts))
        let prefix = name.text.isEmpty ? (section.map { $0.isEmpty ? "" : $0 + ": " } ?? "") : name.text + ": "
        report.similarities.append(
            ComparisonReport.Line(
                pieces: [.text(prefix + value), .cite(facts.map(\.reference)), .text(".")],
                position: facts[0].position,
                attribute: name.text,
                topic: name.text + " " + value,
                context: facts[0].fact.section
            )
        )
        for fact in facts { used[fact.document].insert(fact.order) }
    }

    /// Adds "Name: value A [1] vs value B [2]." unless an earlier difference already says it.
    ///
    /// - Parameters:
    ///   - name: the attribute's name (empty for sentences) and each fact's qualifier.
    ///   - texts: the compared value of each fact.
    ///   - facts: the facts, one per document.
    ///   - section: the heading that prefixes a line without a name.
    ///   - shown: the text shown per fact, when not the whole value.
    ///   - hunks: for sentences, the differing words shown per fact, run by run; the line is left out when an
    ///     earlier difference explains each run of every fact ("It lifts a rated payload of 8 kg" after "Rated
    ///     payload: 8 kg vs 14 kg"). Attributes are left out when an earlier difference of the same name explains
    ///     all their differing words.
    /// - Returns: whether the line was added.
    @discardableResult
    mutating func addDifference(
        name: (text: String, qualifiers: [String]),
        texts: [ComparisonText],
        facts: [Fact],
        section: String? = nil,
        shown: [String]? = nil,
        hunks: [[Set<String>]]? = nil
    ) -> Bool {
        for fact in facts { used[fact.document].insert(fact.order) }
        let documentsOfLine = facts.map(\.document)
        let nameKey = hunks == nil ? facts[0].baseKey : ""
        func explains(_ record: [Int: Set<String>], _ words: [Set<String>]) -> Bool {
            zip(documentsOfLine, words).allSatisfy { document, words in
                guard let known = record[document] else { return false }
                return words.isSubset(of: known)
            }
        }
        let repeated: Bool
        if let hunks {
            let runs = hunks.map(\.count)
            repeated =
                Set(runs).count == 1 && runs[0] > 0
                && (0..<runs[0]).allSatisfy { run in
                    reportedDifferences.contains { explains($0.words, hunks.map { $0[run] }) }
                }
        } else {
            let differing = Self.differingWords(texts)
            repeated = reportedDifferences.contains { $0.name == nameKey && explains($0.words, differing) }
        }
        if repeated { return false }
        var record: [Int: Set<String>] = [:]
        for (document, text) in zip(documentsOfLine, texts) { record[document, default: []].formUnion(text.keys) }
        reportedDifferences.append((nameKey, record))

        // One entry per distinct value, citing every document that has it.
        var classes: [(key: String, texts: [ComparisonText], shown: String, facts: [Fact])] = []
        for (index, text) in texts.enumerated() {
            let qualifier = name.qualifiers.indices.contains(index) ? name.qualifiers[index] : ""
            let key = text.joinedKey + "|" + qualifier.lowercased()
            let display = shown?[index] ?? Self.display(text.text)
            let withQualifier = qualifier.isEmpty ? display : display + " " + qualifier
            if let existing = classes.firstIndex(where: { $0.key == key }) {
                classes[existing].texts.append(text)
                classes[existing].facts.append(facts[index])
            } else {
                classes.append((key, [text], withQualifier, [facts[index]]))
            }
        }
        let prefix = name.text.isEmpty ? (section.map { $0.isEmpty ? "" : $0 + ": " } ?? "") : name.text + ": "
        var pieces: [ComparisonReport.Piece] = [.text(prefix)]
        for (index, entry) in classes.enumerated() {
            let shownText = entry.texts.count > 1 && shown == nil ? Self.display(Self.merged(entry.texts)) : entry.shown
            pieces.append(.text((index == 0 ? "" : " vs ") + shownText))
            pieces.append(.cite(entry.facts.map(\.reference)))
        }
        pieces.append(.text("."))
        report.differences.append(
            ComparisonReport.Line(
                pieces: pieces,
                position: facts[0].position,
                attribute: name.text,
                topic: name.text + " " + classes.map(\.shown).joined(separator: " "),
                context: facts[0].fact.section
            )
        )
        return true
    }

    /// For each text, its content words that not every other text has.
    static func differingWords(_ texts: [ComparisonText]) -> [Set<String>] {
        let sets = texts.map { Set($0.tokens.filter { !$0.isFunctionWord }.map(\.key)) }
        let common = sets.dropFirst().reduce(sets[0]) { $0.intersection($1) }
        return sets.map { $0.subtracting(common) }
    }

    /// The longest text shown for one value; longer ones are cut at a word.
    static let maxValueCharacters = 320

    /// A value as shown in a line: one line, without the final full stop, at most `maxValueCharacters`.
    static func display(_ text: String) -> String {
        var result = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = result.last, ".;,:".contains(last) { result.removeLast() }
        if result.count > maxValueCharacters {
            let cut = result.prefix(maxValueCharacters)
            result = (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
        }
        return result
    }

    /// The text of equal values: the first one, with each document's own name shown as `A/B` where they differ
    /// ("NR-X200/NR-X300 arm").
    static func merged(_ texts: [ComparisonText]) -> String {
        guard let first = texts.first else { return "" }
        guard texts.count > 1, texts.allSatisfy({ $0.tokens.count == first.tokens.count }) else { return first.text }
        var result = ""
        var cursor = first.text.startIndex
        for (index, token) in first.tokens.enumerated() where token.key.contains("§") {
            var variants: [String] = []
            for text in texts {
                let word = String(text.text[text.tokens[index].range])
                if !variants.contains(word) { variants.append(word) }
            }
            guard variants.count > 1 else { continue }
            result += first.text[cursor..<token.range.lowerBound]
            result += variants.joined(separator: "/")
            cursor = token.range.upperBound
        }
        result += first.text[cursor...]
        return result
    }

    // MARK: - Finishing

    /// The report in document order; with a query, the items it mentions come first.
    func finish(focusedOn query: String?) -> ComparisonReport {
        var result = report
        let byPosition: (ComparisonReport.Line, ComparisonReport.Line) -> Bool = {
            $0.position.lexicographicallyPrecedes($1.position)
        }
        result.similarities.sort(by: byPosition)
        result.differences.sort(by: byPosition)
        guard let query, query != Comparer.defaultQuery else { return result }
        let titleWords = Set(documents.flatMap { QueryAnalyzer.tokens(TermMatcher.fold($0.title)) })
        let passages = documents.map { $0.passages.map { TermMatcher($0.text) } }
        // A term that most passages of every compared document contain names what the documents are about, as a
        // title word does ("arm" in two robot-arm sheets), not the item a question asks about.
        func namesTheSubject(_ term: QueryTerm) -> Bool {
            passages.allSatisfy { matchers in
                let share = Double(matchers.count { $0.contains(term) }) / Double(max(matchers.count, 1))
                return share >= Self.subjectShare
            }
        }
        let terms = QueryAnalyzer.terms(query).filter {
            !QueryAnalyzer.isFrame($0) && !titleWords.contains(TermMatcher.fold($0.text))
                && !Self.queryFrameWords.contains($0.text) && !namesTheSubject($0)
        }
        guard !terms.isEmpty else { return result }
        func score(_ line: ComparisonReport.Line) -> Int {
            let attribute = TermMatcher(line.attribute)
            let topic = TermMatcher(line.topic)
            let context = TermMatcher(line.context)
            // A term naming the item's attribute says what is asked about ("the longer warranty" asks about the
            // warranty, not about an item whose value says "longer reach"): it counts most; one in the item's
            // values counts twice as much as one only in its section heading.
            return terms.reduce(0) {
                $0 + (attribute.contains($1) ? 3 : topic.contains($1) ? 2 : (context.contains($1) ? 1 : 0))
            }
        }
        func focus(_ lines: [ComparisonReport.Line]) -> [ComparisonReport.Line] {
            let matching = lines.map(score)
            // Stable: higher scores first, document order otherwise.
            return lines.indices.sorted { matching[$0] != matching[$1] ? matching[$0] > matching[$1] : $0 < $1 }
                .map { lines[$0] }
        }
        result.similarities = focus(result.similarities)
        result.differences = focus(result.differences)
        result.insights = focus(result.insights)
        // The direct answer: the best-scoring item, a difference before a similarity before an insight on a tie
        // (the question is usually about what differs); none when nothing shares a term.
        var best: (line: ComparisonReport.Line, score: Int)?
        for line in result.differences + result.similarities + result.insights {
            let value = score(line)
            if value > 0, value > best?.score ?? 0 { best = (line, value) }
        }
        result.bestMatch = best?.line
        return result
    }

    /// The share of each compared document's passages a query term must occur in to count as the documents' common
    /// subject rather than an item asked about: most of them.
    static let subjectShare = 0.5

    /// Words of a compare request that say what to do rather than what about.
    static let queryFrameWords: Set<String> = [
        "similarities", "similarity", "similar", "same", "specification", "specifications", "spec", "specs", "sheet",
        "sheets", "product", "products", "vs", "versus", "against", "both",
    ]
}
