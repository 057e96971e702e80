import Foundation

extension ComparisonBuilder {
    /// A sentence (or an attribute no other document has) prepared for pairing.
    struct Statement {
        var fact: Fact
        var text: ComparisonText
        /// Keys with inflections folded ("listed" = "listing"), for pairing only.
        var pairKeys: [String]
        var content: Set<String>

        var id: [Int] { fact.position }
    }

    /// Sentences and left-over attributes: equal ones become similarities; near pairs (the same sentence with a
    /// few other words, or the same subject with another predicate) become differences quoting the differing words.
    mutating func alignStatements() {
        var statements = documents.indices.map { document in
            facts[document].filter { !used[document].contains($0.order) }.map { fact in
                let text =
                    fact.fact.kind == .attribute
                    ? ComparisonText(fact.fact.line, identity: identities[document]) : fact.value
                let keys = text.keys.map(Self.pairStem)
                return Statement(
                    fact: fact,
                    text: text,
                    pairKeys: keys,
                    // The document's own name counts: "Kestrel was launched in" pairs with "Osprey was launched in".
                    content: Set(keys.filter { !ComparisonText.functionWords.contains($0) || $0 == "§" })
                )
            }
        }

        // Equal sentences.
        var groups: [String: [Statement]] = [:]
        var keys: [String] = []
        for list in statements {
            for statement in list where statement.content.count >= 2 {
                let key = statement.text.joinedKey
                if groups[key] == nil { keys.append(key) }
                if groups[key, default: []].contains(where: { $0.fact.document == statement.fact.document }) {
                    continue
                }
                groups[key, default: []].append(statement)
            }
        }
        for key in keys {
            guard let members = groups[key], members.count >= 2 else { continue }
            addSimilarity(
                name: ("", []),
                texts: members.map(\.text),
                facts: members.map(\.fact),
                section: members[0].fact.fact.section
            )
        }
        statements = statements.map { list in list.filter { !used[$0.fact.document].contains($0.fact.order) } }

        // Near pairs, best first; a sentence pairs with at most one sentence of each other document.
        var candidates: [(score: Double, a: Statement, b: Statement)] = []
        for first in documents.indices {
            for second in documents.indices where second > first {
                for a in statements[first] {
                    for b in statements[second] {
                        if let score = Self.pairScore(a, b) { candidates.append((score, a, b)) }
                    }
                }
            }
        }
        candidates.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.a.id != $1.a.id { return $0.a.id.lexicographicallyPrecedes($1.a.id) }
            return $0.b.id.lexicographicallyPrecedes($1.b.id)
        }
        var partners: [[Int]: Set<Int>] = [:]
        var parent: [[Int]: [Int]] = [:]
        var byId: [[Int]: Statement] = [:]
        func root(_ id: [Int]) -> [Int] {
            var current = id
            while let next = parent[current], next != current { current = next }
            return current
        }
        for candidate in candidates {
            let a = candidate.a
            let b = candidate.b
            guard partners[a.id]?.contains(b.fact.document) != true,
                partners[b.id]?.contains(a.fact.document) != true
            else { continue }
            partners[a.id, default: []].insert(b.fact.document)
            partners[b.id, default: []].insert(a.fact.document)
            byId[a.id] = a
            byId[b.id] = b
            let rootA = root(a.id)
            let rootB = root(b.id)
            parent[rootA] = rootA
            parent[rootB] = rootA
        }
        var clusters: [[Int]: [Statement]] = [:]
        for (id, statement) in byId { clusters[root(id), default: []].append(statement) }
        let ordered = clusters.values.map { members -> [Statement] in
            var seen: Set<Int> = []
            return members.sorted { $0.id.lexicographicallyPrecedes($1.id) }
                .filter { seen.insert($0.fact.document).inserted }
        }
        .filter { $0.count >= 2 }
        .sorted { $0[0].id.lexicographicallyPrecedes($1[0].id) }
        for cluster in ordered { compareNearPair(cluster) }
    }

    /// How well two sentences pair, or nil if they do not: mostly the same words in the same order, or the same
    /// subject (three or more leading words, two of them meaningful).
    static func pairScore(_ a: Statement, _ b: Statement) -> Double? {
        // Two attributes left over have different names: they are different things ("Part code JM-140" and
        // "Part code JM-330"), however alike their values read.
        guard a.fact.fact.kind == .statement || b.fact.fact.kind == .statement else { return nil }
        let shared = a.content.intersection(b.content).count
        guard shared >= 2 else { return nil }
        let prefix = zip(a.pairKeys, b.pairKeys).prefix(while: { $0 == $1 }).count
        let prefixContent = a.pairKeys.prefix(prefix).filter { !ComparisonText.functionWords.contains($0) || $0 == "§" }
            .count
        let union = a.content.union(b.content).count
        guard Double(shared) / Double(max(union, 1)) >= 0.3 || prefixContent >= 2 else { return nil }
        let common = Self.commonMasks(a.pairKeys, b.pairKeys).length
        let ratio = 2 * Double(common) / Double(a.pairKeys.count + b.pairKeys.count)
        let sameSubject = prefix >= 3 && prefixContent >= 2
        guard (ratio >= 0.6 && shared >= 3) || sameSubject else { return nil }
        return ratio + (sameSubject ? 0.1 : 0)
    }

    /// Reports a cluster of near-equal sentences: a difference quoting the differing words of each, and, when
    /// they say the same thing about their own subjects ("The NR-X200 Kestrel is a 6-axis collaborative robot arm
    /// for …"), the shared part as a similarity.
    mutating func compareNearPair(_ members: [Statement]) {
        var masks = members.map { [Bool](repeating: true, count: $0.pairKeys.count) }
        for index in members.indices.dropFirst() {
            let common = Self.commonMasks(members[0].pairKeys, members[index].pairKeys)
            masks[0] = zip(masks[0], common.a).map { $0 && $1 }
            masks[index] = common.b
        }
        let section = members[0].fact.fact.section
        let hunks = members.indices.map { Self.hunks(members[$0].text, common: masks[$0]) }
        // Figures, names, codes and negations make a difference clear; without them only a substantial
        // rewording (three or more meaningful words) counts, never a light one ("in" / "available from").
        let strong = members.indices.map { index in
            hunks[index].contains { run in run.contains { Self.isStrong($0, in: members[index].text) } }
        }
        let weight = members.indices.map { index in
            hunks[index].reduce(0) { $0 + members[index].text.tokens[$1].filter { !$0.isFunctionWord }.count }
        }
        if let contained = hunks.firstIndex(where: \.isEmpty) {
            // A sentence whose words all recur in the others, which only add separate clauses ("The arm weighs
            // 38.0 kg and can be mounted in any orientation") or a light rewording, is said by all of them. Extra
            // figures, names or negations make a difference; other qualifications ("outside the documented
            // grease change") leave it open, so nothing is claimed.
            let detachable = members.indices.allSatisfy { index in
                hunks[index].allSatisfy { Self.isDetachable($0, in: members[index].text) }
            }
            if !strong.contains(true), !detachable, (weight.max() ?? 0) >= 3 {
                for member in members { used[member.fact.document].insert(member.fact.order) }
                return
            }
            if detachable || !strong.contains(true) {
                var ordered = members
                ordered.swapAt(0, contained)
                addSimilarity(
                    name: ("", []),
                    texts: [members[contained].text],
                    facts: ordered.map(\.fact),
                    section: section
                )
                return
            }
        } else if !strong.contains(true), (weight.min() ?? 0) < 3 {
            // Reworded rather than different: neither a similarity nor a difference can be claimed.
            for member in members { used[member.fact.document].insert(member.fact.order) }
            return
        }
        addSharedLead(members, section: section)

        var shown: [String] = []
        var explained: [[Set<String>]] = []
        for (index, member) in members.enumerated() {
            let chosen = Self.shownHunks(hunks[index], in: member.text)
            if chosen.isEmpty {
                shown.append(Self.display(member.text.text))
            } else {
                shown.append(Self.window(member.text, hunks: chosen))
            }
            explained.append(
                chosen.map { run in Set(member.text.tokens[run].filter { !$0.isFunctionWord }.map(\.key)) }
            )
        }
        addDifference(
            name: ("", []),
            texts: members.map(\.text),
            facts: members.map(\.fact),
            section: section,
            shown: shown,
            hunks: explained
        )
    }

    /// Words that turn a statement around: a run holding one is never a mere addition.
    static let negations: Set<String> = [
        "not", "no", "never", "none", "without", "neither", "nor", "cannot", "except", "unless", "only", "nicht",
        "kein", "keine", "keinen", "ohne", "nie",
    ]

    /// Whether a differing word makes a difference clear: a figure, a code, a negation, or a name (a capital
    /// inside the word, or a capitalised word inside a sentence: "ForceSense", "Skyway").
    static func isStrong(_ index: Int, in text: ComparisonText) -> Bool {
        let token = text.tokens[index]
        if token.hasDigit || negations.contains(token.key) { return true }
        let word = text.text[token.range]
        guard let first = word.first, first.isUppercase else { return false }
        if word.dropFirst().contains(where: \.isUppercase) { return true }
        var before = token.range.lowerBound
        while before > text.text.startIndex {
            before = text.text.index(before: before)
            let character = text.text[before]
            if character.isWhitespace { continue }
            return !".:;!?(\"“'‘•·-–—".contains(character)
        }
        return false
    }

    /// Whether a run of extra words is a clause of its own: it starts a clause (or with a conjunction), ends one
    /// (or with "and"), and negates nothing.
    static func isDetachable(_ run: ClosedRange<Int>, in text: ComparisonText) -> Bool {
        let tokens = text.tokens
        guard !tokens[run].contains(where: { negations.contains($0.key) }) else { return false }
        let conjunctions: Set<String> = ["and", "but", "while", "which", "so", "und", "sowie"]
        let starts = tokens[run.lowerBound].startsClause || conjunctions.contains(tokens[run.lowerBound].key)
        let ends =
            run.upperBound == tokens.count - 1 || tokens[run.upperBound + 1].startsClause
            || conjunctions.contains(tokens[run.upperBound].key)
        return starts && ends
    }

    /// "Overview: 6-axis collaborative robot arm [1][2]." when the sentences begin alike after their subjects.
    private mutating func addSharedLead(_ members: [Statement], section: String) {
        let prefix =
            members.dropFirst().map { member in
                zip(members[0].pairKeys, member.pairKeys).prefix(while: { $0 == $1 }).count
            }
            .min() ?? 0
        let keys = members[0].pairKeys
        guard prefix >= 4, let subjectEnd = keys.prefix(prefix).lastIndex(of: "§") else { return }
        // A figure right after the shared words makes them an attribute's name, not a shared value.
        for member in members where member.pairKeys.indices.contains(prefix) {
            if member.pairKeys[prefix].contains(where: \.isNumber) { return }
        }
        let tokens = members[0].text.tokens
        var first = subjectEnd + 1
        var last = prefix - 1
        while first <= last, tokens[first].isFunctionWord { first += 1 }
        while last >= first, tokens[last].isFunctionWord { last -= 1 }
        guard last - first + 1 >= 2, tokens[first...last].filter({ !$0.isFunctionWord }).count >= 2 else { return }
        let text = members[0].text.slice(first, last)
        report.similarities.append(
            ComparisonReport.Line(
                pieces: [
                    .text((section.isEmpty ? "" : section + ": ") + Self.display(text)),
                    .cite(members.map(\.fact.reference)), .text("."),
                ],
                position: members[0].fact.position,
                topic: text,
                context: section
            )
        )
    }

    // MARK: - Differing words

    /// Runs of words the other sentences lack, merged across gaps of up to two shared words, keeping runs with a
    /// meaningful word.
    static func hunks(_ text: ComparisonText, common: [Bool]) -> [ClosedRange<Int>] {
        var runs: [ClosedRange<Int>] = []
        var index = 0
        while index < common.count {
            guard !common[index] else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < common.count, !common[end + 1] { end += 1 }
            // Runs merge across a gap of up to two shared words, but not into the next clause.
            if let last = runs.last, index - last.upperBound - 1 <= 2,
                !text.tokens[(last.upperBound + 1)...index].contains(where: \.startsClause)
            {
                runs[runs.count - 1] = last.lowerBound...end
            } else {
                runs.append(index...end)
            }
            index = end + 1
        }
        return runs.filter { run in text.tokens[run].contains { !$0.isFunctionWord } }
    }

    /// The runs to quote: those with figures (at most three), else the first two.
    static func shownHunks(_ hunks: [ClosedRange<Int>], in text: ComparisonText) -> [ClosedRange<Int>] {
        let withFigures = hunks.filter { run in text.tokens[run].contains(where: \.hasDigit) }
        return withFigures.isEmpty ? Array(hunks.prefix(2)) : Array(withFigures.prefix(3))
    }

    /// The longest run quoted, in words.
    static let maxQuotedWords = 14
    /// Context words reached for on each side: to the sentence or clause edge when that is this close.
    static let contextWords = 6

    /// The runs with enough context to read ("It lifts a rated payload of 8 kg"), joined with `…`.
    static func window(_ text: ComparisonText, hunks: [ClosedRange<Int>]) -> String {
        let tokens = text.tokens
        var windows: [ClosedRange<Int>] = []
        var cutInside: Set<Int> = []
        for hunk in hunks {
            var end = hunk.upperBound
            if end - hunk.lowerBound + 1 > maxQuotedWords {
                end = hunk.lowerBound + maxQuotedWords - 1
                cutInside.insert(end)
            }
            var start = hunk.lowerBound
            if start <= contextWords {
                start = 0
            } else {
                var clauseStart = start
                while clauseStart > 0, !tokens[clauseStart].startsClause { clauseStart -= 1 }
                start = start - clauseStart <= contextWords ? clauseStart : start - 3
            }
            if !cutInside.contains(end) {
                var clauseEnd = end
                while clauseEnd + 1 < tokens.count, !tokens[clauseEnd + 1].startsClause { clauseEnd += 1 }
                end = clauseEnd - end <= contextWords ? clauseEnd : end + 3
            }
            if let last = windows.last, start <= last.upperBound + 1 {
                windows[windows.count - 1] = last.lowerBound...max(last.upperBound, end)
            } else {
                windows.append(start...end)
            }
        }
        var result = ""
        for (index, window) in windows.enumerated() {
            if index > 0 {
                result += " … "
            } else if window.lowerBound > 0 {
                result += "…"
            }
            result += text.slice(window.lowerBound, window.upperBound)
        }
        if let last = windows.last, last.upperBound < tokens.count - 1 {
            result += "…"
        } else {
            while let character = result.last, ".;,:".contains(character) { result.removeLast() }
        }
        return display(result)
    }

    // MARK: - Helpers

    /// Folds common English inflections, for pairing only: "listed" and "listing" both become "list".
    static func pairStem(_ key: String) -> String {
        guard key.count > 4, key.allSatisfy(\.isLetter) else { return key }
        if key.hasSuffix("ing"), key.count > 5 { return String(key.dropLast(3)) }
        if key.hasSuffix("ed"), key.count > 5 { return String(key.dropLast(2)) }
        return ComparisonText.stem(key)
    }

    /// A longest common subsequence of two word lists: which words of each are shared, and how many.
    static func commonMasks(_ a: [String], _ b: [String]) -> (a: [Bool], b: [Bool], length: Int) {
        let n = a.count
        let m = b.count
        var maskA = [Bool](repeating: false, count: n)
        var maskB = [Bool](repeating: false, count: m)
        guard n > 0, m > 0 else { return (maskA, maskB, 0) }
        let width = m + 1
        var table = [Int](repeating: 0, count: (n + 1) * width)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i * width + j] =
                    a[i] == b[j]
                    ? table[(i + 1) * width + j + 1] + 1 : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        var i = 0
        var j = 0
        while i < n, j < m {
            if a[i] == b[j] {
                maskA[i] = true
                maskB[j] = true
                i += 1
                j += 1
            } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return (maskA, maskB, table[0])
    }
}
