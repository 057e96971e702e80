public import Engine
public import Foundation

/// An embedded backend on a fresh store in a temporary folder of its own, for runs that must leave the user's data
/// alone and nothing behind: `eval --corpus` ingests its corpus into one, `replay` runs each transcript on one.
///
/// The folder is created 0700 from the start (what the engine would otherwise tighten it to, with a notice) and
/// deleted by `remove()`; a caller that keeps it for a look after a failing run just does not call it.
///
/// ```swift
/// let store = try TemporaryEmbeddedBackend(purpose: "eval") { directory in
///     try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory))
/// }
/// defer { store.remove() }
/// let backend = store.backend()
/// ```
public final class TemporaryEmbeddedBackend: Sendable {
    /// The store's folder.
    public let directory: URL
    /// The engine on it.
    public let knowledgeBase: KnowledgeBase

    /// Creates the folder and the engine on it.
    ///
    /// - Parameters:
    ///   - purpose: a word for the folder's name (`chatshell-PURPOSE-UUID`), so a kept one says what left it.
    ///   - makeKnowledgeBase: builds the engine on the folder (the caller's answerer, clock and ids).
    /// - Throws: the folder's or the engine's error; a folder already made is removed again.
    public init(purpose: String, makeKnowledgeBase: (URL) throws -> KnowledgeBase) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatshell-\(purpose)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        do {
            knowledgeBase = try makeKnowledgeBase(directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        self.directory = directory
    }

    /// The backend on the store, acting for `principal` (the local admin unless a transcript asks for a role).
    public func backend(as principal: Principal = .local) -> EmbeddedBackend {
        EmbeddedBackend(knowledgeBase: knowledgeBase, principal: principal)
    }

    /// Deletes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
