import ChatAPI
import ChatTestSupport
import Engine
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The store's folder and files are owner-only whatever the umask (architecture.md section 5, issue 15).
///
/// Serialized: the umask is the process's, and two of these tests setting and restoring it at once could leave the
/// other one's value behind.
@Suite(.serialized) struct StorePermissionTests {
    private static func mode(_ path: String) -> mode_t {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return mode_t((attributes?[.posixPermissions] as? NSNumber)?.uint32Value ?? 0)
    }

    /// Every file in the folder, with its mode.
    private static func modes(in folder: URL) throws -> [String: mode_t] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return Dictionary(uniqueKeysWithValues: names.map { ($0, mode(folder.appendingPathComponent($0).path)) })
    }

    private static func storeWithADocument(_ folder: URL, notice: @escaping @Sendable (String) -> Void) async throws {
        let knowledgeBase = try KnowledgeBase(
            configuration: EngineConfiguration(dataDirectory: folder, notice: notice)
        )
        let upload = try await knowledgeBase.upload(
            filename: "keys.txt",
            data: Data("The spare keys are in the blue cabinet.".utf8),
            title: nil,
            shared: false,
            as: .local
        ).response
        _ = try await knowledgeBase.waitUntilProcessed(id: upload.documentId, as: .local)
        // The write-ahead log and shared memory exist while the store is open.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains("chatshell.sqlite-wal"))
        #expect(names.contains("chatshell.sqlite-shm"))
        for (name, mode) in try modes(in: folder) {
            #expect(mode == 0o600, "\(name) is \(String(mode, radix: 8))")
        }
        #expect(mode(folder.path) == 0o700)
    }

    @Test func newStoreIsOwnerOnlyUnderUmask022() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let root = TemporaryDirectory()
        let folder = root.url.appendingPathComponent("data/chatshell")
        let notices = Mutex<[String]>([])
        try await Self.storeWithADocument(folder) { line in notices.withLock { $0.append(line) } }
        #expect(notices.withLock { $0 }.isEmpty)
    }

    @Test func looseExistingStoreIsTightenedWithANotice() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let root = TemporaryDirectory()
        let folder = root.url.appendingPathComponent("chatshell")
        try await Self.storeWithADocument(folder) { _ in }
        // As an earlier version left them.
        chmod(folder.path, 0o755)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            chmod(folder.appendingPathComponent(name).path, 0o644)
        }
        let notices = Mutex<[String]>([])
        try await Self.storeWithADocument(folder) { line in notices.withLock { $0.append(line) } }
        let lines = notices.withLock { $0 }
        #expect(lines.contains { $0.contains(folder.path + " from 755 to 700") })
        #expect(lines.contains { $0.contains("chatshell.sqlite from 644 to 600") })
        #expect(lines.allSatisfy { !$0.contains("\n") })
    }
}
