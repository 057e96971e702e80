import Glibc

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
