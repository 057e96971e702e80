import Dispatch
import Glibc

/// Where the bridge's input bytes come from: stdin in the process, a script in tests.
public protocol ByteSource: Sendable {
    /// The next bytes, as many as are available up to some chunk size.
    ///
    /// Called only after the previous call returned: the bridge reads on demand, so a source that is not asked
    /// does not read, and a host writing to a full pipe blocks (bridge.md 4.4).
    ///
    /// - Returns: at least one byte, or nil at end of input.
    func read() async -> [UInt8]?
}

/// Reads a file descriptor (stdin) with blocking `read(2)` calls on a serial dispatch queue, so no thread of
/// the cooperative pool ever waits for the host.
public struct FileDescriptorByteSource: ByteSource {
    private let fd: Int32
    private let chunkSize: Int
    private let queue = DispatchQueue(label: "chatshell.bridge.stdin")

    /// - Parameters:
    ///   - fd: the descriptor to read, usually `STDIN_FILENO`.
    ///   - chunkSize: the most bytes one `read(2)` asks for.
    public init(fd: Int32, chunkSize: Int = 65_536) {
        self.fd = fd
        self.chunkSize = chunkSize
    }

    public func read() async -> [UInt8]? {
        let fd = self.fd
        let chunkSize = self.chunkSize
        return await withCheckedContinuation { continuation in
            queue.async {
                var buffer = [UInt8](repeating: 0, count: chunkSize)
                while true {
                    let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        continuation.resume(returning: Array(buffer[0..<count]))
                        return
                    }
                    if count < 0, errno == EINTR { continue }
                    if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                        _ = poll(&pfd, 1, 1_000)
                        continue
                    }
                    // End of input, or an error that makes further reading pointless: both end the input.
                    continuation.resume(returning: nil)
                    return
                }
            }
        }
    }
}
