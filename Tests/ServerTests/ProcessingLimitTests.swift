import ChatAPI
import ChatTestSupport
import Engine
import Foundation
import Server
import Testing

/// What one upload may cost the server (issue 15), each limit through the live server: a decompression bomb and a
/// PDF of too many pages are refused at upload; a document over its processing time or text fails with a
/// message saying which limit and what to do, and the server goes on serving.
@Suite struct ProcessingLimitTests {
    /// A PDF of `pages` pages that all show one short line (one content stream shared by every page).
    private static func pdf(pages: Int) -> Data {
        pdf(pages: pages, stream: "BT /F1 12 Tf 72 700 Td (A page of the long report.) Tj ET\n")
    }

    /// A PDF of `pages` pages that each draw `lines` lines of 2,000 characters at a tiny size: slow to read, page
    /// by page, like a text bomb at a test's size.
    private static func heavyPDF(pages: Int, lines: Int) -> Data {
        let line = "(" + String(repeating: "expanding words ", count: 125) + ") Tj 0 -3 Td\n"
        return pdf(pages: pages, stream: "BT /F1 0.3 Tf 10 780 Td\n" + String(repeating: line, count: lines) + "ET\n")
    }

    /// A PDF of `pages` pages that share one content stream.
    private static func pdf(pages: Int, stream: String) -> Data {
        var objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [\((0..<pages).map { "\(5 + $0) 0 R" }.joined(separator: " "))] /Count \(pages) >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)endstream")
        for _ in 0..<pages {
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    + "/Contents 4 0 R >>"
            )
        }
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

    /// Uploads as a new anonymous caller; returns the response and the caller's headers.
    private static func upload(
        _ server: TestServer,
        _ filename: String,
        _ data: Data
    ) async throws -> (RawResponse, [(String, String)]) {
        let session = try await server.http.send("POST", "/api/v1/auth/anonymous")
        let id = try #require(session.header("X-Anon-Session-Id"))
        let headers = Auth.anonymous(id)
        return (try await server.upload(filename: filename, data: data, headers: headers), headers)
    }

    /// The error object of a response.
    private static func error(_ response: RawResponse) throws -> ErrorBody.Detail {
        try response.decode(ErrorBody.self).error
    }

    @Test func aDecompressionBombIsRefusedAtUploadAndAnotherCallersUploadCompletes() async throws {
        try await TestServer.with { server in
            // Nine megabytes of repeated paragraphs deflate some 300 times: a bomb's shape at a test's size.
            let bomb = try GeneratedDOCX.make(paragraphs: 200_000)
            let (response, _) = try await Self.upload(server, "bomb.docx", bomb)
            #expect(response.status == 413)
            let error = try Self.error(response)
            #expect(error.code == .fileTooLarge)
            #expect(error.message.contains("expands more than 100 times its compressed size"))
            #expect(error.details["reason"] == .string("compression_ratio"))

            let (small, headers) = try await Self.upload(server, "keys.txt", Data("The keys are in the cabinet.".utf8))
            let id = try small.decode(UploadResponse.self).documentId
            #expect(try await server.waitForDocument(id, headers: headers).status.status == "completed")
        }
    }

    @Test func aPDFOfTooManyPagesIsRefusedAtUploadBeforeAPageIsRead() async throws {
        try await TestServer.with { server in
            let (response, headers) = try await Self.upload(
                server,
                "report.pdf",
                Self.pdf(pages: ExtractionLimits.maxPDFPages + 1)
            )
            #expect(response.status == 413)
            let error = try Self.error(response)
            #expect(error.code == .fileTooLarge)
            #expect(error.message.contains("it has 5001 pages; the limit is 5000"))
            #expect(error.details["reason"] == .string("page_count"))
            let listed = try await server.http.send("GET", "/api/v1/documents", headers: headers)
            #expect(try listed.decode(Page<Document>.self).total == 0)

            // A PDF at the limit is accepted.
            let (accepted, _) = try await Self.upload(server, "short.pdf", Self.pdf(pages: 3))
            #expect(accepted.status == 202)
        }
    }

    @Test func aSlowPDFHoldsBackAnotherCallersPDFByAPageNotByTheWholeDocument() async throws {
        try await TestServer.with { server in
            let (slow, slowHeaders) = try await Self.upload(server, "slow.pdf", Self.heavyPDF(pages: 40, lines: 100))
            let slowId = try slow.decode(UploadResponse.self).documentId
            // Once the slow PDF is being read, poppler is busy with its pages...
            while true {
                let response = try await server.http.send(
                    "GET",
                    "/api/v1/documents/\(slowId)/status",
                    headers: slowHeaders
                )
                let status = try response.decode(DocumentStatus.self)
                if status.stage == "extracting" || status.isFinished { break }
                try await Task.sleep(for: .milliseconds(20))
            }

            // ...and another caller's PDF is checked at upload and read between its pages, not after them all.
            let (small, headers) = try await Self.upload(server, "short.pdf", Self.pdf(pages: 3))
            #expect(small.status == 202)
            let id = try small.decode(UploadResponse.self).documentId
            #expect(try await server.waitForDocument(id, headers: headers).status.status == "completed")
            let during = try await server.http.send("GET", "/api/v1/documents/\(slowId)/status", headers: slowHeaders)
            #expect(try during.decode(DocumentStatus.self).status == "processing")
            #expect(try await server.waitForDocument(slowId, headers: slowHeaders).status.status == "completed")
        }
    }

    @Test func aDocumentOverItsProcessingTimeFailsWithProcessingTimeout() async throws {
        var options = TestServer.Options()
        options.processingTimeLimit = .milliseconds(300)
        // Holds every document long past the limit, as a pathological file would.
        options.ingestionPause = .seconds(20)
        try await TestServer.with(options) { server in
            let (response, headers) = try await Self.upload(server, "slow.txt", Data("The slow file.".utf8))
            let id = try response.decode(UploadResponse.self).documentId

            let (status, _) = try await server.waitForDocument(id, headers: headers)

            #expect(status.status == "failed")
            #expect(status.errorCode == "processing_timeout")
            #expect(
                status.error
                    == "Cannot read 'slow.txt': processing took longer than 0.3 s, the limit per document. Split it into smaller files, or save its text as .txt."
            )
            let health = try await server.http.send("GET", "/api/v1/health")
            #expect(health.status == 200)
        }
    }

    @Test(arguments: ["employee-handbook.md", "product-x200-spec.pdf"])
    func aDocumentOverItsTextLimitFailsWithFileTooLarge(filename: String) async throws {
        var options = TestServer.Options()
        options.extractedTextLimit = 2_048
        try await TestServer.with(options) { server in
            let data = try Data(contentsOf: Corpus.docs.appendingPathComponent(filename))
            let (response, headers) = try await Self.upload(server, filename, data)
            let id = try response.decode(UploadResponse.self).documentId

            let (status, _) = try await server.waitForDocument(id, headers: headers)

            #expect(status.status == "failed")
            #expect(status.errorCode == "file_too_large")
            #expect(
                status.error
                    == "Cannot read '\(filename)': its text is over the 2 KiB limit. Split the document into smaller "
                    + "files, or save its text as .txt."
            )
        }
    }

    @Test func aWordDocumentNestedDeeperThanTheLimitFailsWithTheLimitNotAsNotWord() async throws {
        try await TestServer.with { server in
            let depth = ExtractionLimits.maxNestingDepth + 10
            let xml =
                "<?xml version=\"1.0\"?><w:document \(GeneratedDOCX.namespace)><w:body><w:p><w:r>"
                + String(repeating: "<w:x>", count: depth) + "<w:t>Deep text.</w:t>"
                + String(repeating: "</w:x>", count: depth) + "</w:r></w:p></w:body></w:document>"
            let (response, headers) = try await Self.upload(
                server,
                "deep.docx",
                try GeneratedDOCX.make(xml: Data(xml.utf8))
            )
            let id = try response.decode(UploadResponse.self).documentId

            let (status, _) = try await server.waitForDocument(id, headers: headers)

            #expect(status.status == "failed")
            #expect(status.errorCode == "file_too_large")
            #expect(status.error?.contains("its markup nests deeper than 256 levels") == true)
        }
    }

    @Test func htmlNestedDeeperThanTheLimitFailsAndShallowerHTMLIsRead() async throws {
        try await TestServer.with { server in
            let depth = ExtractionLimits.maxNestingDepth + 10
            let deep =
                String(repeating: "<div>", count: depth) + "Deep text about the keys."
                + String(repeating: "</div>", count: depth)
            let (response, headers) = try await Self.upload(
                server,
                "deep.html",
                Data("<html><body>\(deep)</body></html>".utf8)
            )
            let id = try response.decode(UploadResponse.self).documentId

            let (status, _) = try await server.waitForDocument(id, headers: headers)

            #expect(status.status == "failed")
            #expect(status.errorCode == "file_too_large")
            #expect(status.error?.contains("its markup nests deeper than 256 levels") == true)

            let shallow =
                String(repeating: "<div>", count: 200) + "Shallow text about the keys."
                + String(repeating: "</div>", count: 200)
            let (second, secondHeaders) = try await Self.upload(
                server,
                "shallow.html",
                Data("<html><body>\(shallow)</body></html>".utf8)
            )
            let secondId = try second.decode(UploadResponse.self).documentId
            let (read, _) = try await server.waitForDocument(secondId, headers: secondHeaders)
            #expect(read.status == "completed")
        }
    }
}

/// Anonymous callers' uploads are bounded per address, whatever session they send (issue 15: anyone could send a
/// bomb).
@Suite struct AnonymousUploadLimitTests {
    @Test func anAddressesAnonymousUploadsStopAtTheHourlyLimitButAnAccountsGoOn() async throws {
        var options = TestServer.Options()
        options.rateLimits = ServerConfiguration.RateLimits(requestsPerMinute: 0, anonymousUploadsPerHour: 2)
        try await TestServer.with(options) { server in
            // Given two uploads from two fresh anonymous sessions of one address
            for index in 1...2 {
                let session = try await server.http.send("POST", "/api/v1/auth/anonymous")
                let id = try #require(session.header("X-Anon-Session-Id"))
                let response = try await server.upload(
                    filename: "note-\(index).txt",
                    data: Data("Note \(index) about the keys.".utf8),
                    headers: Auth.anonymous(id)
                )
                #expect(response.status == 202)
            }

            // When a third session of the same address uploads
            let session = try await server.http.send("POST", "/api/v1/auth/anonymous")
            let id = try #require(session.header("X-Anon-Session-Id"))
            let refused = try await server.upload(
                filename: "note-3.txt",
                data: Data("Note 3 about the keys.".utf8),
                headers: Auth.anonymous(id)
            )

            // Then it is refused with the limit and the way out, and nothing is stored
            #expect(refused.status == 429)
            let error = try refused.decode(ErrorBody.self).error
            #expect(error.code == .rateLimited)
            #expect(error.message.hasPrefix("Anonymous uploads from this address are limited to 2 an hour. Log in"))
            let wait = try #require(refused.header("Retry-After").flatMap(Int.init))
            #expect(wait > 0 && wait <= 1800)
            let listed = try await server.http.send("GET", "/api/v1/documents", headers: Auth.anonymous(id))
            #expect(try listed.decode(Page<Document>.self).total == 0)

            // And an account of the same address still uploads
            let tokens = try await server.register("dana@northwind.example")
            let accepted = try await server.upload(
                filename: "note-3.txt",
                data: Data("Note 3 about the keys.".utf8),
                headers: Auth.bearer(tokens)
            )
            #expect(accepted.status == 202)
        }
    }
}
