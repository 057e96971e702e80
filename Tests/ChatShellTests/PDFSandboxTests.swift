import ChatTestSupport
import Foundation
import Testing

/// PDFs are read in a child process (`chatshell extract-pdf`) whose memory is capped and which is killed at the
/// document's time limit (issue 15): a page that draws millions of characters fails with the memory limit or the
/// time limit instead of costing the process gigabytes, no child outlives its document, and ordinary PDFs read as
/// before.
@Suite(.serialized) struct PDFSandboxTests {
    /// A one-page PDF whose page draws `lines` lines of 2,000 characters at 12 points, each at its own place on a
    /// page far larger than paper, so poppler keeps every glyph: `lines` × 2,000 characters from a few kilobytes.
    static func pageBomb(lines: Int) -> Data {
        let line = "(" + String(repeating: "expanding words ", count: 125) + ") Tj 0 -12 Td\n"
        let stream = "BT /F1 12 Tf 1 0 0 1 10 999990 Tm\n" + String(repeating: line, count: lines) + "ET\n"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1000000 1000000] /Resources << /Font << /F1 3 0 R >> >> "
                + "/Contents 5 0 R >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)endstream",
        ]
        var text = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(text.utf8.count)
            text += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let table = text.utf8.count
        text += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { text += String(format: "%010d 00000 n \n", offset) }
        text += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(table)\n%%EOF\n"
        return Data(text.utf8)
    }

    /// Whether every `extract-pdf` child reading `filename` is gone: a child killed at its parent's exit leaves
    /// `/proc` a moment later, so this looks every 50 ms (nothing signals it), with a watchdog of 120 s for a
    /// defect, never a window.
    private func childrenAreGone(reading filename: String) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(120)
        while !children(reading: filename).isEmpty {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// The `extract-pdf` children still running for a file name.
    private func children(reading filename: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let command = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            return command.contains("extract-pdf") && command.contains(filename) ? command : nil
        }
    }

    @Test func aPageOverTheMemoryLimitFailsWithTheLimitAndOrdinaryPDFsStillRead() async throws {
        let home = TemporaryDirectory()
        let name = "pagebomb-\(UUID().uuidString).pdf"
        let bomb = home.url.appendingPathComponent(name)
        // A million characters on one page: some 350 MB in poppler, over a 64 MiB limit.
        try Self.pageBomb(lines: 500).write(to: bomb)
        let limited = ["CHATSHELL_EXTRACTION_MEMORY_MIB": "64"]

        let refused = try await BinaryRun.run(["ingest", bomb.path], home: home.url, environment: limited)
        #expect(refused.status != 0)
        #expect(
            refused.standardError.contains("Cannot read '\(name)': reading it needs more than 64 MiB of memory"),
            "\(refused.standardError)"
        )
        #expect(await childrenAreGone(reading: name))

        // The same limit reads the sample PDFs, whose text then answers questions.
        let spec = TestCorpus.document("product-x200-spec.pdf")
        let read = try await BinaryRun.run(["ingest", spec.path], home: home.url, environment: limited)
        #expect(read.status == 0, "\(read.standardError)")
        let asked = try await BinaryRun.run(["ask", "What is the repeatability of the NR-X200?"], home: home.url)
        #expect(asked.standardOutput.contains("product-x200-spec.pdf"))
    }

    @Test func aPageOverTheTimeLimitIsStoppedAtTheLimitAndLeavesNoChild() async throws {
        let home = TemporaryDirectory()
        let name = "slowpage-\(UUID().uuidString).pdf"
        let bomb = home.url.appendingPathComponent(name)
        // Four million characters on one page: more than a minute of poppler, far past a 1 s limit.
        try Self.pageBomb(lines: 2_000).write(to: bomb)

        let run = try await BinaryRun.run(
            ["ingest", bomb.path],
            home: home.url,
            environment: ["CHATSHELL_PROCESSING_TIMEOUT_S": "1"]
        )
        #expect(run.status != 0)
        #expect(run.standardError.contains("processing took longer than 1.0 s"), "\(run.standardError)")
        // The child was killed at the limit, not left to finish the page.
        #expect(await childrenAreGone(reading: name))
    }
}
