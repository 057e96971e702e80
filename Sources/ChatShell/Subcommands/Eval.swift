import ArgumentParser
import ChatAPI
import ChatClient
import Commands
import Engine
import Foundation

extension ChatShellCommand {
    /// `chatshell eval QUESTIONS.jsonl`: answer quality and latency over a question file.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a question file and report retrieval, key-phrase, citation and abstention rates.",
            discussion: "With --corpus, the documents are ingested into a temporary data directory first."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Questions in the format of samples/northwind/questions.jsonl.")
        var questions: String

        @Option(help: ArgumentHelp("Ingest this folder into a fresh temporary store first.", valueName: "dir"))
        var corpus: String?

        @Flag(help: "Print per-question outcomes and summaries as JSON.")
        var json = false

        @Option(
            help: ArgumentHelp(
                "The extractive answerer's abstention threshold (0-1) instead of the built-in one, to calibrate it.",
                valueName: "share"
            )
        )
        var minimumCoverage: Double?

        func validate() throws {
            if let minimumCoverage, !(0...1).contains(minimumCoverage) {
                throw ValidationError("--minimum-coverage must be between 0 and 1, for example 0.55.")
            }
            if minimumCoverage != nil, corpus == nil {
                throw ValidationError("--minimum-coverage needs --corpus: it applies to the fresh store eval builds.")
            }
        }

        func run() async throws {
            let settings = Settings()
            let console = Console(useColor: false)
            let list = try EvalRunner.load(URL(fileURLWithPath: questions))
            var temporary: TemporaryEmbeddedBackend?
            let backend: any Backend
            if let corpus {
                let store = try TemporaryEmbeddedBackend(purpose: "eval") { directory in
                    try BackendFactory.makeKnowledgeBase(global, settings: settings, dataDirectory: directory) {
                        configuration in
                        if let minimumCoverage { configuration.tuning.minimumCoverage = minimumCoverage }
                    }
                }
                temporary = store
                let knowledgeBase = store.knowledgeBase
                backend = store.backend()
                let plan = UploadRunner.plan(
                    paths: [corpus],
                    title: nil,
                    shared: false,
                    relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                )
                let started = ContinuousClock.now
                _ = await UploadRunner(backend: backend).run(plan.files, title: nil, shared: false) { _ in
                } each: { result in
                    if case .failed(_, let message) = result.outcome { console.error(message) }
                }
                if !json {
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    console.notice(
                        "Ingested \(Plural.count(plan.files.count, "file")) in \(String(format: "%.2f", seconds)) s."
                    )
                }
                // Every question is ranked with every vector in place, so results do not depend on timing.
                await console.awaitEmbedding(of: knowledgeBase, quiet: json)
            } else {
                backend = try BackendFactory.make(global, settings: settings)
            }
            defer { temporary?.remove() }

            let outcomes = await EvalRunner(backend: backend).run(list)
            let summaries = EvalRunner.summarize(outcomes)
            if json {
                struct Report: Encodable {
                    var summaries: [EvalRunner.Summary]
                    var questions: [EvalRunner.Outcome]
                }
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(Report(summaries: summaries, questions: outcomes))
                TerminalWriter.standard.writeLine(
                    OutputSanitizer.escapingJSONControls(String(decoding: data, as: UTF8.self))
                )
            } else {
                for outcome in outcomes {
                    // `ok` right, `part` key phrases only in a cited passage or the wrong document cited, `MISS`
                    // wrong, `abst` abstained, `ANS` answered an unanswerable question.
                    let mark =
                        switch (outcome.kind == "unanswerable", outcome.right, outcome.keyPhraseHit) {
                        case (true, _, _): outcome.abstained ? "abst" : "ANS "
                        case (false, true?, _): "ok  "
                        case (false, _, true?): "part"
                        case (false, _, _): outcome.abstained ? "abst" : "MISS"
                        }
                    let cited = outcome.citedDocs.joined(separator: ",")
                    let split = outcome.split.map { " \($0)" } ?? ""
                    console.output(
                        StyledText("\(outcome.id)\(split) \(mark) [\(cited)] \(outcome.answer.prefix(110))")
                    )
                }
                console.output(StyledText(EvalRunner.table(summaries)))
            }
        }
    }
}
