public import ChatAPI
public import ChatClient
public import Foundation

/// Uploads files one by one, waits for each to be indexed, and reports progress and a result per file
/// (repl.md section 3): the shared logic of `/upload`, `/admin docs upload` and `chatshell ingest`.
public struct UploadRunner: Sendable {
    /// How one file ended.
    public struct FileResult: Sendable, Equatable {
        /// The outcome kinds of `ingest`'s summary.
        public enum Outcome: Sendable, Equatable {
            case ingested(Document)
            case duplicate(Document)
            case failed(code: ErrorCode, message: String)
        }

        public var path: String
        public var outcome: Outcome

        public init(path: String, outcome: Outcome) {
            self.path = path
            self.outcome = outcome
        }

        /// The summary line of repl.md section 3.
        static func count(_ value: Int, _ noun: String) -> String {
            "\(value) \(noun)\(value == 1 ? "" : "s")"
        }

        public var line: StyledText {
            switch outcome {
            case .ingested(let document):
                var text = "Indexed \(document.filename) as \(document.id): \(Self.count(document.chunkCount, "chunk"))"
                if let pages = document.pageCount { text += ", \(Self.count(pages, "page"))" }
                return StyledText(text)
            case .duplicate(let document):
                return StyledText("Already indexed \(document.filename) as \(document.id)")
            case .failed(_, let message):
                return StyledText("error: " + message, style: .error)
            }
        }
    }

    /// Progress of the file being processed: name, fraction 0...1, stage.
    public typealias Progress = @Sendable (_ file: String, _ fraction: Double, _ stage: String) -> Void

    let backend: any Backend

    public init(backend: any Backend) {
        self.backend = backend
    }

    /// Expands folders recursively into their supported files (sorted by path) and checks the paths; what a folder
    /// holds but is not uploaded is listed in `skipped` with the reason.
    public static func plan(paths: [String], title: String?, shared: Bool, relativeTo base: URL) -> UploadPlan {
        var files: [URL] = []
        var problems: [FileResult] = []
        var skipped: [UploadPlan.Skipped] = []
        var folders: [URL] = []
        let fileManager = FileManager.default
        for path in paths {
            let expanded = UserPath.expandingTilde(path)
            let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : base.appendingPathComponent(expanded)
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                problems.append(
                    FileResult(
                        path: path,
                        outcome: .failed(code: .badRequest, message: "Cannot read '\(path)': no such file or folder.")
                    )
                )
                continue
            }
            if isDirectory.boolValue {
                let found = FolderWalk(root: url, shownAs: path)
                if found.files.isEmpty {
                    problems.append(
                        FileResult(
                            path: path,
                            outcome: .failed(
                                code: .badRequest,
                                message: "No supported files in '\(path)' (.txt, .md, .html, .pdf, .docx)."
                            )
                        )
                    )
                }
                files.append(contentsOf: found.files)
                skipped.append(contentsOf: found.skipped)
                folders.append(url)
            } else if !fileManager.isReadableFile(atPath: url.path) {
                problems.append(
                    FileResult(
                        path: path,
                        outcome: .failed(code: .badRequest, message: "Cannot read '\(path)': permission denied.")
                    )
                )
            } else {
                files.append(url)
            }
        }
        return UploadPlan(
            files: files,
            title: title,
            shared: shared,
            problems: problems,
            skipped: skipped,
            folders: folders
        )
    }

    /// Uploads one file and waits until it is indexed or failed.
    public func run(_ file: URL, title: String?, shared: Bool, progress: Progress) async -> FileResult {
        let name = file.lastPathComponent
        progress(name, 0, "uploading")
        switch await upload(file, title: title, shared: shared) {
        case .failure(let failed): return failed.result
        case .success(let response):
            return await finish(file, response) { status in
                progress(name, Double(status.progress) / 100, status.stage)
            }
        }
    }

    /// An upload the backend refused, as the file's result.
    struct Refused: Error {
        var result: FileResult
    }

    /// Hands one file to the backend.
    func upload(_ file: URL, title: String?, shared: Bool) async -> Result<UploadResponse, Refused> {
        do {
            return .success(try await backend.upload(file: file, title: title, shared: shared))
        } catch {
            return .failure(Refused(result: Self.failed(file, error)))
        }
    }

    /// Waits until an accepted upload is indexed or failed, and describes how it ended.
    func finish(
        _ file: URL,
        _ response: UploadResponse,
        progress: @Sendable (DocumentStatus) -> Void
    ) async -> FileResult {
        do {
            // A duplicate of a document still being indexed is waited for like a new one, so the result always
            // describes a finished document.
            let status = try await backend.waitUntilProcessed(id: response.documentId, progress: progress)
            progress(status)
            if status.status == "failed" {
                let reason = status.error ?? "processing failed (\(status.errorCode ?? "unknown"))"
                return FileResult(
                    path: file.path,
                    outcome: .failed(code: ErrorCode(status.errorCode ?? "internal_error"), message: reason)
                )
            }
            let document = try await backend.document(id: response.documentId)
            return FileResult(path: file.path, outcome: response.duplicate ? .duplicate(document) : .ingested(document))
        } catch {
            return Self.failed(file, error)
        }
    }

    private static func failed(_ file: URL, _ error: any Error) -> FileResult {
        if case .failure(let code, let message) = CommandOutcome.failure(error) {
            return FileResult(path: file.path, outcome: .failed(code: code, message: message))
        }
        return FileResult(path: file.path, outcome: .failed(code: .internalError, message: "\(error)"))
    }
}
