/// The time a completion's first-token and idle limits are counted on.
///
/// The app counts on the continuous clock. A test gives a clock whose limit expires on an event it chooses (once
/// the model server has the request), since a loaded machine may otherwise spend a short limit before the
/// request is even sent.
public struct CompletionClock: Sendable {
    /// The current instant.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Returns at the deadline, or earlier; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (_ deadline: ContinuousClock.Instant) async throws -> Void

    /// A clock from its two parts.
    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (_ deadline: ContinuousClock.Instant) async throws -> Void
    ) {
        self.now = now
        self.sleep = sleep
    }

    /// Real time.
    public static let continuous = CompletionClock(
        now: { ContinuousClock.now },
        sleep: { deadline in try await Task.sleep(until: deadline, clock: .continuous) }
    )
}
