import ChatAPI
import Foundation
import Session
import Synchronization
import Transcripts

/// A `TranscriptDriver` answering from a script.
///
/// Messages map to outputs; unknown messages fail as an unknown command.
final class ScriptedTranscriptDriver: TranscriptDriver {
    let script: [String: TranscriptTurnOutput]
    let indexed = Mutex<[String]>([])

    init(_ script: [String: TranscriptTurnOutput]) {
        self.script = script
    }

    func index(_ file: URL) async throws -> String? {
        indexed.withLock { $0.append(file.lastPathComponent) }
        return nil
    }

    func run(_ message: String, options: TranscriptOptions) async throws -> TranscriptTurnOutput {
        if let output = script[message] { return output }
        return TranscriptTurnOutput(
            lines: [.client("error: not scripted")],
            failures: [.init(code: ErrorCode("unknown_command"), message: "not scripted")]
        )
    }

    func finish() async -> String? { nil }

    /// A document source.
    static func source(_ n: Int, _ file: String, page: Int? = nil, heading: String) -> Source {
        Source(
            n: n,
            id: "chk_\(n)",
            kind: .document,
            documentId: "doc_\(n)",
            chunkId: "chk_\(n)",
            filename: file,
            title: heading,
            page: page,
            snippet: heading,
            text: heading,
            score: 1,
            heading: heading
        )
    }

    /// A question's output: answer text, then the Sources block the REPL prints for the cited sources.
    static func answer(
        _ text: String,
        sources: [Source],
        cited: [Int],
        finish: FinishReason = .stop,
        input: String = ""
    ) -> TranscriptTurnOutput {
        var lines: [TranscriptTurnOutput.Line] = [.answer(text)]
        if finish == .noContext || sources.isEmpty {
            lines.append(.client("(no sources)"))
        } else {
            lines += [.client(""), .client("Sources:")]
            for source in sources where cited.contains(source.n) {
                let page = source.page.map { " p.\($0)" } ?? ""
                lines.append(.client("  [\(source.n)] \(source.filename ?? "")\(page) \"\(source.heading ?? "")\""))
            }
            let more = sources.count - cited.count
            if more > 0 { lines.append(.client("  (+\(more) more retrieved: /sources)")) }
        }
        let turn = Turn(
            input: input,
            answer: text,
            sources: sources,
            citations: cited.map { Citation(n: $0, sourceId: "chk_\($0)", spans: []) },
            finishReason: finish
        )
        return TranscriptTurnOutput(lines: lines, answer: turn)
    }

    /// The script behind `Fixtures/wrong-on-purpose.chat`: turn 2 answers with the X300's weight.
    static func wrongOnPurpose() -> ScriptedTranscriptDriver {
        let x200 = source(1, "product-x200-spec.pdf", page: 2, heading: "Performance")
        let x300 = source(2, "product-x300-spec.pdf", page: 2, heading: "Performance")
        let x300Weight = source(1, "product-x300-spec.pdf", page: 1, heading: "At a glance")
        return ScriptedTranscriptDriver([
            "What is the repeatability of the NR-X200?": answer(
                "Repeatability: ±0.03 mm [1].",
                sources: [x200, x300],
                cited: [1]
            ),
            "And how much does the arm weigh?": answer(
                "The arm weighs 38.0 kg and can be mounted in any orientation [1].",
                sources: [x300Weight],
                cited: [1]
            ),
            "/upload samples/northwind/docs/faq.md": TranscriptTurnOutput(lines: [
                .client("Indexed faq.md as doc_9: 14 chunks")
            ]),
        ])
    }
}

/// Temporary folders and fixture paths for the replay tests.
enum ReplayFixtures {
    /// The repository root, found from this file.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static let fixtures = repositoryRoot.appendingPathComponent("Tests/TranscriptsTests/Fixtures")

    /// A fresh folder holding a copy of a fixture (replays write next to the transcript).
    static func copy(_ name: String) throws -> (folder: URL, file: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replay-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: file)
        return (folder, file)
    }

    /// A fresh folder holding a transcript written from text.
    static func write(_ text: String, name: String = "t.chat") throws -> (folder: URL, file: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replay-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return (folder, file)
    }

    /// A replayer over `folder` with a scripted driver; output is collected.
    static func replayer(
        folder: URL,
        driver: ScriptedTranscriptDriver,
        mode: ReplayOptions.Mode = .verify,
        strict: Bool = false,
        ci: Bool = false
    ) -> (TranscriptReplayer, OutputBuffer) {
        let output = OutputBuffer()
        let options = ReplayOptions(
            mode: mode,
            strict: strict,
            ci: ci,
            repositoryRoot: repositoryRoot,
            currentDirectory: folder
        )
        let replayer = TranscriptReplayer(options: options, makeDriver: { _ in driver }) { text in
            output.append(text)
        }
        return (replayer, output)
    }
}

/// Collects human output.
final class OutputBuffer: Sendable {
    private let storage = Mutex("")

    func append(_ text: String) { storage.withLock { $0 += text } }

    var text: String { storage.withLock { $0 } }
}
