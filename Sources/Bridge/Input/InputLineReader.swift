/// One line of input, numbered from 1, as the protocol sees it (bridge.md 2.2).
public struct InputLine: Sendable, Equatable {
    /// What the line held.
    public enum Content: Sendable, Equatable {
        /// Valid UTF-8, without CRs and the LF.
        case text(String)
        /// Not valid UTF-8: answered with `parse_error`.
        case invalidUTF8
        /// Over the line limit: answered with `too_large`; its bytes were not kept.
        case tooLarge
    }

    public var number: Int
    public var content: Content

    public init(number: Int, content: Content) {
        self.number = number
        self.content = content
    }
}

/// Splits the input byte stream into lines: strips a leading BOM and every CR, checks UTF-8, and replaces a line
/// over the limit by `.tooLarge` without holding more than the limit in memory; reading always continues.
struct InputLineReader {
    private let source: any ByteSource
    private let maxLineBytes: Int
    private var line: [UInt8] = []
    private var lineTooLarge = false
    /// The first bytes of the stream, held until it is clear whether they are a BOM.
    private var start: [UInt8]? = []
    private var lineNumber = 0
    private var ended = false
    private var ready: [InputLine] = []

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    init(source: any ByteSource, maxLineBytes: Int) {
        self.source = source
        self.maxLineBytes = maxLineBytes
    }

    /// Every complete line already read, reading more only when none is buffered.
    ///
    /// - Returns: the lines (possibly empty only at the end) and whether the input has ended.
    mutating func next() async -> (lines: [InputLine], ended: Bool) {
        while ready.isEmpty && !ended {
            if let chunk = await source.read() {
                feed(chunk[...])
            } else {
                finish()
            }
        }
        defer { ready = [] }
        return (ready, ended)
    }

    private mutating func feed(_ chunk: ArraySlice<UInt8>) {
        guard var held = start else {
            split(chunk)
            return
        }
        held += chunk
        if held.count < Self.byteOrderMark.count && Self.byteOrderMark.starts(with: held) {
            start = held
            return
        }
        start = nil
        split(held.starts(with: Self.byteOrderMark) ? held[Self.byteOrderMark.count...] : held[...])
    }

    private mutating func split(_ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while let newline = rest.firstIndex(of: 0x0A) {
            append(rest[rest.startIndex..<newline])
            completeLine()
            rest = rest[rest.index(after: newline)...]
        }
        append(rest)
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        guard !lineTooLarge, !bytes.isEmpty else { return }
        if bytes.contains(0x0D) {
            line += bytes.lazy.filter { $0 != 0x0D }
        } else {
            line += bytes
        }
        if line.count > maxLineBytes {
            // Drop what was kept: the rest of this line is skipped up to its LF.
            lineTooLarge = true
            line = []
        }
    }

    private mutating func completeLine() {
        lineNumber += 1
        let content: InputLine.Content
        if lineTooLarge {
            content = .tooLarge
        } else if let text = String(validating: line, as: UTF8.self) {
            content = .text(text)
        } else {
            content = .invalidUTF8
        }
        ready.append(InputLine(number: lineNumber, content: content))
        line.removeAll(keepingCapacity: line.count <= 65_536)
        lineTooLarge = false
    }

    private mutating func finish() {
        if let held = start {
            start = nil
            split(held[...])
        }
        if !line.isEmpty || lineTooLarge { completeLine() }
        ended = true
    }
}
