import Foundation
import Synchronization

/// A token bucket per caller: `limit` requests a minute, refilled continuously (http-api.md section 10).
///
/// Continuous refill avoids the burst a fixed window allows at its edges; idle buckets are dropped now and then so
/// the table stays bounded by the callers of the last minutes.
final class RequestRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var lastSweep = Date.distantPast
    }

    let limit: Int
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    init(perMinute limit: Int, now: @escaping @Sendable () -> Date = { Date() }) {
        self.limit = limit
        self.now = now
    }

    /// Takes one request from the caller's bucket; returns the seconds to wait when it is empty, else nil.
    func acquire(_ key: String) -> Int? {
        guard limit > 0 else { return nil }
        let date = now()
        let capacity = Double(limit)
        let perSecond = capacity / 60
        return state.withLock { state in
            if date.timeIntervalSince(state.lastSweep) > 60 {
                state.buckets = state.buckets.filter { date.timeIntervalSince($0.value.updated) < 60 }
                state.lastSweep = date
            }
            var bucket = state.buckets[key] ?? Bucket(tokens: capacity, updated: date)
            bucket.tokens = min(capacity, bucket.tokens + date.timeIntervalSince(bucket.updated) * perSecond)
            bucket.updated = date
            defer { state.buckets[key] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}

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
