import Commands

/// What a terminal shows after a program's output: a grid as wide as the window, grown downwards without limit
/// (the scrollback included), fed the raw bytes a pseudo-terminal read.
///
/// It follows xterm for what our programs emit: printable characters in display columns (East Asian wide and
/// emoji 2, combining marks 0) with autowrap at the right edge, CR, LF, BS, TAB, cursor moves (`A` `B` `C` `D`
/// `G` `H`), erase in line (`K`) and display (`J`); other CSI sequences (colours, bracketed paste) and OSC
/// strings change nothing on the grid. A row the terminal had to wrap onto itself is marked `softWrapped`: that is
/// a line the program did not fit to the width, the "broken line" of issue 16.
struct ScreenModel {
    /// One screen row.
    struct Row {
        /// Cells; a wide character's second cell is the empty string.
        var cells: [String] = []
        /// True when the terminal wrapped the previous row onto this one (autowrap), not the program.
        var softWrapped = false

        /// The row's text, trailing blanks removed.
        var text: String {
            var text = cells.joined()
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    private(set) var width: Int
    private(set) var rows: [Row] = [Row()]
    private var row = 0
    private var column = 0
    /// xterm's "pending wrap": the last column was written; the next printable character wraps first.
    private var pendingWrap = false

    init(width: Int) {
        self.width = width
    }

    /// Feeds raw output.
    mutating func feed(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var scalars = Array(text.unicodeScalars)[...]
        var printable = ""
        func flushPrintable(_ model: inout ScreenModel) {
            for character in printable { model.put(character) }
            printable = ""
        }
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\u{1B}":
                flushPrintable(&self)
                escape(&scalars)
            case "\r", "\n", "\u{8}", "\t", "\u{7}":
                flushPrintable(&self)
                control(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                printable.unicodeScalars.append(scalar)
            }
        }
        flushPrintable(&self)
    }

    /// The window changes width for what follows; rows already written stay as they are (no reflow).
    mutating func resize(width: Int) {
        self.width = width
        pendingWrap = false
        column = min(column, width - 1)
    }

    /// Every row's text.
    var lines: [String] { rows.map(\.text) }

    /// The rows the terminal wrapped itself, as `(index, text)`.
    var softWraps: [(Int, String)] {
        rows.indices.filter { rows[$0].softWrapped }.map { ($0, rows[$0].text) }
    }

    // MARK: - Grid

    private mutating func put(_ character: Character) {
        let cellWidth = DisplayWidth.of(character)
        if cellWidth == 0 {
            // A combining mark joins the character before it.
            if column > 0, column - 1 < rows[row].cells.count { rows[row].cells[column - 1] += String(character) }
            return
        }
        if pendingWrap || column + cellWidth > width {
            lineFeed()
            column = 0
            rows[row].softWrapped = true
            pendingWrap = false
        }
        while rows[row].cells.count < column + cellWidth { rows[row].cells.append(" ") }
        rows[row].cells[column] = String(character)
        if cellWidth == 2 { rows[row].cells[column + 1] = "" }
        column += cellWidth
        if column >= width {
            column = width - 1
            pendingWrap = true
        }
    }

    private mutating func lineFeed() {
        row += 1
        if row == rows.count { rows.append(Row()) }
    }

    private mutating func control(_ scalar: Unicode.Scalar) {
        switch scalar {
        case "\r":
            column = 0
            pendingWrap = false
        case "\n":
            lineFeed()
            pendingWrap = false
        case "\u{8}":
            column = max(0, column - 1)
            pendingWrap = false
        case "\t":
            column = min(width - 1, (column / 8 + 1) * 8)
        default:
            break
        }
    }

    private mutating func escape(_ scalars: inout ArraySlice<Unicode.Scalar>) {
        guard let kind = scalars.popFirst() else { return }
        switch kind {
        case "[":
            var parameters = ""
            while let next = scalars.popFirst() {
                if (0x40...0x7E).contains(next.value) {
                    csi(parameters, final: next)
                    return
                }
                parameters.unicodeScalars.append(next)
            }
        case "]":
            // OSC: up to BEL or ST.
            while let next = scalars.popFirst() {
                if next == "\u{7}" { return }
                if next == "\u{1B}" {
                    _ = scalars.popFirst()
                    return
                }
            }
        default:
            return
        }
    }

    private mutating func csi(_ parameters: String, final: Unicode.Scalar) {
        if parameters.hasPrefix("?") || parameters.hasPrefix(">") { return }
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let first = numbers.first.flatMap { $0 } ?? 0
        let count = max(1, first)
        switch final {
        case "A":
            row = max(0, row - count)
        case "B":
            for _ in 0..<count { lineFeed() }
        case "C":
            column = min(width - 1, column + count)
        case "D":
            column = max(0, column - count)
        case "G":
            column = min(width - 1, count - 1)
        case "H":
            row = max(0, count - 1)
            while row >= rows.count { rows.append(Row()) }
            column = min(width - 1, max(1, numbers.count > 1 ? (numbers[1] ?? 1) : 1) - 1)
        case "K":
            let cells = rows[row].cells
            switch first {
            case 1:
                rows[row].cells =
                    Array(repeating: " ", count: min(column + 1, cells.count)) + cells.dropFirst(column + 1)
            case 2: rows[row].cells = []
            default: rows[row].cells = Array(cells.prefix(column))
            }
        case "J":
            switch first {
            case 2, 3:
                rows = rows.map { _ in Row() }
            default:
                rows[row].cells = Array(rows[row].cells.prefix(column))
                rows.removeSubrange((row + 1)...)
            }
        default:
            return
        }
        pendingWrap = false
    }
}
