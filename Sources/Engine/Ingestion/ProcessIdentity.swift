import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Names a running process well enough to tell later, from another process, that it has certainly exited: the
/// host, the PID namespace, the process id and the process's start time (so a reused id is not mistaken for it).
///
/// A lease whose holder has exited on this machine can be taken at once (after `kill -9`, a crash, a restart)
/// instead of after the lease runs out; a holder on another host or in another PID namespace is judged by the
/// lease's expiry alone.
struct ProcessIdentity: Equatable, Sendable {
    var host: String
    var pidNamespace: String
    var pid: Int32
    /// Clock ticks after boot at which the process started (`/proc/PID/stat`, field 22).
    var startTime: String

    /// This process.
    static let current = ProcessIdentity(
        host: hostName(),
        pidNamespace: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? "",
        pid: getpid(),
        startTime: processStat(getpid())?.startTime ?? ""
    )

    /// One text column: `host|namespace|pid|start`.
    var token: String { [host, pidNamespace, String(pid), startTime].joined(separator: "|") }

    init(host: String, pidNamespace: String, pid: Int32, startTime: String) {
        self.host = host
        self.pidNamespace = pidNamespace
        self.pid = pid
        self.startTime = startTime
    }

    init?(token: String) {
        let parts = token.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let pid = Int32(parts[2]) else { return nil }
        self.init(host: parts[0], pidNamespace: parts[1], pid: pid, startTime: parts[3])
    }

    /// Whether the process named by `token` has certainly exited.
    ///
    /// It has when it ran on this host and in this PID namespace and no live process has its id and start time (a
    /// zombie counts as exited). Anything unsure is not gone.
    static func hasExited(_ token: String, from observer: ProcessIdentity = .current) -> Bool {
        guard let holder = ProcessIdentity(token: token), !holder.startTime.isEmpty, !observer.pidNamespace.isEmpty,
            holder.host == observer.host, holder.pidNamespace == observer.pidNamespace
        else { return false }
        guard let stat = processStat(holder.pid) else { return true }
        return stat.startTime != holder.startTime || stat.state == "Z" || stat.state == "X"
    }

    /// State and start time of a process from `/proc/PID/stat`; nil when there is no such process.
    private static func processStat(_ pid: Int32) -> (state: String, startTime: String)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)" come the fields from 3 on; the command name may hold spaces and parentheses.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return (String(fields[0]), String(fields[19]))
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
