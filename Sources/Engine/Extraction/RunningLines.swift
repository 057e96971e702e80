/// Running headers and footers: lines at the top or bottom edge of most pages of a paged document (a PDF, a text
/// file with form feeds) that repeat the same text, or differ only in a page number ("Page 2 of 4").
///
/// Body text is never taken for one: numbers that differ otherwise (a price, a record number) keep a line, and
/// callers keep everything when the lines found would be a large part of the document (every page laid out
/// alike, a form or a one-record-per-page listing).
enum RunningLines {
    /// How many lines at each edge of a page can be running lines.
    static let edgeLines = 2
    /// Running lines are a small part of a page; when they would be at least this share of a document's lines,
    /// its pages simply share one layout and the lines are its content.
    static let maximumShare = 0.5
    /// A number is a page number when it keeps its difference to the page index on at least this share of the
    /// pages that carry the line (a chapter's first page may be unnumbered or numbered differently).
    static let pageNumberAgreement = 0.8

    /// The key under which copies of one running line meet: lower case, whitespace collapsed, digit runs masked.
    static func key(_ text: String) -> String {
        var key = ""
        var previousWasDigit = false
        for character in Extractors.collapseWhitespace(text).lowercased() {
            if character.isNumber {
                if !previousWasDigit { key.append("#") }
                previousWasDigit = true
            } else {
                key.append(character)
                previousWasDigit = false
            }
        }
        return key
    }

    /// The keys of running lines.
    ///
    /// - Parameter edges: for each page, the texts of its edge lines.
    /// - Returns: keys (see `key(_:)`) found at the edges of more than half of the pages, or of a chapter's run of
    ///   pages, whose copies are the same text or differ only in a page number.
    static func keys(edges: [[String]]) -> Set<String> {
        guard edges.count >= 2 else { return [] }
        var occurrences: [String: [(page: Int, text: String)]] = [:]
        for (page, texts) in edges.enumerated() {
            var seen: Set<String> = []
            for text in texts {
                let key = key(text)
                if seen.insert(key).inserted {
                    occurrences[key, default: []].append((page, Extractors.collapseWhitespace(text).lowercased()))
                }
            }
        }
        let needed = edges.count / 2 + 1
        return Set(
            occurrences.filter { key, found in
                (found.count >= needed || key.count(where: \.isLetter) >= 3 && spansChapter(found.map(\.page)))
                    && differOnlyInPageNumber(found)
            }.keys
        )
    }

    /// A manual's chapter title runs along the top of that chapter's pages only ("How to use bzip2" on pages 5-9
    /// of 40): at least this many pages in a row carry it, every page or every other one (books print the chapter
    /// title on odd pages and the book title on even ones).
    static let chapterRun = 3

    /// Whether the pages carrying a line hold a run of `chapterRun` pages at most two apart.
    private static func spansChapter(_ pages: [Int]) -> Bool {
        var run = 1
        for (previous, page) in zip(pages, pages.dropFirst()) {
            run = page - previous <= 2 ? run + 1 : 1
            if run >= chapterRun { return true }
        }
        return false
    }

    /// Whether lines sharing one key are copies of one running line: the same text, or a number in them that
    /// moves with the page, as page numbers do.
    private static func differOnlyInPageNumber(_ found: [(page: Int, text: String)]) -> Bool {
        if Set(found.map(\.text)).count == 1 { return true }
        let numbers = found.map { Self.numbers(in: $0.text) }
        guard let count = numbers.first?.count, count > 0, numbers.allSatisfy({ $0.count == count }) else {
            return false
        }
        for position in 0..<count {
            var offsets: [Int: Int] = [:]
            for (entry, values) in zip(found, numbers) { offsets[values[position] - entry.page, default: 0] += 1 }
            if let most = offsets.values.max(), Double(most) >= Double(found.count) * pageNumberAgreement {
                return true
            }
        }
        return false
    }

    /// A line of one page, by its page index and its text as extracted.
    struct PageLine: Hashable {
        var page: Int
        var text: String
    }

    /// Page numbers standing alone at a page's edge that `keys(edges:)` cannot take as one running line, because
    /// the numbering restarts (each part of a manual from 1) or some pages carry another number at that edge (a
    /// table's last row): a bare number is a page number when the nearest page before or after it that also has
    /// one differs from it by exactly the pages between them.
    ///
    /// - Returns: the lines found, when they are on at least `pageCounterShare` of the pages (fewer are
    ///   coincidences, such as a column of figures that happens to count up).
    static func pageCounters(edges: [[String]]) -> Set<PageLine> {
        var bare: [(page: Int, number: Int, text: String)] = []
        for (page, texts) in edges.enumerated() {
            for text in texts {
                let trimmed = Extractors.collapseWhitespace(text)
                if trimmed.count <= 4, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(trimmed) {
                    bare.append((page, number, text))
                }
            }
        }
        var found: Set<PageLine> = []
        for (index, entry) in bare.enumerated() {
            let counts = [index - 1, index + 1].contains { other in
                bare.indices.contains(other) && bare[other].page != entry.page
                    && bare[other].number - entry.number == bare[other].page - entry.page
            }
            if counts { found.insert(PageLine(page: entry.page, text: entry.text)) }
        }
        return Double(found.count) >= Double(edges.count) * pageCounterShare ? found : []
    }

    /// Page numbers are on most pages; bare numbers counting up on fewer than this share of them are left alone.
    static let pageCounterShare = 0.3

    private static func numbers(in text: String) -> [Int] {
        text.split { !($0.isASCII && $0.isNumber) }.compactMap { Int($0.prefix(9)) }
    }
}
