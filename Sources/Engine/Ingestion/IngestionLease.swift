import Foundation

/// How long a process's hold on an upload lasts without news, and how often it renews it (architecture.md
/// section 8: jobs are rows, claimed with a lease).
///
/// A queue inserts each upload leased to itself and renews all its leases every `heartbeat`; at the same pace it
/// takes up jobs whose holder is gone: the lease ran out, or the holder's process exited on this machine.
public struct IngestionLease: Sendable, Equatable {
    /// How long a hold lasts without renewal.
    ///
    /// 30 s outlasts any pause of a busy but healthy process (garbage-free Swift has no collector pauses; a
    /// loaded machine or a long write transaction stalls for seconds at most) while a document whose holder died on
    /// another machine waits half a minute, not until a restart.
    public static let defaultDuration: Duration = .seconds(30)

    /// Renewals per lease duration: a holder misses five in a row before another process may take its work.
    static let heartbeatsPerDuration = 6

    /// How many times a document's processing may start before it fails with `interrupted`.
    ///
    /// A document that crashes every process that reads it (a parser bug) would otherwise be taken up again
    /// forever; three starts survive a restart and a crash of an unrelated cause.
    public static let maxAttempts = 3

    /// The hold's length.
    public var duration: Duration

    /// A lease of `duration` (at least 0.3 s, so that a heartbeat is never shorter than 50 ms).
    public init(duration: Duration = IngestionLease.defaultDuration) {
        self.duration = max(duration, .milliseconds(300))
    }

    /// How often leases are renewed and abandoned jobs looked for.
    var heartbeat: Duration { duration / Self.heartbeatsPerDuration }

    /// When a lease taken or renewed at `date` runs out.
    func expiry(from date: Date) -> Date {
        let (seconds, attoseconds) = duration.components
        return date.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
