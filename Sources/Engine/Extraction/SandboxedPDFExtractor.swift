import Foundation

/// The PDF extractor of a host that reads PDFs in a bounded child process (`ExtractionSandbox`).
struct SandboxedPDFExtractor: TextExtractor {
    let sandbox: ExtractionSandbox
    /// The document's time and text; the child is killed when the time runs out.
    let budget: ProcessingBudget

    func extract(_ data: Data, filename: String) throws -> ExtractedDocument {
        try sandbox.extract(data, filename: filename, budget: budget)
    }
}
