import DescriptorIO
import Glibc

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
        switch DescriptorWriter.writeAll(bytes, to: fd) {
        case nil: nil
        case EPIPE?: .readerGone
        case let error?: .failed(errno: error)
        }
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
