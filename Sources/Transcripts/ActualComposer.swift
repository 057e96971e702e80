/// Builds the `.actual` text of a run (transcripts.md section 6, "verify"): the transcript with output rebuilt
/// from the run, a `#!` annotation after each failing line, and a last line `#! from NAME.chat sha256=HEX`.
///
/// Actual lines matched by an expected line are written as that line and runs absorbed by `| ...` collapse back
/// into it, so patterns survive; `>`, `@`, `#` and `?` lines are kept verbatim.
struct ActualComposer {
    let transcript: Transcript
    let reports: [TranscriptTurnReport]
    let failures: [TranscriptFailure]
    let redactor: TranscriptRedactor
    let strict: Bool

    /// The composed lines (without the hash line) and, per turn number, the range of its lines.
    struct Composition {
        var lines: [String]
        var turnRanges: [Int: Range<Int>]
    }

    func compose() -> Composition {
        var lines: [String] = []
        var ranges: [Int: Range<Int>] = [:]
        let firstTurnIndex = transcript.turns.first?.range.lowerBound ?? transcript.lines.count
        for index in 0..<firstTurnIndex { lines.append(transcript.lines[index].raw) }
        for turn in transcript.turns {
            let start = lines.count
            let report = reports.first { $0.number == turn.number }
            if let report, report.ran, let output = report.output {
                lines += composeTurn(turn, report: report, output: output)
            } else {
                for index in turn.range { lines.append(transcript.lines[index].raw) }
                if report?.ran != true, reports.contains(where: \.timedOut) {
                    lines.insert("#! not run: an earlier turn timed out", at: start + inputCount(turn))
                }
            }
            ranges[turn.number] = start..<lines.count
        }
        return Composition(lines: lines, turnRanges: ranges)
    }

    private func inputCount(_ turn: TranscriptTurn) -> Int {
        turn.input.split(separator: "\n", omittingEmptySubsequences: false).count
    }

    private func composeTurn(
        _ turn: TranscriptTurn,
        report: TranscriptTurnReport,
        output: TranscriptTurnOutput
    ) -> [String] {
        var lines: [String] = []
        let outputStart = turn.outputRange?.lowerBound ?? turn.insertIndex
        let turnFailures = failures.filter { $0.turn == turn.number }
        func emitOutput() {
            lines += outputSection(turn, report: report, output: output)
            for failure in turnFailures where failure.kind == .turn || failure.kind == .timeout {
                lines.append("#! FAIL " + failure.text)
            }
        }
        for index in turn.range {
            if index == outputStart { emitOutput() }
            if let range = turn.outputRange, range.contains(index) { continue }
            let line = transcript.lines[index]
            lines.append(line.raw)
            if line.kind == .check,
                let result = report.checks.first(where: { $0.check.line == line.number }),
                result.status == .failed
            {
                let failure = turnFailures.first { $0.kind == .check && $0.line == line.number }
                let mark = failure?.afterEarlierFailure == true ? " (after earlier failure)" : ""
                lines.append("#! FAIL \(result.check.name): \(result.message ?? "failed")\(mark)")
            }
        }
        if outputStart >= turn.range.upperBound { emitOutput() }
        return lines
    }

    /// The rebuilt `~` and `|` lines of one turn, with annotations.
    private func outputSection(
        _ turn: TranscriptTurn,
        report: TranscriptTurnReport,
        output: TranscriptTurnOutput
    ) -> [String] {
        let expectedClient = turn.expected.filter { !$0.isAnswer }
        let expectedAnswer = turn.expected.filter(\.isAnswer)
        let steps = report.alignment?.steps ?? []
        let hasMissing = steps.contains { step in
            switch step {
            case .missing, .substitute: true
            default: false
            }
        }
        var lines: [String] = []
        var stepIndex = 0
        var emittedEllipses: Set<Int> = []
        var flaggedExtra = false
        var answerWritten = false
        var lastAnswerLine: Int?

        func raw(_ expected: Transcript.ExpectedLine) -> String {
            transcript.line(numbered: expected.line)?.raw ?? TranscriptLine.text(.output, expected.text)
        }
        func emit(_ step: OutputAlignment.Step) {
            switch step {
            case .match(let expected, _):
                lines.append(raw(expectedClient[expected]))
            case .absorb(let expected, _), .ellipsisEnd(let expected):
                if emittedEllipses.insert(expected).inserted { lines.append(raw(expectedClient[expected])) }
            case .missing(let expected):
                let line = expectedClient[expected]
                lines.append("#! FAIL line \(line.line) not in the output: \(raw(line))")
            case .substitute(let expected, let actual):
                let text = redactor.redact(TranscriptText.normalize(output.clientLines[actual]))
                lines.append(TranscriptLine.text(.output, text))
                lines.append("#! FAIL line \(expectedClient[expected].line) expected: \(raw(expectedClient[expected]))")
            case .extra(let actual):
                let text = redactor.redact(TranscriptText.normalize(output.clientLines[actual]))
                lines.append(TranscriptLine.text(.output, text))
                if !hasMissing, !flaggedExtra {
                    flaggedExtra = true
                    lines.append("#! FAIL this line is not in the transcript")
                }
            }
        }
        /// Emits steps up to and including the one that takes actual client line `actual`.
        func advance(through actual: Int?) {
            while stepIndex < steps.count {
                let step = steps[stepIndex]
                stepIndex += 1
                emit(step)
                switch step {
                case .match(_, let taken), .absorb(_, let taken), .extra(let taken), .substitute(_, let taken):
                    if taken == actual { return }
                default:
                    break
                }
            }
        }

        var clientIndex = 0
        for line in output.lines {
            switch line {
            case .answer(let text):
                if !report.drifted, !expectedAnswer.isEmpty {
                    if !answerWritten {
                        lines += expectedAnswer.map(raw)
                        answerWritten = true
                    }
                } else {
                    lines.append(TranscriptLine.text(.answer, TranscriptText.normalize(text)))
                }
                lastAnswerLine = lines.count
            case .client:
                advance(through: clientIndex)
                clientIndex += 1
            }
        }
        advance(through: nil)
        // Drift is soft: only under --strict is the answer a failing line that gets an annotation.
        if report.drifted, strict {
            lines.insert("#! FAIL the answer text changed (--strict)", at: lastAnswerLine ?? 0)
        }
        return lines
    }
}
