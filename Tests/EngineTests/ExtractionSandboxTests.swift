import ChatTestSupport
import Foundation
import Testing

@testable import Engine

/// A PDF read in the child process (`chatshell extract-pdf`) comes back exactly as the same extractor reads it on a
/// thread of this process: blocks, kinds, pages, title and page count, for every sample PDF.
@Suite(.enabled(if: TestCorpus.binary != nil, "needs the built binary: run `swift build` first"))
struct ExtractionSandboxTests {
    static var samplePDFs: [URL] {
        let samples = TestCorpus.repositoryRoot.appendingPathComponent("samples")
        let corpora = (try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []
        return corpora.sorted().flatMap { corpus -> [URL] in
            let docs = samples.appendingPathComponent(corpus).appendingPathComponent("docs")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
            return names.filter { $0.hasSuffix(".pdf") }.sorted().map { docs.appendingPathComponent($0) }
        }
    }

    @Test func everySamplePDFReadsTheSameInTheChildAsOnAThread() throws {
        let binary = try #require(TestCorpus.binary)
        let sandbox = ExtractionSandbox(executable: binary, arguments: ["extract-pdf"])
        #expect(Self.samplePDFs.count >= 3)
        for url in Self.samplePDFs {
            let data = try Data(contentsOf: url)
            let name = url.lastPathComponent
            let inProcess = try PDFExtractor().extract(data, filename: name)
            let inChild = try sandbox.extract(data, filename: name, budget: ProcessingBudget())
            #expect(inChild == inProcess, "\(name) reads differently in the child")
            #expect(!inChild.blocks.isEmpty)
        }
    }

    @Test func aDamagedPDFFailsInTheChildAsOnAThread() throws {
        let binary = try #require(TestCorpus.binary)
        let sandbox = ExtractionSandbox(executable: binary, arguments: ["extract-pdf"])
        let data = try Data(contentsOf: TestCorpus.bad.appendingPathComponent("truncated.pdf"))
        #expect(throws: EngineError.invalidFile(filename: "truncated.pdf", reason: .truncatedPDF)) {
            try sandbox.extract(data, filename: "truncated.pdf", budget: ProcessingBudget())
        }
    }
}
