import Foundation
import Glibc

/// Composes a message in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`), as Ctrl-X Ctrl-E does in bash:
/// the text goes into a private temporary file, the editor runs on the terminal, and the saved file comes back.
///
/// The editor command is run by `/bin/sh` so `EDITOR="code --wait"` works; the file name is passed as `$1`, never
/// pasted into the command.
struct ExternalEditor: Sendable {
    /// Why the editor gave nothing back.
    enum Failure: Error, Equatable {
        /// The command could not start, or exited non-zero (`:cq` in vim): nothing is sent.
        case failed(command: String, status: Int32)
        /// The temporary file could not be written or read.
        case file(String)

        var message: String {
            switch self {
            case .failed(let command, let status):
                return "The editor '\(command)' exited with status \(status); nothing was sent. "
                    + "Set VISUAL or EDITOR to the editor you use."
            case .file(let reason): return "Cannot prepare the file for the editor: \(reason)."
            }
        }
    }

    /// The command, from `$VISUAL`, `$EDITOR`, else `vi`.
    let command: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty }
        command = chosen ?? "vi"
    }

    /// Opens the editor on `text` and waits for it.
    ///
    /// - Parameter text: the starting text.
    /// - Returns: the saved text, one trailing newline removed.
    /// - Throws: `Failure` when the editor fails or the file cannot be used.
    func edit(_ text: String) throws(Failure) -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/chatshell-XXXXXX.md").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemps($0, 3) } ?? -1 }
        guard fd >= 0 else { throw .file(String(cString: strerror(errno))) }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw .file("short write to \(path)") }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " \"$1\"", "chatshell-editor", path]
        // The editor shares the terminal: stdin, stdout and stderr are inherited.
        do {
            try process.run()
        } catch {
            throw .failed(command: command, status: 127)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw .failed(command: command, status: process.terminationStatus) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .file("\(path) is gone") }
        var result = String(decoding: data, as: UTF8.self)
        if result.hasSuffix("\n") { result.removeLast() }
        return result
    }
}
