import ChatAPI
import Foundation
import Testing

@testable import ChatClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct CredentialStoreTests {
    static func mode(_ path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Writes a file with an exact mode, whatever the umask.
    static func writeFile(_ path: String, _ contents: Data, mode: mode_t) throws {
        try contents.write(to: URL(fileURLWithPath: path))
        chmod(path, mode)
    }

    static let sample = ServerCredentials(
        accessToken: "eyJ.a.b",
        refreshToken: "rt_Qa8",
        accessExpiresAt: Date(timeIntervalSince1970: 1_773_480_605),
        refreshExpiresAt: Date(timeIntervalSince1970: 1_774_085_405),
        email: "dana@northwind.example",
        userId: "usr_1",
        role: .admin,
        anonSessionId: nil
    )

    @Test func savesWithMode0600InA0700Folder() throws {
        // Given a config home without a chatshell folder
        let home = try RemoteScratchDirectory()
        let path = home.path + "/chatshell/credentials"
        let store = CredentialStore(path: path)

        // When credentials are saved
        try store.save(Self.sample, for: "http://127.0.0.1:8000")

        // Then the folder and the file are private, and the credentials come back
        #expect(Self.mode(home.path + "/chatshell") == 0o700)
        #expect(Self.mode(path) == 0o600)
        #expect(try store.credentials(for: "http://127.0.0.1:8000") == Self.sample)
        #expect(try CredentialStore(path: path).credentials(for: "http://127.0.0.1:8000") == Self.sample)
    }

    @Test func keepsServersApartAndOtherKeysIntact() throws {
        let home = try RemoteScratchDirectory()
        let path = home.path + "/credentials"
        try Self.writeFile(path, Data(#"{"llm_api_key":"sk-test"}"#.utf8), mode: 0o600)
        let store = CredentialStore(path: path)

        try store.save(Self.sample, for: "http://127.0.0.1:8000")
        try store.save(ServerCredentials(anonSessionId: "anon_7Qm2"), for: "https://docs.example.com")

        #expect(try store.credentials(for: "http://127.0.0.1:8000") == Self.sample)
        #expect(try store.credentials(for: "https://docs.example.com") == ServerCredentials(anonSessionId: "anon_7Qm2"))
        #expect(try store.credentials(for: "http://elsewhere") == ServerCredentials())
        let top = try APIJSON.decode([String: JSONValue].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(top["llm_api_key"] == "sk-test")
        #expect(Self.mode(path) == 0o600)

        // Emptied credentials leave the file.
        try store.save(ServerCredentials(), for: "https://docs.example.com")
        let servers = try APIJSON.decode([String: JSONValue].self, from: Data(contentsOf: URL(fileURLWithPath: path)))[
            "servers"
        ]
        #expect(servers?.objectValue?.keys.sorted() == ["http://127.0.0.1:8000"])
    }

    @Test func refusesAFileOthersCanRead() throws {
        // Given a credentials file with mode 0644
        let home = try RemoteScratchDirectory()
        let path = home.path + "/credentials"
        try Self.writeFile(path, Data("{}".utf8), mode: 0o644)
        let store = CredentialStore(path: path)

        // Then reading, saving and validating all refuse it with the command that fixes it
        let expected = BackendError.local(
            "Refusing to read credentials from \(path): its mode 0644 lets other users read your tokens. "
                + "Run `chmod 600 \(path)` and try again.",
            details: ["path": .string(path)]
        )
        #expect(throws: expected) { try store.credentials(for: "http://127.0.0.1:8000") }
        #expect(throws: expected) { try store.save(Self.sample, for: "http://127.0.0.1:8000") }
        #expect(throws: expected) { try store.validate() }
        #expect(Self.mode(path) == 0o644)

        // And after the chmod it works
        chmod(path, 0o600)
        try store.validate()
    }

    @Test func chmodHintQuotesPathsWithSpaces() throws {
        let home = try RemoteScratchDirectory()
        try FileManager.default.createDirectory(atPath: home.path + "/my config", withIntermediateDirectories: true)
        let path = home.path + "/my config/credentials"
        try Self.writeFile(path, Data("{}".utf8), mode: 0o640)
        #expect(throws: BackendError.self) { try CredentialStore(path: path).validate() }
        do {
            try CredentialStore(path: path).validate()
        } catch {
            #expect(error.localizedDescription.contains("its mode 0640"))
            #expect(error.localizedDescription.contains("Run `chmod 600 '\(path)'` and try again."))
        }
    }

    @Test func refusesAFolderOthersCanWriteTo() throws {
        let home = try RemoteScratchDirectory()
        let folder = home.path + "/chatshell"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o777)
        let path = folder + "/credentials"
        #expect(
            throws: BackendError.local(
                "Refusing to keep credentials in \(folder): its mode 0777 lets other users replace files there. "
                    + "Run `chmod 700 \(folder)` and try again.",
                details: ["path": .string(path)]
            )
        ) {
            try CredentialStore(path: path).save(Self.sample, for: "http://127.0.0.1:8000")
        }
    }

    @Test func missingFileMeansNoCredentials() throws {
        let home = try RemoteScratchDirectory()
        let store = CredentialStore(path: home.path + "/none/credentials")
        #expect(try store.credentials(for: "http://127.0.0.1:8000") == ServerCredentials())
        try store.validate()
    }

    @Test func corruptFileSaysHowToRecover() throws {
        let home = try RemoteScratchDirectory()
        let path = home.path + "/credentials"
        try Self.writeFile(path, Data("not json".utf8), mode: 0o600)
        #expect(
            throws: BackendError.local(
                "Cannot read credentials from \(path): it is not a JSON object. Fix it, or delete it and log in again.",
                details: ["path": .string(path)]
            )
        ) {
            try CredentialStore(path: path).credentials(for: "http://127.0.0.1:8000")
        }
    }
}
