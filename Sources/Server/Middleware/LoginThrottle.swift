import Foundation
import Synchronization

/// Failed logins per client address and username within a window; the attempt after `limit` failures is refused
/// until the oldest failure leaves the window (http-api.md section 10).
final class LoginThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let now: @Sendable () -> Date
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    static func key(address: String, username: String) -> String {
        address + "\u{0}" + username.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    func retryAfter(_ key: String) -> Int? {
        guard limit > 0 else { return nil }
        let date = now()
        return failures.withLock { failures in
            let recent = (failures[key] ?? []).filter { date.timeIntervalSince($0) < window }
            failures[key] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, Int((window - date.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    func recordFailure(_ key: String) {
        guard limit > 0 else { return }
        let date = now()
        failures.withLock { failures in
            var recent = (failures[key] ?? []).filter { date.timeIntervalSince($0) < window }
            recent.append(date)
            failures[key] = Array(recent.suffix(limit))
            // Keeps the table bounded under a spray of usernames: old entries go first.
            if failures.count > 100_000 {
                failures = failures.filter { date.timeIntervalSince($0.value.last ?? date) < window }
            }
        }
    }

    func recordSuccess(_ key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }
}
