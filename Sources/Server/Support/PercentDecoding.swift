/// Percent-decoding (RFC 3986 section 2.1) to bytes, one reading for query strings and RFC 5987 header values.
enum PercentDecoding {
    /// The bytes `text` stands for.
    ///
    /// - Parameters:
    ///   - text: the encoded text.
    ///   - plusIsSpace: whether `+` means a space, as in form-encoded query strings.
    /// - Returns: nil when a `%` is not followed by two hex digits.
    static func bytes(_ text: Substring, plusIsSpace: Bool) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace: bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
