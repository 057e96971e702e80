public import Foundation

/// Locates the repository and its sample corpus from the test sources, never from the working directory.
public enum TestCorpus {
    /// The repository root (the folder holding `Package.swift`).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `samples/northwind`, or `CHATSHELL_CORPUS` when set.
    public static var root: URL {
        if let override = ProcessInfo.processInfo.environment["CHATSHELL_CORPUS"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.appendingPathComponent("samples/northwind")
    }

    /// The 15 documents.
    public static var documents: URL { root.appendingPathComponent("docs") }

    /// The bad-input fixtures.
    public static var bad: URL { root.appendingPathComponent("bad") }

    /// One document by file name.
    public static func document(_ name: String) -> URL { documents.appendingPathComponent(name) }

    /// All document files, sorted.
    public static func allDocuments() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: documents.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map(document)
    }

    /// The built `chatshell` binary, if `swift build` ran.
    public static var binary: URL? {
        let candidate = repositoryRoot.appendingPathComponent(".build/debug/chatshell")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }
}

/// A folder deleted when the value is released.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "chatshell-test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
