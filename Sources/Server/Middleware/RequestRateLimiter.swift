import Foundation
import Synchronization

/// A token bucket per caller: `limit` requests per window (a minute unless told), refilled continuously
/// (http-api.md section 10).
///
/// Continuous refill avoids the burst a fixed window allows at its edges; idle buckets are dropped now and then so
/// the table stays bounded by the callers of the last windows.
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
    /// The window `limit` applies to, in seconds.
    let window: TimeInterval
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    convenience init(perMinute limit: Int, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(limit: limit, window: 60, now: now)
    }

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.limit = limit
        self.window = max(1, window)
        self.now = now
    }

    /// Takes one request from the caller's bucket; returns the seconds to wait when it is empty, else nil.
    func acquire(_ key: String) -> Int? {
        guard limit > 0 else { return nil }
        let date = now()
        let capacity = Double(limit)
        let perSecond = capacity / window
        let window = self.window
        return state.withLock { state in
            if date.timeIntervalSince(state.lastSweep) > window {
                state.buckets = state.buckets.filter { date.timeIntervalSince($0.value.updated) < window }
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
