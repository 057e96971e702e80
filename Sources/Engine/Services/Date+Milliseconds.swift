import Foundation

extension Date {
    /// Whole milliseconds from this date to `later`, never negative (an injected clock may step backwards); the
    /// unit of every `timings_ms` field.
    func milliseconds(until later: Date) -> Int {
        max(0, Int((later.timeIntervalSince(self) * 1000).rounded()))
    }
}
