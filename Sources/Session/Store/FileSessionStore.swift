public import Foundation

/// One JSON file per named session in a folder (`$XDG_STATE_HOME/chatshell/sessions`), replaced atomically and
/// readable by the owner only.
public final class FileSessionStore: SessionStore {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func save(_ session: SavedSession) throws {
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(session)
        let target = url(for: session.name)
        let temporary = directory.appendingPathComponent(".\(session.name).\(UUID().uuidString).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path,
                contents: data,
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw SessionError.cannotWrite(target.path)
        }
        guard rename(temporary.path, target.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw SessionError.cannotWrite(target.path)
        }
    }

    public func load(name: String) throws -> SavedSession? {
        let file = url(for: name)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(SavedSession.self, from: data)
        } catch {
            throw SessionError.unreadable(file.path)
        }
    }

    public func list() throws -> [SessionSummary] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .compactMap { file in try? load(name: String(file.dropLast(5))) }
            .sorted { $0.updatedAt > $1.updatedAt }
            .map { SessionSummary(name: $0.name, updatedAt: $0.updatedAt, turnCount: $0.turns.count) }
    }

    private func url(for name: String) -> URL {
        directory.appendingPathComponent(name + ".json")
    }
}
