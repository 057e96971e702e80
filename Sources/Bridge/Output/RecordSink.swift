import Glibc

/// Why a sink stopped taking bytes.
public enum SinkFailure: Sendable, Equatable {
    /// The reader went away (`EPIPE`): cancel everything and exit 0 (bridge.md 2.7).
    case readerGone
    /// Any other write error (`EIO`, `EBADF`, …): a fatal bridge fault, exit 1.
    case failed(errno: Int32)
}

/// Where the single writer puts whole records; `write` may block while the reader is slow.
public protocol RecordSink: Sendable {
    /// Writes all of `bytes` (one record with its LF), repeating short writes.
    ///
    /// Called only from the writer's own thread, one record at a time.
    ///
    /// - Parameter bytes: the encoded record.
    /// - Returns: nil once everything is written, else why it could not be.
    func write(_ bytes: [UInt8]) -> SinkFailure?

    /// Whether `count` bytes would be taken at once, without blocking: then a producer may write them itself
    /// instead of handing them to the writer's thread.
    func takesWithoutBlocking(_ count: Int) -> Bool
}

extension RecordSink {
    /// By default a sink is written from the writer's thread only.
    public func takesWithoutBlocking(_ count: Int) -> Bool { false }
}
