import ArgumentParser
import ChatAPI
import ChatClient
import Commands
import Foundation

extension ChatShellCommand {
    /// `chatshell ingest PATH...`: bulk upload with a summary.
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload files and folders, then print what was ingested, skipped and failed."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Files or folders (a folder means its supported files).")
        var paths: [String]

        @Option(help: "A title for the uploaded document(s).")
        var title: String?

        @Flag(help: "Print the summary as JSON.")
        var json = false

        @Flag(help: "Remove the documents read from files under the given folders that are gone (local store only).")
        var prune = false

        func run() async throws {
            let settings = Settings()
            let capabilities = TerminalCapabilities.detect(environment: settings.environment)
            let console = Console(terminal: capabilities, useColor: capabilities.useColor && !json, wrapOutput: !json)
            let backend = try BackendFactory.make(global, settings: settings)
            let plan = UploadRunner.plan(
                paths: paths,
                title: title,
                shared: false,
                relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            )
            // A backend that cannot prune says so before anything is uploaded (no folders: nothing is removed).
            if prune { _ = try await backend.pruneDocuments(under: [], shared: false) }
            let bar = ProgressBar(enabled: capabilities.spinnerEnabled && !json) { capabilities.columns() }
            let runner = UploadRunner(backend: backend)
            var results = plan.problems
            results += await runner.run(plan.files, title: title, shared: false) { progress in
                bar.update(fraction: progress.fraction, label: progress.label)
            } each: { result in
                guard !json else { return }
                bar.finish()
                if case .failed(_, let message) = result.outcome {
                    console.error(message)
                } else {
                    console.output(result.line)
                }
            }
            bar.finish()
            if let embedded = backend as? EmbeddedBackend {
                await console.awaitEmbedding(of: embedded.knowledgeBase, quiet: json)
            }
            var summary = IngestSummary(results, skipped: plan.skipped)
            if prune {
                // After the uploads: a file moved inside the folder is known by its new path before its old one is
                // looked at.
                summary.pruned = try await backend.pruneDocuments(under: plan.folders, shared: false)
            }
            if json {
                TerminalWriter.standard.writeLine(OutputSanitizer.escapingJSONControls(APIJSON.string(summary)))
            } else {
                for problem in plan.problems {
                    if case .failed(_, let message) = problem.outcome { console.error(message) }
                }
                for item in plan.skipped {
                    console.output(StyledText("Skipped \(item.path): \(item.reason)", style: .dim))
                }
                for document in summary.pruned {
                    console.output(StyledText("Removed \(document.filename) (\(document.id)): its file is gone"))
                }
                console.output(
                    StyledText(
                        "Ingested \(summary.ingested.count), skipped \(summary.skipped.count) (already indexed)"
                            + (plan.skipped.isEmpty ? "" : ", \(plan.skipped.count) not uploaded")
                            + (prune ? ", removed \(summary.pruned.count)" : "")
                            + ", failed \(summary.failed.count)."
                    )
                )
            }
            if !summary.failed.isEmpty { throw ExitCode(1) }
        }
    }
}

/// `ingest --json`.
struct IngestSummary: Encodable {
    /// A file that could not be ingested.
    struct Failure: Encodable {
        var path: String
        var code: ErrorCode
        var message: String
    }

    /// A path in a folder that was not uploaded, and why.
    struct NotUploaded: Encodable {
        var path: String
        var reason: String
    }

    var ingested: [Document] = []
    var skipped: [Document] = []
    var failed: [Failure] = []
    var notUploaded: [NotUploaded] = []
    /// Documents removed by `--prune`: their files are gone.
    var pruned: [Document] = []

    init(_ results: [UploadRunner.FileResult], skipped notUploaded: [UploadPlan.Skipped] = []) {
        self.notUploaded = notUploaded.map { NotUploaded(path: $0.path, reason: $0.reason) }
        for result in results {
            switch result.outcome {
            case .ingested(let document): ingested.append(document)
            case .duplicate(let document): skipped.append(document)
            case .failed(let code, let message): failed.append(Failure(path: result.path, code: code, message: message))
            }
        }
    }
}
