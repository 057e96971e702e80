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

/// A sink over a file descriptor, written with `write(2)`.
///
/// Each record goes out in one `write(2)` when the descriptor takes it whole (pipes take up to 64 KiB, and a
/// record within `PIPE_BUF` is atomic), so records never interleave within a line even if some other code were
/// to write to the same descriptor.
public struct FileDescriptorSink: RecordSink {
    /// The descriptor written to.
    public let fd: Int32

    /// - Parameter fd: an open descriptor, usually the private duplicate of stdout from
    ///   `StandardOutputTakeover.takeOver()`.
    public init(fd: Int32) {
        self.fd = fd
    }

    public func write(_ bytes: [UInt8]) -> SinkFailure? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written >= 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // Someone made the descriptor non-blocking: wait until the reader makes room.
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 1_000)
            case EPIPE:
                return .readerGone
            default:
                return .failed(errno: errno)
            }
        }
        return nil
    }

    /// Up to `PIPE_BUF` bytes go into a pipe, socket or terminal that polls writable without blocking (a pipe that
    /// polls writable has a free page), and a regular file always takes them.
    public func takesWithoutBlocking(_ count: Int) -> Bool {
        guard count <= Int(PIPE_BUF) else { return false }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&pfd, 1, 0) == 1 && pfd.revents & Int16(POLLOUT) != 0
            && pfd.revents & Int16(POLLERR | POLLHUP | POLLNVAL) == 0
    }

    /// Calls `handler` once when the reader of a pipe or socket goes away, even while nothing is being written,
    /// so a host that closes stdout ends an idle bridge too (bridge.md 2.7 and section 6, "closed stdout exits 0
    /// within 2 s").
    ///
    /// `poll(2)` always reports `POLLERR`/`POLLHUP`, whatever events are asked for, and the write end of a pipe
    /// reports `POLLERR` once no reader is left; for other descriptor kinds this does nothing.
    ///
    /// - Parameter handler: runs on a dedicated thread.
    public func watchForReaderGone(_ handler: @escaping @Sendable () -> Void) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFIFO || kind == S_IFSOCK else { return }
        let fd = self.fd
        DedicatedThread.start(name: "chatshell.bridge.hangup") {
            var pfd = pollfd(fd: fd, events: 0, revents: 0)
            while true {
                let ready = poll(&pfd, 1, -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if pfd.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                    handler()
                    return
                }
            }
        }
    }
}

/// Moves the process's stdout out of reach of stray writes (bridge.md 2.1).
public enum StandardOutputTakeover {
    /// Duplicates descriptor 1 into a private, close-on-exec descriptor for the protocol, then points descriptor
    /// 1 at stderr: `print`, C stdio and library chatter land in the log, never in the protocol stream.
    ///
    /// - Returns: the private descriptor, or nil when `dup(2)` fails (out of descriptors).
    public static func takeOver() -> Int32? {
        let privateFD = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        guard privateFD >= 0 else { return nil }
        // Flush anything C stdio already buffered for the old stdout before the descriptor changes meaning.
        fflush(nil)
        guard dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else { return nil }
        return privateFD
    }
}
