import ChatAPI
import Foundation

/// Replays one transcript without writing anything.
///
/// Parse, corpus, turns through a fresh driver, checks, and the `.actual` text and diff when anything differs;
/// the replayer decides what to write.
struct TranscriptFileRunner: Sendable {
    let options: ReplayOptions
    let makeDriver: TranscriptDriverFactory

    func run(url: URL, path: String) async -> TranscriptFileResult {
        let transcript: Transcript
        do {
            transcript = try Transcript.load(url, path: path)
        } catch let error {
            return TranscriptFileResult(
                path: path,
                url: url,
                status: .failed,
                reason: error.message,
                failures: [TranscriptFailure(kind: .file, line: error.line, turn: nil, message: error.message)],
                isUsageError: true
            )
        }
        if options.ci, FileManager.default.fileExists(atPath: url.path + ".actual") {
            let message =
                "stale \((path as NSString).lastPathComponent).actual next to the transcript; "
                + "accept or delete it before CI runs"
            return TranscriptFileResult(
                path: path,
                url: url,
                status: .failed,
                reason: message,
                failures: [TranscriptFailure(kind: .file, line: 0, turn: nil, message: message)]
            )
        }
        if let reason = skipReason(transcript) {
            return TranscriptFileResult(path: path, url: url, status: .skipped, reason: reason)
        }
        return await replay(transcript, url: url, path: path)
    }

    /// Why a file does not run: `@ skip`, or options the backend cannot honour.
    private func skipReason(_ transcript: Transcript) -> String? {
        if let skip = transcript.skip { return skip }
        var all = [transcript.options]
        all += transcript.turns.map { transcript.options.merged(with: $0.options) }
        for options in all {
            if let retrieval = options.retrieval, retrieval != "lexical" {
                return "retrieval=\(retrieval) is not available (only lexical)"
            }
            if options.answerer == "model" {
                if !self.options.modelConfigured { return "answerer=model needs CHATSHELL_LLM_URL" }
                if !self.options.modelSupported { return "answerer=model is not supported by this replay backend" }
            }
        }
        let answerers = Set(all.map { $0.answerer ?? "extractive" })
        if answerers.count > 1 { return "the answerer cannot change within a transcript" }
        return nil
    }

    private func replay(_ transcript: Transcript, url: URL, path: String) async -> TranscriptFileResult {
        var result = TranscriptFileResult(path: path, url: url, status: .passed)
        let resolver = CorpusResolver(
            transcriptDirectory: url.deletingLastPathComponent(),
            repositoryRoot: options.root(for: url),
            corpusOverride: options.corpusOverride
        )
        let files: [URL]
        do {
            files = try resolver.resolve(transcript.corpus)
        } catch let error {
            result.status = .failed
            result.isUsageError = true
            result.reason = error.message
            result.failures = [TranscriptFailure(kind: .file, line: error.line, turn: nil, message: error.message)]
            return result
        }
        let setup = TranscriptSetup(
            path: path,
            url: url,
            role: transcript.role,
            options: transcript.options,
            repositoryRoot: options.root(for: url),
            keep: options.keep
        )
        let driver: any TranscriptDriver
        do {
            driver = try await makeDriver(setup)
        } catch let skip as TranscriptSkip {
            result.status = .skipped
            result.reason = skip.reason
            return result
        } catch {
            return infrastructure(result, error)
        }
        for file in files {
            do {
                if let failure = try await driver.index(file) {
                    let line = transcript.corpus.first?.line ?? 0
                    let message = "corpus: \(file.lastPathComponent) was not indexed: \(failure)"
                    result.failures.append(TranscriptFailure(kind: .file, line: line, turn: nil, message: message))
                    result.status = .failed
                    result.reason = message
                    result.note = await driver.finish()
                    return result
                }
            } catch {
                result.note = await driver.finish()
                return infrastructure(result, error)
            }
        }
        var reports: [TranscriptTurnReport] = []
        var infrastructureMessage: String?
        var timedOut = false
        for turn in transcript.turns {
            var report = TranscriptTurnReport(
                number: turn.number,
                line: turn.line,
                input: turn.input,
                ran: false,
                output: nil,
                checks: [],
                drifted: false,
                timedOut: false
            )
            guard !timedOut, infrastructureMessage == nil else {
                reports.append(report)
                continue
            }
            let merged = transcript.options.merged(with: turn.options)
            switch await Self.run(driver, turn.input, options: merged, timeout: turn.timeout ?? transcript.timeout) {
            case .output(let output):
                report.ran = true
                report.output = output
                evaluate(turn, output: output, into: &report, redactions: transcript.redactions)
            case .timedOut:
                report.ran = true
                report.timedOut = true
                report.output = TranscriptTurnOutput(lines: [])
                timedOut = true
            case .infrastructure(let message):
                infrastructureMessage = message
            }
            reports.append(report)
        }
        result.note = await driver.finish()
        result.turns = reports
        if let infrastructureMessage {
            result.status = .error
            result.reason = infrastructureMessage
            return result
        }
        result.failures = failures(transcript, reports: reports)
        result.skippedJudgedChecks = reports.reduce(0) { sum, report in
            sum + report.checks.filter { $0.status == .skipped && $0.check.tier == 2 }.count
        }
        if !result.failures.isEmpty {
            result.status = .failed
            result.reason = result.failures.first?.text
        } else if reports.contains(where: \.drifted) {
            result.status = .drifted
        }
        if reports.contains(where: \.differs) {
            compose(transcript, reports: reports, into: &result)
        }
        return result
    }

    private func infrastructure(_ result: TranscriptFileResult, _ error: any Error) -> TranscriptFileResult {
        var result = result
        result.status = .error
        result.reason = (error as? TranscriptInfrastructureError)?.message ?? "\(error)"
        return result
    }

    // MARK: - Turns

    private enum TurnRun: Sendable {
        case output(TranscriptTurnOutput)
        case timedOut
        case infrastructure(String)
    }

    /// Runs one turn, racing its timeout; a late turn is cancelled.
    private static func run(
        _ driver: any TranscriptDriver,
        _ message: String,
        options: TranscriptOptions,
        timeout: Duration
    ) async -> TurnRun {
        await withTaskGroup(of: TurnRun?.self) { group in
            group.addTask {
                do {
                    return .output(try await driver.run(message, options: options))
                } catch let error as TranscriptInfrastructureError {
                    return .infrastructure(error.message)
                } catch is CancellationError {
                    return nil
                } catch {
                    return .infrastructure("\(error)")
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .timedOut
            }
            var outcome: TurnRun = .timedOut
            for await finished in group {
                guard let finished else { continue }
                outcome = finished
                group.cancelAll()
                break
            }
            return outcome
        }
    }

    /// Compares output and answer text and runs the checks.
    private func evaluate(
        _ turn: TranscriptTurn,
        output: TranscriptTurnOutput,
        into report: inout TranscriptTurnReport,
        redactions: [TranscriptRedaction]
    ) {
        let expectedClient = turn.expected.filter { !$0.isAnswer }
        let patterns = expectedClient.map { line -> TranscriptPattern? in
            line.text == "..." ? nil : try? TranscriptPattern(line.text, redactions: redactions)
        }
        let actualClient = output.clientLines.map(TranscriptText.normalize)
        report.alignment = OutputAlignment.align(expected: patterns, actual: actualClient)
        let expectedAnswer = TranscriptText.collapse(turn.expectedAnswer ?? "")
        let actualAnswer = TranscriptText.collapse(TranscriptText.normalize(output.answerLines.joined(separator: "\n")))
        report.drifted = expectedAnswer != actualAnswer
        report.checks = turn.checks.map { CheckEvaluator.evaluate($0, output: output) }
    }

    /// Every failure of the run, marked after the first failing turn.
    private func failures(_ transcript: Transcript, reports: [TranscriptTurnReport]) -> [TranscriptFailure] {
        var failures: [TranscriptFailure] = []
        var failedBefore = false
        for report in reports where report.ran {
            guard let turn = transcript.turns.first(where: { $0.number == report.number }) else { continue }
            var turnFailures: [TranscriptFailure] = []
            func add(_ kind: TranscriptFailure.Kind, _ line: Int, _ message: String) {
                turnFailures.append(
                    TranscriptFailure(
                        kind: kind,
                        line: line,
                        turn: turn.number,
                        message: message,
                        afterEarlierFailure: failedBefore
                    )
                )
            }
            if report.timedOut {
                add(
                    .timeout,
                    turn.line,
                    "timed out after \(TranscriptDuration.describe(turn.timeout ?? transcript.timeout))"
                )
            }
            if let alignment = report.alignment, !alignment.isMatch, let output = report.output {
                let expectedClient = turn.expected.filter { !$0.isAnswer }
                func shown(_ actual: Int) -> String {
                    TranscriptLine.text(.output, TranscriptText.normalize(output.clientLines[actual]))
                }
                for step in alignment.steps {
                    switch step {
                    case .substitute(let expected, let actual):
                        let line = expectedClient[expected]
                        let wanted = TranscriptLine.text(.output, line.text)
                        add(.output, line.line, "client output differs: expected \(wanted), got \(shown(actual))")
                    case .missing(let expected):
                        let line = expectedClient[expected]
                        let wanted = TranscriptLine.text(.output, line.text)
                        add(.output, line.line, "client output differs: expected \(wanted), got nothing")
                    case .extra(let actual):
                        add(.output, turn.line, "unexpected client output: \(shown(actual))")
                    default:
                        continue
                    }
                    break
                }
            }
            if report.drifted, options.strict {
                let line = turn.expected.first(where: \.isAnswer)?.line ?? turn.line
                add(.drift, line, "the answer text changed (--strict)")
            }
            if let output = report.output, !report.timedOut {
                let expected = Set(turn.checks.filter { $0.kind == .error && !$0.negated }.map(\.value))
                for failure in output.failures where !expected.contains(failure.code.rawValue) {
                    add(.turn, turn.line, "ended with error \(failure.code.rawValue) that no error check expects")
                }
                if let answer = output.answer {
                    for marker in CheckEvaluator.unresolvedMarkers(of: answer) {
                        add(.turn, turn.line, "marker [\(marker)] does not resolve to a listed source")
                    }
                }
            }
            for result in report.checks where result.status == .failed {
                add(.check, result.check.line, "\(result.check.name): \(result.message ?? "failed")")
            }
            turnFailures.sort { $0.line < $1.line }
            failures += turnFailures
            if !turnFailures.isEmpty { failedBefore = true }
        }
        return failures
    }

    // MARK: - .actual and diff

    private func compose(
        _ transcript: Transcript,
        reports: [TranscriptTurnReport],
        into result: inout TranscriptFileResult
    ) {
        let composer = ActualComposer(
            transcript: transcript,
            reports: reports,
            failures: result.failures,
            redactor: TranscriptRedactor(redactions: transcript.redactions),
            strict: options.strict
        )
        let composition = composer.compose()
        let name = (result.path as NSString).lastPathComponent
        let original = (try? Data(contentsOf: result.url)) ?? Data()
        let hashLine = ActualFileStamp.line(name: name, contents: original)
        result.actual = (composition.lines + [hashLine]).joined(separator: "\n") + "\n"
        var hunks: [UnifiedDiff.Hunk] = []
        for turn in transcript.turns {
            guard let newRange = composition.turnRanges[turn.number] else { continue }
            let old = trimmed(transcript.lines[turn.range].map(\.raw))
            let new = trimmed(Array(composition.lines[newRange]))
            guard old != new else { continue }
            hunks.append(
                UnifiedDiff.Hunk(
                    turn: turn.number,
                    headline: turn.headline,
                    oldStart: turn.range.lowerBound,
                    old: old,
                    newStart: newRange.lowerBound,
                    new: new
                )
            )
        }
        result.diff = UnifiedDiff.render(oldPath: result.path, newPath: result.path + ".actual", hunks: hunks)
        for hunk in hunks {
            result.turnDiffs[hunk.turn] = UnifiedDiff.render(
                oldPath: result.path,
                newPath: result.path + ".actual",
                hunks: [hunk]
            )
        }
    }

    /// Lines without trailing blank ones.
    private func trimmed(_ lines: [String]) -> [String] {
        var lines = lines
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        return lines
    }
}

/// Thrown by a driver factory to skip a transcript, such as `@ user: admin` against a server without
/// `--allow-admin`.
public struct TranscriptSkip: Error, Equatable, Sendable {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }
}
