import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps the store private: its folder 0700 and the database with its companions 0600, whatever the umask, because
/// they hold password and refresh-token hashes and every user's documents, conversations and memories
/// (architecture.md section 5).
///
/// SQLite creates `-wal`, `-shm` and `-journal` with the mode of the database file, so the database is created
/// 0600 before SQLite opens it. Looser modes left by earlier versions are tightened, each with a one-line notice.
enum StoreFiles {
    /// The database file in the data directory.
    static let databaseName = "chatshell.sqlite"
    /// The files SQLite keeps beside the database.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]
    /// Owner-only access to the folder.
    static let directoryMode: mode_t = 0o700
    /// Owner-only reading and writing of the files.
    static let fileMode: mode_t = 0o600

    /// Creates or tightens the folder and the database file.
    ///
    /// - Parameters:
    ///   - directory: the data directory.
    ///   - notice: receives one line per mode tightened.
    /// - Returns: the database file's path.
    /// - Throws: when the folder or the file cannot be created.
    static func prepare(directory: URL, notice: (String) -> Void) throws -> String {
        let folder = directory.path
        if let info = status(folder) {
            // A shared sticky folder (/tmp) is left alone: it is not ours to close, and the files inside still are.
            if info.owner == geteuid(), info.mode & 0o077 != 0, info.mode & 0o1000 == 0 {
                tighten(folder, from: info.mode, to: directoryMode, notice: notice)
            }
        } else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            chmod(folder, directoryMode)
        }
        let database = directory.appendingPathComponent(databaseName).path
        if status(database) == nil {
            // An empty file is a new database to SQLite; creating it here fixes the mode its companions inherit.
            let descriptor = open(database, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
            if descriptor >= 0 {
                fchmod(descriptor, fileMode)
                close(descriptor)
            } else if errno != EEXIST {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: database])
            }
        }
        for path in [database] + companionSuffixes.map({ database + $0 }) {
            if let info = status(path), info.mode & 0o077 != 0 {
                tighten(path, from: info.mode, to: fileMode, notice: notice)
            }
        }
        return database
    }

    /// The permission bits and owner of a path, nil when it does not exist.
    private static func status(_ path: String) -> (mode: mode_t, owner: uid_t)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint32Value
        else { return nil }
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value ?? uid_t.max
        return (mode_t(mode), uid_t(owner))
    }

    private static func tighten(_ path: String, from mode: mode_t, to wanted: mode_t, notice: (String) -> Void) {
        let old = String(mode & 0o7777, radix: 8)
        let new = String(wanted, radix: 8)
        if chmod(path, wanted) == 0 {
            notice("chatshell: tightened \(path) from \(old) to \(new): other users could read the store.")
        } else {
            notice(
                "chatshell: \(path) is \(old), readable by other users, and cannot be changed "
                    + "(\(String(cString: strerror(errno)))). Run `chmod \(new) \(path)`."
            )
        }
    }
}
