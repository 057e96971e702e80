import Crypto
import Foundation

/// The last line of an `.actual` file, `#! from NAME.chat sha256=HEX`: which transcript it was written from and
/// that file's digest, so `replay accept` refuses an `.actual` whose transcript changed since (transcripts.md
/// section 8).
enum ActualFileStamp {
    /// The stamp for a transcript named `name` whose bytes are `contents`.
    static func line(name: String, contents: Data) -> String {
        let hex = SHA256.hash(data: contents).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }
        return "#! from \(name) sha256=\(hex.joined())"
    }
}
