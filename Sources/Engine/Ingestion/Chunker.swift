import Foundation

/// One passage ready to be stored and indexed.
struct ChunkDraft: Sendable, Hashable {
    var ordinal: Int
    var headingPath: [String]
    var pageStart: Int?
    var pageEnd: Int?
    /// Unicode scalar offsets into the extracted text.
    var charStart: Int
    var charEnd: Int
    var text: String

    /// The nearest heading, if any.
    var heading: String? { headingPath.last }
}

/// Cuts extracted blocks into passages by structure (architecture.md section 6): about `target` characters,
/// at most `maximum`, cut at sentences with about `overlap` characters of whole-sentence overlap, never across a
/// heading; table rows and list items stay whole, and code keeps its lines (cut between lines when too long).
struct Chunker: Sendable {
    var target = 800
    var maximum = 1200
    var overlap = 150

    /// The text every offset refers to: blocks joined by blank lines.
    static func extractedText(of blocks: [TextBlock]) -> String {
        blocks.map(\.text).joined(separator: "\n\n")
    }

    /// Splits the document into chunks.
    ///
    /// - Parameters:
    ///   - blocks: The document's blocks in reading order.
    ///   - title: The document's title: a paragraph that only repeats it (a page's banner, a PDF's cover line)
    ///     says nothing the title does not, and as a passage of one word it would outrank real text in search.
    /// - Returns: The passages in document order.
    func chunks(of blocks: [TextBlock], title: String? = nil) -> [ChunkDraft] {
        let banner = title.map(Self.comparable)
        func repeatsTitle(_ block: TextBlock) -> Bool {
            block.kind == .paragraph && banner != nil && Self.comparable(block.text) == banner
        }
        // A document that is nothing but its title keeps it.
        let dropsBanner = blocks.contains { block in
            if case .heading = block.kind { return false }
            return !repeatsTitle(block)
        }
        var drafts: [ChunkDraft] = []
        var headings: [(level: Int, text: String)] = []
        var pending: [Unit] = []
        var offset = 0

        func flush() {
            guard pending.contains(where: { !$0.isHeading }) else { return }
            drafts.append(contentsOf: pack(pending, headingPath: headings.map(\.text), startOrdinal: drafts.count))
            pending.removeAll()
        }

        for block in blocks {
            let length = block.text.unicodeScalars.count
            switch block.kind {
            case .heading(let level):
                flush()
                pending.removeAll()
                while let last = headings.last, last.level >= level { headings.removeLast() }
                headings.append((level, block.text))
                pending.append(
                    Unit(text: block.text, start: offset, page: block.page, isHeading: true, isSentence: false)
                )
            case .paragraph:
                if dropsBanner, repeatsTitle(block) { break }
                pending.append(contentsOf: sentenceUnits(of: block.text, start: offset, page: block.page))
            case .code:
                pending.append(contentsOf: codeUnits(of: block.text, start: offset, page: block.page))
            case .listItem, .tableRow:
                if length > maximum {
                    pending.append(contentsOf: sentenceUnits(of: block.text, start: offset, page: block.page))
                } else {
                    pending.append(
                        Unit(text: block.text, start: offset, page: block.page, isHeading: false, isSentence: false)
                    )
                }
            }
            offset += length + 2
        }
        flush()
        return drafts
    }

    /// Text as compared with a title: case and runs of white space aside.
    private static func comparable(_ text: String) -> String {
        // Every paragraph is compared: ASCII text (most of it) is lowered and collapsed byte by byte, as
        // `lowercased` and `isWhitespace` treat ASCII.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return Extractors.collapseWhitespace(
                String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
            )
        }
        return text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: - Packing

    private struct Unit {
        var text: String
        var start: Int
        var page: Int?
        var isHeading: Bool
        var isSentence: Bool
        /// The text's length in Unicode scalars, counted once: packing asks for it at every step.
        let length: Int
        var end: Int { start + length }

        init(text: String, start: Int, page: Int?, isHeading: Bool, isSentence: Bool) {
            self.text = text
            self.start = start
            self.page = page
            self.isHeading = isHeading
            self.isSentence = isSentence
            length = text.unicodeScalars.count
        }
    }

    /// Sentences of a paragraph with their offsets; a sentence over the maximum is cut at word boundaries.
    private func sentenceUnits(of text: String, start: Int, page: Int?) -> [Unit] {
        var units: [Unit] = []
        let scalars = Array(text.unicodeScalars)
        var searchFrom = 0
        for sentence in SentenceSplitter.split(text) {
            let sentenceScalars = Array(sentence.unicodeScalars)
            let position = Self.find(sentenceScalars, in: scalars, from: searchFrom) ?? searchFrom
            searchFrom = position + sentenceScalars.count
            for (pieceOffset, piece) in cut(sentence) {
                units.append(
                    Unit(
                        text: piece,
                        start: start + position + pieceOffset,
                        page: page,
                        isHeading: false,
                        isSentence: true
                    )
                )
            }
        }
        return units
    }

    /// A code block as one unit, or, when longer than the maximum, as runs of whole lines of about the target
    /// size, so every passage of it still shows its lines as written.
    private func codeUnits(of text: String, start: Int, page: Int?) -> [Unit] {
        func unit(_ piece: String, at offset: Int) -> Unit {
            Unit(text: piece, start: start + offset, page: page, isHeading: false, isSentence: false)
        }
        guard text.unicodeScalars.count > maximum else { return [unit(text, at: 0)] }
        var units: [Unit] = []
        var piece: [Substring] = []
        var pieceStart = 0
        var pieceLength = 0
        var lineStart = 0
        func close() {
            let joined = piece.joined(separator: "\n")
            if !joined.allSatisfy(\.isWhitespace) { units.append(unit(joined, at: pieceStart)) }
            piece = []
            pieceLength = 0
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let length = line.unicodeScalars.count
            if !piece.isEmpty, pieceLength + length + 1 > target { close() }
            if piece.isEmpty { pieceStart = lineStart }
            if length > maximum {
                // One overlong line (minified code, a long command) is cut like a sentence.
                close()
                units.append(contentsOf: cut(String(line)).map { unit($0.1, at: lineStart + $0.0) })
            } else {
                piece.append(line)
                pieceLength += length + 1
            }
            lineStart += length + 1
        }
        close()
        return units
    }

    private func cut(_ sentence: String) -> [(Int, String)] {
        let scalars = Array(sentence.unicodeScalars)
        guard scalars.count > maximum else { return [(0, sentence)] }
        var pieces: [(Int, String)] = []
        var begin = 0
        while begin < scalars.count {
            var end = min(begin + target, scalars.count)
            if end < scalars.count, let space = scalars[begin..<end].lastIndex(where: { $0 == " " }), space > begin {
                end = space
            }
            let piece = String(String.UnicodeScalarView(scalars[begin..<end])).trimmingCharacters(in: .whitespaces)
            if !piece.isEmpty { pieces.append((begin, piece)) }
            begin = end
            while begin < scalars.count, scalars[begin] == " " { begin += 1 }
        }
        return pieces
    }

    private static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        var index = from
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    private func pack(_ units: [Unit], headingPath: [String], startOrdinal: Int) -> [ChunkDraft] {
        var drafts: [ChunkDraft] = []
        var current: [Unit] = []
        var currentLength = 0

        func emit() {
            guard current.contains(where: { !$0.isHeading }), let first = current.first, let last = current.last else {
                return
            }
            let pages = current.compactMap(\.page)
            drafts.append(
                ChunkDraft(
                    ordinal: startOrdinal + drafts.count,
                    headingPath: headingPath,
                    pageStart: pages.min(),
                    pageEnd: pages.max(),
                    charStart: first.start,
                    charEnd: last.end,
                    text: render(current, heading: headingPath.last)
                )
            )
        }

        for unit in units {
            let wouldBe = currentLength + unit.length + 1
            if !current.isEmpty, current.contains(where: { !$0.isHeading }),
                currentLength >= target || wouldBe > maximum
            {
                emit()
                // Whole trailing sentences of the previous chunk carry over, so a fact cut at the boundary stays
                // readable in context. Only the sentences it ends with: one above a code block, a table or a list
                // ("… look like the following:") would be carried without what it introduces.
                var carried: [Unit] = []
                var carriedLength = 0
                for previous in current.reversed() {
                    if !previous.isSentence || carriedLength + previous.length > overlap { break }
                    carried.insert(previous, at: 0)
                    carriedLength += previous.length + 1
                }
                if carried.count == current.count { carried.removeAll() }
                current = carried
                currentLength = carriedLength
            }
            current.append(unit)
            currentLength += unit.length + 1
        }
        emit()
        return drafts
    }

    /// Joins units: sentences of one paragraph with a space, everything else on its own line.
    ///
    /// A chunk that continues a section starts with the section's heading, so a cited passage always says what it
    /// is about.
    private func render(_ units: [Unit], heading: String?) -> String {
        var text = ""
        if let heading, units.first?.isHeading == false { text = heading + "\n" }
        var previous: Unit?
        for unit in units {
            if let previous {
                let sameParagraph = previous.isSentence && unit.isSentence && unit.start <= previous.end + 1
                text += sameParagraph ? " " : "\n"
            }
            text += unit.text
            previous = unit
        }
        return text
    }
}
