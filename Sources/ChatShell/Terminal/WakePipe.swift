import Glibc

/// A pipe that wakes a thread blocked in `poll(2)`: other threads post one-byte messages, the owning thread polls
/// `readFD` next to its real input and drains the messages.
///
/// Both ends are non-blocking: a post never blocks (a full pipe already guarantees a wake-up), and a drain stops
/// when the pipe is empty.
struct WakePipe: Sendable {
    /// The end the owning thread polls and drains.
    let readFD: Int32
    /// The end other threads post to.
    let writeFD: Int32

    /// Opens the pipe; nil when the process is out of file descriptors.
    init?() {
        guard let fds = Self.openPipe(nonBlocking: true) else { return nil }
        readFD = fds.read
        writeFD = fds.write
    }

    /// `pipe(2)` with close-on-exec on both ends (a child process must not keep them), optionally non-blocking.
    /// (`pipe2` needs `_GNU_SOURCE`, which Glibc's module map does not define.)
    ///
    /// - Parameter nonBlocking: whether both ends get `O_NONBLOCK`.
    /// - Returns: the two ends, or nil when out of file descriptors.
    static func openPipe(nonBlocking: Bool) -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
            if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        return (fds[0], fds[1])
    }

    /// Posts one message byte.
    ///
    /// - Parameter byte: the message.
    func post(_ byte: UInt8) {
        var byte = byte
        while write(writeFD, &byte, 1) < 0, errno == EINTR {}
    }

    /// Reads every pending message byte, oldest first.
    ///
    /// - Returns: the bytes; empty when none were pending.
    func drain() -> [UInt8] {
        var messages: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if count > 0 {
                messages += buffer[0..<count]
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return messages
            }
        }
    }

    /// Closes both ends.
    func close() {
        _ = Glibc.close(readFD)
        _ = Glibc.close(writeFD)
    }
}
