import Foundation
import Testing
import Transcripts

@testable import ChatShell

/// Every `transcripts/**/*.chat`, replayed as its own test case on a fresh embedded backend (transcripts.md
/// section 9).
///
/// `CHATSHELL_TRANSCRIPTS` selects `verify` (default), `strict` or `accept`; `CHATSHELL_TRANSCRIPTS_ONLY=GLOB`
/// narrows the set (matched against the package-relative path). `CHATSHELL_SERVER`, `CHATSHELL_HOME` and user
/// configuration are ignored. Outside CI, a differing run leaves `NAME.chat.actual` for
/// `chatshell replay accept --from-actual`.
@Suite struct TranscriptTests {
    /// The repository root, found from this file, never from the working directory.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static let environment = ProcessInfo.processInfo.environment

    /// Package-relative paths of the transcripts, sorted.
    static let transcripts: [String] = {
        let root = repositoryRoot.appendingPathComponent("transcripts")
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".chat") { paths.append("transcripts/" + relative) }
        }
        if let only = environment["CHATSHELL_TRANSCRIPTS_ONLY"], !only.isEmpty {
            paths = paths.filter { glob(only, matches: $0) || glob("transcripts/" + only, matches: $0) }
        }
        return paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }()

    @Test func transcriptsAreFound() {
        #expect(
            !Self.transcripts.isEmpty,
            "No transcripts/**/*.chat found (CHATSHELL_TRANSCRIPTS_ONLY=\(Self.environment["CHATSHELL_TRANSCRIPTS_ONLY"] ?? ""))"
        )
    }

    @Test(arguments: transcripts)
    func transcriptReplays(_ path: String) async throws {
        let setting = Self.environment["CHATSHELL_TRANSCRIPTS"] ?? "verify"
        guard ["verify", "strict", "accept", ""].contains(setting) else {
            Issue.record("CHATSHELL_TRANSCRIPTS must be verify, strict or accept, not '\(setting)'")
            return
        }
        let ci = ReplayOptions.isCI(Self.environment)
        if setting == "accept", ci {
            Issue.record("CHATSHELL_TRANSCRIPTS=accept writes transcripts, which CI mode never does")
            return
        }
        let options = ReplayOptions(
            mode: setting == "accept" ? .accept : .verify,
            strict: setting == "strict",
            ci: ci,
            repositoryRoot: Self.repositoryRoot,
            currentDirectory: Self.repositoryRoot,
            corpusOverride: Self.environment["CHATSHELL_CORPUS"].flatMap {
                $0.isEmpty ? nil : URL(fileURLWithPath: $0)
            },
            modelConfigured: !(Self.environment["CHATSHELL_LLM_URL"] ?? "").isEmpty
        )
        let replayer = TranscriptReplayer(
            options: options,
            makeDriver: ReplayDrivers.factory(server: nil, allowAdmin: false, environment: [:]),
            output: { _ in }
        )
        let url = Self.repositoryRoot.appendingPathComponent(path)
        let result = await replayer.replay(TranscriptReplayer.Entry(url: url, path: path))
        let stillFailing = replayer.settle(result)

        func location(_ line: Int) -> SourceLocation {
            SourceLocation(fileID: path, filePath: url.path, line: max(line, 1), column: 1)
        }
        switch result.status {
        case .passed:
            break
        case .skipped:
            Issue.record("skipped: \(result.reason ?? "")", severity: .warning, sourceLocation: location(1))
        case .drifted:
            Issue.record(
                Comment(rawValue: "answer text drifted (passes unless strict)\n\(result.diff ?? "")"),
                severity: .warning,
                sourceLocation: location(result.turns.first(where: \.drifted)?.line ?? 1)
            )
        case .error:
            Issue.record("infrastructure error: \(result.reason ?? "")", sourceLocation: location(1))
        case .failed:
            if options.mode == .accept, result.actual != nil {
                // Output was accepted; only what accepting cannot fix remains a failure.
                for message in stillFailing { Issue.record(Comment(rawValue: message), sourceLocation: location(1)) }
                return
            }
            for failure in result.failures {
                let diff = failure.turn.flatMap { result.turnDiffs[$0] }.map { "\n" + $0 } ?? ""
                Issue.record(
                    Comment(rawValue: failure.rendered(path: path) + diff),
                    sourceLocation: location(failure.line)
                )
            }
        }
    }

    /// Shell wildcards over the whole path (`*` crosses folders: no `FNM_PATHNAME`).
    static func glob(_ pattern: String, matches text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
