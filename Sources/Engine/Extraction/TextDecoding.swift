public import Foundation

/// Turns the bytes of a text upload into normalised text (architecture.md section 4, http-api.md section 5).
public enum TextDecoding {
    /// Decodes text bytes: UTF-8 when valid (a BOM is dropped), else Windows-1252; then normalises.
    ///
    /// - Parameter data: the file's bytes.
    /// - Returns: NFC text with LF line ends and no trailing whitespace on any line.
    public static func decode(_ data: Data) -> String {
        var bytes = data[...]
        if bytes.starts(with: utf8BOM) {
            bytes = bytes.dropFirst(utf8BOM.count)
        }
        let raw = String(validating: bytes, as: UTF8.self) ?? windows1252(bytes)
        return normalise(raw)
    }

    /// Decodes like `decode(_:)`, page by page: form feeds end pages (text printed from paged documents).
    ///
    /// - Parameter data: the file's bytes.
    /// - Returns: the normalised text of each page, in order; one page when there is no form feed.
    static func decodePages(_ data: Data) -> [String] {
        var bytes = data[...]
        if bytes.starts(with: utf8BOM) {
            bytes = bytes.dropFirst(utf8BOM.count)
        }
        let raw = String(validating: bytes, as: UTF8.self) ?? windows1252(bytes)
        return raw.split(separator: "\u{0C}", omittingEmptySubsequences: false).map { normalise(String($0)) }
    }

    /// Normalises decoded text: NFC, CRLF and CR to LF, form feeds to LF, other C0 controls removed,
    /// trailing whitespace stripped from every line.
    ///
    /// - Parameter text: any text.
    /// - Returns: the normalised text.
    public static func normalise(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\r", "\u{0C}":
                scalars.append("\n")
            case "\n":
                // The CR of a CRLF pair already produced the line end.
                if !previousWasCR { scalars.append(scalar) }
            case "\t":
                scalars.append(scalar)
            case "\u{FEFF}" where scalars.isEmpty:
                continue
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                scalars.append(scalar)
            }
        }
        let cleaned = String(scalars)
        // ASCII is its own NFC form, and there each byte is one `Character`: lines are trimmed byte by byte.
        if let ascii = cleaned.utf8.withContiguousStorageIfAvailable(trimmingLineEndsOfASCII) ?? nil {
            return ascii
        }
        let composed = cleaned.precomposedStringWithCanonicalMapping
        return
            composed
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                var end = line.endIndex
                while end > line.startIndex, line[line.index(before: end)].isWhitespaceFast {
                    end = line.index(before: end)
                }
                return line[..<end]
            }
            .joined(separator: "\n")
    }

    /// ASCII text without the white space at the end of each line; nil when a byte is not ASCII.
    private static func trimmingLineEndsOfASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var lineStart = 0
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            if byte == 0x0A {
                while result.count > lineStart,
                    result[result.count - 1] == 0x20
                        || (0x09...0x0D).contains(result[result.count - 1])
                {
                    result.removeLast()
                }
                result.append(byte)
                lineStart = result.count
            } else {
                result.append(byte)
            }
        }
        while result.count > lineStart,
            result[result.count - 1] == 0x20
                || (0x09...0x0D).contains(result[result.count - 1])
        {
            result.removeLast()
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Whether the bytes are valid UTF-8 (a leading BOM allowed).
    static func isValidUTF8(_ data: Data) -> Bool {
        String(validating: data, as: UTF8.self) != nil
    }

    // MARK: - Windows-1252

    private static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Code points of bytes 0x80-0x9F; the five bytes Windows-1252 leaves undefined map to their C1 controls,
    /// as browsers do, so decoding never fails.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func windows1252<S: Sequence<UInt8>>(_ bytes: S) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = (0x80...0x9F).contains(byte) ? cp1252High[Int(byte) - 0x80] : UInt32(byte)
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}
