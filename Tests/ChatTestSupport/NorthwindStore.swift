public import ChatAPI
public import Engine
import Foundation

/// A real `KnowledgeBase` on a temporary data directory, with (some of) the Northwind corpus ingested.
public struct NorthwindStore: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let directory: TemporaryDirectory
    /// Document ids by file name.
    public let ids: [String: String]

    public init(knowledgeBase: KnowledgeBase, directory: TemporaryDirectory, ids: [String: String]) {
        self.knowledgeBase = knowledgeBase
        self.directory = directory
        self.ids = ids
    }

    /// Ingests the named documents (all 15 by default) and waits until each is ready.
    public static func make(
        documents names: [String]? = nil,
        configure: (inout EngineConfiguration) -> Void = { _ in }
    ) async throws -> NorthwindStore {
        let directory = TemporaryDirectory(prefix: "chatshell-store")
        var configuration = EngineConfiguration(dataDirectory: directory.url)
        configure(&configuration)
        let knowledgeBase = try KnowledgeBase(configuration: configuration)
        var ids: [String: String] = [:]
        let files = names.map { $0.map(TestCorpus.document) } ?? TestCorpus.allDocuments()
        for file in files {
            let response = try await knowledgeBase.upload(file: file, title: nil, shared: false, as: .local).response
            let status = try await knowledgeBase.waitUntilProcessed(id: response.documentId, as: .local)
            guard status.status == "completed" else {
                throw EngineError.internalError("\(file.lastPathComponent) failed: \(status.error ?? "?")")
            }
            ids[file.lastPathComponent] = response.documentId
        }
        return NorthwindStore(knowledgeBase: knowledgeBase, directory: directory, ids: ids)
    }

    /// Asks a question and collects every event.
    public func events(
        _ question: String,
        conversationId: String? = nil,
        as principal: Principal = .local
    ) async throws -> [StreamEvent] {
        var events: [StreamEvent] = []
        let stream = try knowledgeBase.ask(QueryRequest(query: question, conversationId: conversationId), as: principal)
        for try await event in stream { events.append(event) }
        return events
    }
}

extension [StreamEvent] {
    /// The `done` event, if the stream ended with one.
    public var done: DoneEvent? {
        for event in self { if case .done(let done) = event { return done } }
        return nil
    }

    /// The sources event's list.
    public var sources: [Source] {
        for event in self { if case .sources(let sources) = event { return sources } }
        return []
    }

    /// The cited sources' file names.
    public var citedFiles: [String] {
        guard let done else { return [] }
        let cited = Set(done.citations.map(\.n))
        return sources.filter { cited.contains($0.n) }.compactMap(\.filename)
    }
}
