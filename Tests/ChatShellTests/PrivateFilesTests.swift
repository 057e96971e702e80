import ChatTestSupport
import Foundation
import Glibc
import Testing

/// Every file the real binary writes is its owner's alone under the usual umask 022 (issue 15, architecture.md
/// section 5): the local store and the server's store with their write-ahead logs and shared memory, the server's
/// signing secret, the REPL's history and sessions, and the credentials of a login, each folder 0700 and each file
/// 0600, seen while the programs run and after they exit.
@Suite(.serialized) struct PrivateFilesTests {
    /// A file's permission bits, or nil when it is missing.
    private static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Every path under `root` (itself included) with its permission bits and whether it is a folder.
    private static func tree(_ root: URL) -> [(path: String, mode: mode_t, isFolder: Bool)] {
        var info = stat()
        guard lstat(root.path, &info) == 0 else { return [] }
        var entries = [(root.path, info.st_mode & 0o7777, info.st_mode & S_IFMT == S_IFDIR)]
        guard info.st_mode & S_IFMT == S_IFDIR,
            let names = try? FileManager.default.contentsOfDirectory(atPath: root.path)
        else { return entries }
        for name in names.sorted() { entries += tree(root.appendingPathComponent(name)) }
        return entries
    }

    /// The paths under `roots` that others could use: folders not 0700, files not 0600.
    private static func loose(_ roots: [URL]) -> [String] {
        roots.flatMap(tree).compactMap { entry in
            entry.mode == (entry.isFolder ? 0o700 : 0o600) ? nil : "\(entry.path) is \(String(entry.mode, radix: 8))"
        }
    }

    @Test func everyFileTheProgramWritesIsOwnerOnlyUnderUmask022() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let root = TemporaryDirectory()
        // The programs run through a wrapper that sets the umask most systems give a login shell.
        let wrapper = root.url.appendingPathComponent("chatshell-umask-022")
        try "#!/bin/sh\numask 022\nexec '\(binary.path)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let home = root.url.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // No CHATSHELL_HOME: the XDG defaults under $HOME, as a user has them.
        let environment = [
            "HOME": home.path, "TERM": "xterm", "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        let localStore = home.appendingPathComponent(".local/share/chatshell")
        let state = home.appendingPathComponent(".local/state/chatshell")
        let config = home.appendingPathComponent(".config/chatshell")
        let serverStore = root.url.appendingPathComponent("server-data")

        // The local store, while the REPL holds it open (write-ahead log and shared memory present).
        let local = try PseudoTerminal(executable: wrapper, arguments: [], environment: environment)
        #expect(await local.waitFor("> "))
        local.type("/upload \(TestCorpus.document("employee-handbook.md").path)\r")
        #expect(await local.waitFor("Indexed employee-handbook.md"))
        local.type("/remember The spare keys are in the blue cabinet.\r")
        #expect(await local.waitFor("Remembered"))
        let mark = local.text.count
        local.type("How many days of paid annual leave does a full-time employee get per year?\r")
        #expect(await local.waitFor("Sources:", after: mark))
        let openLocal = Self.tree(localStore).map(\.path)
        #expect(openLocal.contains { $0.hasSuffix("chatshell.sqlite-wal") })
        #expect(openLocal.contains { $0.hasSuffix("chatshell.sqlite-shm") })
        #expect(Self.loose([localStore]) == [])
        local.type("/quit\r")
        #expect(await local.waitForExit() == 0)

        // A server's store and signing secret while it runs, and a client's credentials after /register.
        let server = try await ServerProcess(binary: wrapper, dataDirectory: serverStore)
        let remote = try PseudoTerminal(
            executable: wrapper,
            arguments: ["--server", server.url],
            environment: environment
        )
        #expect(await remote.waitFor("> "))
        remote.type("/register dana@example.com\r")
        #expect(await remote.waitFor("Password for dana@example.com: "))
        remote.type("correct horse battery staple\r")
        #expect(await remote.waitFor("Registered and logged in"))
        remote.type("/upload \(TestCorpus.document("employee-handbook.md").path)\r")
        #expect(await remote.waitFor("Indexed employee-handbook.md"))
        let openServer = Self.tree(serverStore).map(\.path)
        #expect(openServer.contains { $0.hasSuffix("chatshell.sqlite-wal") })
        #expect(Self.loose([serverStore]) == [])
        remote.type("/quit\r")
        #expect(await remote.waitForExit() == 0)
        #expect(await server.stop() == 0)

        // After every program exited: each file it wrote, and that the ones named above exist.
        let written = [localStore, state, config, serverStore].flatMap(Self.tree).map(\.path)
        for expected in [
            localStore.appendingPathComponent("chatshell.sqlite"),
            serverStore.appendingPathComponent("chatshell.sqlite"),
            state.appendingPathComponent("history"), state.appendingPathComponent("sessions"),
            config.appendingPathComponent("credentials"),
        ] {
            #expect(written.contains(expected.path), "\(expected.path) was not written")
        }
        #expect(written.contains { $0.hasPrefix(state.appendingPathComponent("sessions/").path) })
        #expect(Self.loose([localStore, state, config, serverStore]) == [])
        #expect(Self.mode(serverStore.path) == 0o700)
    }
}
