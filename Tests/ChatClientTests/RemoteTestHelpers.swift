import Foundation
import Synchronization

/// A fresh directory under the system's temporary folder, removed when the value goes away.
final class RemoteScratchDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("chatshell-remote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    var path: String { url.path }
}

/// Upload progress reports, collected from the transfer thread.
final class UploadProgressLog: Sendable {
    private let entries = Mutex<[(sent: Int64, total: Int64)]>([])

    func record(_ sent: Int64, _ total: Int64) {
        entries.withLock { $0.append((sent, total)) }
    }

    var last: (sent: Int64, total: Int64)? { entries.withLock { $0.last } }
}

/// Messages a backend passed to its notice callback.
final class NoticeLog: Sendable {
    private let entries = Mutex<[String]>([])

    func record(_ message: String) {
        entries.withLock { $0.append(message) }
    }

    var messages: [String] { entries.withLock { $0 } }
}
