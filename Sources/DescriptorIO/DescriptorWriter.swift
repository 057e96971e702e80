import Glibc

/// The one loop that writes whole buffers to a file descriptor with `write(2)`: the bridge's protocol stream, the
/// MCP server's messages, the terminal's text and the history file all go through it.
///
/// Short writes continue where they stopped, `EINTR` is retried, and a descriptor someone made non-blocking
/// (`EAGAIN`) is waited on with `poll(2)` until the reader makes room, rather than spun on or given up.
///
/// ```swift
/// if let error = DescriptorWriter.writeAll(Array("hello\n".utf8), to: STDOUT_FILENO) { print(error) }
/// ```
public enum DescriptorWriter {
    /// Writes all of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: what to write.
    ///   - fd: an open descriptor.
    /// - Returns: nil once everything is written, else the `errno` that stopped it (`EPIPE`: the reader is gone).
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written >= 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 1_000)
            case let error:
                return error
            }
        }
        return nil
    }

    /// Writes all of `bytes`; see `writeAll(_:to:)` for raw buffers.
    ///
    /// - Returns: nil once everything is written, else the `errno` that stopped it.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { writeAll($0, to: fd) }
    }
}
