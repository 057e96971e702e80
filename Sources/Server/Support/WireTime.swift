import Foundation

/// Durations as the wire writes them: whole milliseconds (timestamps are `ChatAPI.Timestamp`).
enum WireTime {
    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
