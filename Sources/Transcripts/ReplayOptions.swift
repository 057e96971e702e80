public import Foundation

/// How `chatshell replay` (and `swift test`) runs transcripts; the test environment comes in here as parameters,
/// never through the process environment (transcripts.md section 7).
public struct ReplayOptions: Sendable {
    /// verify, accept, or accept from existing `.actual` files without running.
    public enum Mode: Sendable, Equatable {
        case verify
        case accept
        case acceptFromActual
    }

    public var mode: Mode
    /// Drift fails.
    public var strict: Bool
    /// Stop at the first failing file.
    public var failFast: Bool
    /// Nothing is written; a `.actual` next to a transcript fails it as stale.
    public var ci: Bool
    /// Diffs of drifted files too, skip reasons, kept directories.
    public var verbose: Bool
    /// Keep each transcript's temporary data directory.
    public var keep: Bool
    /// Files replayed in parallel.
    public var jobs: Int
    /// The nearest ancestor with `Package.swift`: corpus paths and slash-command paths resolve here, and `PATH`
    /// defaults to its `transcripts/`.
    public var repositoryRoot: URL
    /// False when no `Package.swift` was found: `repositoryRoot` is then the current directory, and each
    /// transcript's paths resolve from its own folder, so users can replay what `/save` wrote where it wrote it.
    public var insideRepository: Bool
    /// Paths are shown relative to this folder.
    public var currentDirectory: URL
    /// `CHATSHELL_CORPUS`: paths under `samples/northwind/` resolve inside it.
    public var corpusOverride: URL?
    /// `CHATSHELL_LLM_URL` is set.
    public var modelConfigured: Bool
    /// The driver can run `answerer=model`.
    public var modelSupported: Bool
    /// The first output line, naming a server backend.
    public var backendLine: String?

    public init(
        mode: Mode = .verify,
        strict: Bool = false,
        failFast: Bool = false,
        ci: Bool = false,
        verbose: Bool = false,
        keep: Bool = false,
        jobs: Int = 1,
        repositoryRoot: URL,
        insideRepository: Bool = true,
        currentDirectory: URL? = nil,
        corpusOverride: URL? = nil,
        modelConfigured: Bool = false,
        modelSupported: Bool = false,
        backendLine: String? = nil
    ) {
        self.mode = mode
        self.strict = strict
        self.failFast = failFast
        self.ci = ci
        self.verbose = verbose
        self.keep = keep
        self.jobs = max(1, jobs)
        self.repositoryRoot = repositoryRoot
        self.insideRepository = insideRepository
        self.currentDirectory = currentDirectory ?? repositoryRoot
        self.corpusOverride = corpusOverride
        self.modelConfigured = modelConfigured
        self.modelSupported = modelSupported
        self.backendLine = backendLine
    }

    /// CI mode from the environment: `CI` set and not empty, `0` or `false`.
    public static func isCI(_ environment: [String: String]) -> Bool {
        guard let value = environment["CI"]?.trimmingCharacters(in: .whitespaces) else { return false }
        return !value.isEmpty && value != "0" && value.lowercased() != "false"
    }

    /// Where a transcript's corpus and slash-command paths resolve: the repository root, or outside any repository
    /// the transcript's own folder (transcripts.md section 3).
    public func root(for transcript: URL) -> URL {
        insideRepository ? repositoryRoot : transcript.deletingLastPathComponent()
    }

    /// The nearest ancestor of `start` (itself included) holding `Package.swift`.
    public static func repositoryRoot(from start: URL) -> URL? {
        var url = start.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// The files of `@ corpus` paths (or `record --corpus`), in the order they are indexed.
    ///
    /// - Throws: a usage message for a path that does not exist, or duplicate file names.
    public func corpusFiles(_ paths: [String], transcript: URL) throws(TranscriptUsageError) -> [URL] {
        let resolver = CorpusResolver(
            transcriptDirectory: transcript.deletingLastPathComponent(),
            repositoryRoot: root(for: transcript),
            corpusOverride: corpusOverride
        )
        do {
            return try resolver.resolve(paths.map { TranscriptCorpusPath(path: $0, line: 0) })
        } catch let error {
            throw TranscriptUsageError(error.message)
        }
    }
}
