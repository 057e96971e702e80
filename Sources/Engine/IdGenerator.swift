import Foundation
import Synchronization

/// Opaque ids with a kind prefix (`doc_`, `chk_`, …): at most 64 characters of `[A-Za-z0-9_-]`.
public enum IdGenerator {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A prefix plus `length` random base62 characters.
    public static func random(prefix: String, length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let body = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        return prefix + String(body)
    }

    /// The live id maker: 12 random characters after the prefix.
    @Sendable public static func random(_ prefix: String) -> String {
        random(prefix: prefix, length: 12)
    }

    /// An id maker counting per prefix (`doc_1`, `doc_2`, …), for deterministic runs.
    public static func sequential() -> @Sendable (String) -> String {
        let counters = Mutex<[String: Int]>([:])
        return { prefix in
            let next = counters.withLock { counters in
                counters[prefix, default: 0] += 1
                return counters[prefix, default: 0]
            }
            return "\(prefix)\(next)"
        }
    }
}
