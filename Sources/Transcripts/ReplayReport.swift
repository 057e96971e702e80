import ChatAPI
public import Foundation

/// The outcome of a replay run: counts, exit code, and the JSON and JUnit forms (transcripts.md section 8).
public struct ReplayReport: Sendable {
    public var files: [TranscriptFileResult]
    /// Accept mode: differences were written back, only what accepting cannot fix counts as failed.
    public var accepting: Bool
    /// Usage errors and refused stale `.actual` files.
    public var usageErrors: [String] = []
    /// `FILE: N checks still failing (lines ...); edit them by hand`.
    public var stillFailing: [String] = []

    public init(files: [TranscriptFileResult], accepting: Bool = false) {
        self.files = files
        self.accepting = accepting
    }

    public var passed: Int { files.filter { $0.status == .passed || $0.status == .drifted }.count }
    /// Infrastructure errors count as failed.
    public var failed: Int { files.filter { $0.status == .failed || $0.status == .error }.count }
    public var skipped: Int { files.filter { $0.status == .skipped }.count }
    public var turns: Int { files.reduce(0) { $0 + $1.turnsRun } }
    public var checks: Int { files.reduce(0) { $0 + $1.checksRun } }
    public var driftedTurns: Int { files.reduce(0) { $0 + $1.driftedTurns } }

    /// The last line of every run.
    ///
    /// `# Ran N transcripts (T turns, C checks): P passed, F failed, S skipped; D turns drifted.`
    public var summaryLine: String {
        "# Ran \(files.count) transcript\(files.count == 1 ? "" : "s") (\(turns) turn\(turns == 1 ? "" : "s"), "
            + "\(checks) check\(checks == 1 ? "" : "s")): \(passed) passed, \(failed) failed, \(skipped) skipped; "
            + "\(driftedTurns) turn\(driftedTurns == 1 ? "" : "s") drifted."
    }

    /// 2 usage, parse or stale; 1 a failure; 3 infrastructure only; 0 all passed.
    public var exitCode: Int32 {
        if !usageErrors.isEmpty || files.contains(where: \.isUsageError) { return 2 }
        let failures: Bool
        if accepting {
            failures = !stillFailing.isEmpty || files.contains { $0.status == .failed && $0.actual == nil }
        } else {
            failures = files.contains { $0.status == .failed }
        }
        if failures { return 1 }
        if files.contains(where: { $0.status == .error }) { return 3 }
        return 0
    }

    // MARK: - JSON

    private struct JSONReport: Encodable {
        var format = "chatshell-replay/1"
        var exitCode: Int32
        var counts: Counts
        var transcripts: [JSONTranscript]

        enum CodingKeys: String, CodingKey {
            case format, counts, transcripts
            case exitCode = "exit_code"
        }
    }

    private struct Counts: Encodable {
        var transcripts, turns, checks, passed, failed, skipped: Int
        var driftedTurns: Int

        enum CodingKeys: String, CodingKey {
            case transcripts, turns, checks, passed, failed, skipped
            case driftedTurns = "drifted_turns"
        }
    }

    private struct JSONTranscript: Encodable {
        var path: String
        var status: String
        @Nullable var reason: String?
        var turns: [JSONTurn]
        var failures: [String]
    }

    private struct JSONTurn: Encodable {
        var number: Int
        var line: Int
        var input: String
        var ran: Bool
        var drifted: Bool
        var checks: [JSONCheck]
    }

    private struct JSONCheck: Encodable {
        var line: Int
        var text: String
        var tier: Int
        var status: String
        @Nullable var message: String?
        @Nullable var score: Double?
    }

    /// The `chatshell-replay/1` document.
    public func json() -> Data {
        let transcripts = files.map { file in
            JSONTranscript(
                path: file.path,
                status: file.status.rawValue,
                reason: file.reason,
                turns: file.turns.map { turn in
                    JSONTurn(
                        number: turn.number,
                        line: turn.line,
                        input: turn.input,
                        ran: turn.ran,
                        drifted: turn.drifted,
                        checks: turn.checks.map { result in
                            JSONCheck(
                                line: result.check.line,
                                text: result.check.text,
                                tier: result.check.tier,
                                status: result.status.rawValue,
                                message: result.message,
                                score: result.score
                            )
                        }
                    )
                },
                failures: file.failureLines
            )
        }
        let report = JSONReport(
            exitCode: exitCode,
            counts: Counts(
                transcripts: files.count,
                turns: turns,
                checks: checks,
                passed: passed,
                failed: failed,
                skipped: skipped,
                driftedTurns: driftedTurns
            ),
            transcripts: transcripts
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(report)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }

    // MARK: - JUnit

    /// One test case per transcript: `failure`, `error` or `skipped`, the diff in `system-out`.
    public func junit() -> String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<testsuites name=\"chatshell replay\" tests=\"\(files.count)\" failures=\"\(count(.failed))\" "
                + "errors=\"\(count(.error))\" skipped=\"\(skipped)\">",
            "  <testsuite name=\"transcripts\" tests=\"\(files.count)\" failures=\"\(count(.failed))\" "
                + "errors=\"\(count(.error))\" skipped=\"\(skipped)\">",
        ]
        for file in files {
            let name = Self.escape(file.path)
            var body: [String] = []
            switch file.status {
            case .failed:
                body.append(
                    "      <failure message=\"\(Self.escape(file.reason ?? "failed"))\">"
                        + Self.escape(file.failureLines.joined(separator: "\n")) + "</failure>"
                )
            case .error:
                body.append("      <error message=\"\(Self.escape(file.reason ?? "infrastructure error"))\"/>")
            case .skipped:
                body.append("      <skipped message=\"\(Self.escape(file.reason ?? ""))\"/>")
            case .passed, .drifted:
                break
            }
            if let diff = file.diff {
                body.append("      <system-out>\(Self.escape(diff))</system-out>")
            }
            if body.isEmpty {
                lines.append("    <testcase classname=\"transcripts\" name=\"\(name)\"/>")
            } else {
                lines.append("    <testcase classname=\"transcripts\" name=\"\(name)\">")
                lines += body
                lines.append("    </testcase>")
            }
        }
        lines += ["  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n") + "\n"
    }

    private func count(_ status: TranscriptFileResult.Status) -> Int {
        files.filter { $0.status == status }.count
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n", "\t": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
