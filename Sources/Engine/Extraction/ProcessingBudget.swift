import Foundation

/// What the processing of one document may spend: time (http-api.md section 10: 600 s per document) and extracted
/// text (its memory), so that a document slow to read or expanding to gigabytes fails cleanly instead of holding a
/// worker or the process's memory.
struct ProcessingBudget: Sendable {
    /// The time allowed.
    let timeLimit: Duration
    /// When it runs out.
    let deadline: ContinuousClock.Instant
    /// The most text, in UTF-8 bytes.
    let textLimit: Int

    /// A budget starting now.
    init(
        timeLimit: Duration = ExtractionLimits.processingTimeLimit,
        textLimit: Int = ExtractionLimits.maxExtractedTextBytes
    ) {
        self.timeLimit = timeLimit
        deadline = .now + timeLimit
        self.textLimit = textLimit
    }

    /// Whether the time is up.
    var isOverdue: Bool { ContinuousClock.now >= deadline }

    /// Throws the failure of a document that ran out of time.
    func checkTime(filename: String) throws(EngineError) {
        if isOverdue { throw timeoutError(filename: filename) }
    }

    /// Throws when `bytes` of text are over the limit.
    func checkText(_ bytes: Int, filename: String) throws(EngineError) {
        if bytes > textLimit { throw .contentTooLarge(filename: filename, limit: .extractedText(limit: textLimit)) }
    }

    /// The failure of a document that ran out of time: what happened and what to do.
    func timeoutError(filename: String) -> EngineError {
        let seconds = Double(timeLimit.components.seconds) + Double(timeLimit.components.attoseconds) / 1e18
        let shown = seconds >= 10 ? "\(Int(seconds.rounded())) s" : String(format: "%.1f s", seconds)
        return .timeout(
            "Cannot read '\(filename)': processing took longer than \(shown), the limit per document. Split it "
                + "into smaller files, or save its text as .txt."
        )
    }
}
