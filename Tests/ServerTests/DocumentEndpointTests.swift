import ChatAPI
import Foundation
import Testing

/// Uploads and their checks, status polling, duplicates, filenames and shared documents (http-api.md section 11,
/// items 16-22 and 40).
@Suite struct DocumentEndpointTests {
    @Test func validUploadIsAcceptedWithLocation() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let data = try Data(contentsOf: Corpus.docs.appendingPathComponent("faq.md"))
            let response = try await server.upload(
                filename: "faq.md",
                data: data,
                headers: Auth.bearer(tokens),
                title: "Our FAQ"
            )
            #expect(response.status == 202)
            let upload = try response.decode(UploadResponse.self)
            #expect(upload.taskId == upload.documentId)
            #expect(upload.status == "processing")
            #expect(upload.stage == "queued")
            #expect(upload.progress == 0)
            #expect(upload.duplicate == false)
            #expect(response.header("Location") == "/api/v1/documents/\(upload.documentId)/status")
            #expect(upload.statusUrl == response.header("Location"))
            _ = try await server.waitForDocument(upload.documentId, headers: Auth.bearer(tokens))
            let document = try await server.http.send(
                "GET",
                "/api/v1/documents/\(upload.documentId)",
                headers: Auth.bearer(tokens)
            )
            #expect(try document.decode(Document.self).title == "Our FAQ")
        }
    }

    @Test func progressNeverDecreasesAndStatusSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatshell-restart-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = TestServer.Options()
        options.dataDirectory = directory
        let (tokens, id) = try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            let data = try Data(contentsOf: Corpus.docs.appendingPathComponent("product-x200-spec.pdf"))
            let response = try await server.upload(
                filename: "product-x200-spec.pdf",
                data: data,
                headers: Auth.bearer(tokens)
            )
            let id = try response.decode(UploadResponse.self).documentId
            let (status, progress) = try await server.waitForDocument(id, headers: Auth.bearer(tokens))
            #expect(progress == progress.sorted())
            #expect(status.status == "completed")
            #expect(status.stage == "done")
            #expect(status.progress == 100)
            return (tokens, id)
        }
        try await TestServer.with(options) { server in
            let status = try await server.http.send(
                "GET",
                "/api/v1/documents/\(id)/status",
                headers: Auth.bearer(tokens)
            )
            #expect(status.status == 200)
            #expect(try status.decode(DocumentStatus.self).status == "completed")
        }
    }

    @Test func aQuerySentRightAfterCompletionCitesTheNewDocument() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(tokens))
            let answer = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "What is the rated payload of the NR-X200 robot arm?"],
                headers: Auth.bearer(tokens)
            )
            let response = try answer.decode(QueryResponse.self)
            #expect(response.finishReason == .stop)
            #expect(response.answer.contains("8 kg"))
            let cited = Set(response.citations.map(\.n))
            #expect(response.sources.contains { cited.contains($0.n) && $0.filename == "product-x200-spec.pdf" })
        }
    }

    @Test func badUploadsGetExactlyTheirErrorsAndAreNeverListed() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let cases: [(String, Int, String, String?)] = [
                ("empty.txt", 422, "empty_file", nil),
                ("zero-bytes.pdf", 422, "empty_file", nil),
                ("binary-garbage.txt", 422, "invalid_file", "not_text"),
                ("truncated.pdf", 422, "invalid_file", "truncated_pdf"),
                ("not-a-zip.docx", 422, "invalid_file", "not_docx"),
                ("report.xyz", 415, "unsupported_file_type", nil),
            ]
            for (name, status, code, reason) in cases {
                let data = try Data(contentsOf: Corpus.bad.appendingPathComponent(name))
                let response = try await server.upload(filename: name, data: data, headers: Auth.bearer(tokens))
                #expect(response.status == status, "\(name)")
                #expect(response.code == code, "\(name)")
                if let reason { #expect(response.error?.error.details["reason"] == .string(reason), "\(name)") }
            }
            let blank = try await server.upload(
                filename: "blank.md",
                data: Data(" \n\t\n".utf8),
                headers: Auth.bearer(tokens)
            )
            #expect(blank.code == "empty_file")
            let list = try await server.http.send("GET", "/api/v1/documents", headers: Auth.bearer(tokens))
            #expect(try list.decode(Page<Document>.self).total == 0)
        }
    }

    @Test func requestLevelChecksComeFirst() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let notMultipart = try await server.http.send(
                "POST",
                "/api/v1/documents/upload",
                headers: Auth.bearer(tokens) + [("Content-Type", "application/json")],
                body: Data("{}".utf8)
            )
            #expect(notMultipart.status == 415)
            #expect(notMultipart.code == "unsupported_content_type")

            let (noFilename, contentType) = TestServer.multipart(filename: nil, data: Data("hello".utf8))
            let missingName = try await server.http.send(
                "POST",
                "/api/v1/documents/upload",
                headers: Auth.bearer(tokens) + [("Content-Type", contentType)],
                body: noFilename
            )
            #expect(missingName.status == 422)
            #expect(missingName.code == "validation_error")

            let boundary = "only-title"
            let titleOnly = Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nX\r\n--\(boundary)--\r\n".utf8
            )
            let noFile = try await server.http.send(
                "POST",
                "/api/v1/documents/upload",
                headers: Auth.bearer(tokens) + [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: titleOnly
            )
            #expect(noFile.status == 422)

            // A bad extension inside an over-limit request is still a size problem first (check 2 before 4).
            let huge = try await server.http.send(
                "POST",
                "/api/v1/documents/upload",
                headers: Auth.bearer(tokens) + [
                    ("Content-Type", "multipart/form-data; boundary=x"), ("Content-Length", "\(60 * 1_048_576)"),
                ],
                body: Data("--x\r\n".utf8)
            )
            #expect(huge.status == 413)
            #expect(huge.code == "file_too_large")
        }
    }

    @Test func theSizeLimitAcceptsNBytesAndRefusesNPlusOne() async throws {
        var options = TestServer.Options()
        options.maxUploadBytes = 1000
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            let exact = try await server.upload(
                filename: "exact.txt",
                data: Data(repeating: UInt8(ascii: "a"), count: 1000),
                headers: Auth.bearer(tokens)
            )
            #expect(exact.status == 202)
            let over = try await server.upload(
                filename: "over.txt",
                data: Data(repeating: UInt8(ascii: "b"), count: 1001),
                headers: Auth.bearer(tokens)
            )
            #expect(over.status == 413)
            #expect(over.code == "file_too_large")
            #expect(over.error?.error.details["max_bytes"] == .number(1000))
            let capabilities = try await server.http.send("GET", "/api/v1/capabilities")
            #expect(try capabilities.decode(Capabilities.self).limits.maxUploadBytes == 1000)
        }
    }

    @Test func oversizedUploadIsRefusedWithoutReadingItAll() async throws {
        var options = TestServer.Options()
        options.maxUploadBytes = 100_000
        try await TestServer.with(options) { server in
            let tokens = try await server.register("dana@northwind.example")
            // 8 MiB declared and sent: far over the limit but under the Content-Length allowance check, so the
            // streaming check must stop it.
            let response = try await server.upload(
                filename: "big.txt",
                data: Data(repeating: UInt8(ascii: "c"), count: 1_000_000),
                headers: Auth.bearer(tokens)
            )
            #expect(response.status == 413)
            #expect(response.code == "file_too_large")
        }
    }

    @Test func identicalBytesAreADuplicate() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let ids = try await server.ingest(["glossary.txt"], headers: Auth.bearer(tokens))
            let data = try Data(contentsOf: Corpus.docs.appendingPathComponent("glossary.txt"))
            let again = try await server.upload(
                filename: "copy of glossary.txt",
                data: data,
                headers: Auth.bearer(tokens)
            )
            #expect(again.status == 200)
            let upload = try again.decode(UploadResponse.self)
            #expect(upload.duplicate)
            #expect(upload.documentId == ids["glossary.txt"])
            let list = try await server.http.send("GET", "/api/v1/documents", headers: Auth.bearer(tokens))
            #expect(try list.decode(Page<Document>.self).total == 1)
        }
    }

    @Test func filenamesWithSpacesAndNonASCIIComeBackByteIdentical() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            let folder = Corpus.bad.appendingPathComponent("unicode path")
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            for (index, extended) in [false, true].enumerated() {
                let bytes = index == 0 ? data : data + Data("\nSecond copy.".utf8)
                let response = try await server.upload(
                    filename: name,
                    data: bytes,
                    headers: Auth.bearer(tokens),
                    extendedFilename: extended
                )
                #expect(response.status == 202)
                let upload = try response.decode(UploadResponse.self)
                #expect(Array(upload.filename.utf8) == Array(name.utf8))
                _ = try await server.waitForDocument(upload.documentId, headers: Auth.bearer(tokens))
                let document = try await server.http.send(
                    "GET",
                    "/api/v1/documents/\(upload.documentId)",
                    headers: Auth.bearer(tokens)
                )
                #expect(Array(try document.decode(Document.self).filename.utf8) == Array(name.utf8))
            }
            let answer = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "café notes Überblick"],
                headers: Auth.bearer(tokens)
            )
            let response = try answer.decode(QueryResponse.self)
            #expect(response.sources.contains { $0.filename.map { Array($0.utf8) } == Array(name.utf8) })
        }
    }

    @Test func sharedDocumentsAreVisibleToAccountsButNotDeletableByThem() async throws {
        try await TestServer.with { server in
            let admin = try await server.register("dana@northwind.example")
            let user = try await server.register("lee@northwind.example")
            let ids = try await server.ingest(["warranty-terms.txt"], headers: Auth.bearer(admin), shared: true)
            let id = try #require(ids["warranty-terms.txt"])

            let seen = try await server.http.send("GET", "/api/v1/documents/\(id)", headers: Auth.bearer(user))
            #expect(seen.status == 200)
            #expect(try seen.decode(Document.self).scope == .shared)
            let shared = try await server.http.send("GET", "/api/v1/documents?scope=shared", headers: Auth.bearer(user))
            #expect(try shared.decode(Page<Document>.self).total == 1)
            let personal = try await server.http.send(
                "GET",
                "/api/v1/documents?scope=personal",
                headers: Auth.bearer(user)
            )
            #expect(try personal.decode(Page<Document>.self).total == 0)

            let delete = try await server.http.send("DELETE", "/api/v1/documents/\(id)", headers: Auth.bearer(user))
            #expect(delete.status == 403)
            #expect(delete.code == "forbidden")
            let anonymous = try await server.http.send("GET", "/api/v1/documents/\(id)")
            #expect(anonymous.status == 404)
            #expect(anonymous.code == "document_not_found")

            let userAdminDelete = try await server.http.send(
                "DELETE",
                "/api/v1/admin/documents/\(id)",
                headers: Auth.bearer(user)
            )
            #expect(userAdminDelete.status == 403)
            let adminList = try await server.http.send("GET", "/api/v1/admin/documents", headers: Auth.bearer(admin))
            #expect(try adminList.decode(Page<Document>.self).total == 1)
            let adminDelete = try await server.http.send(
                "DELETE",
                "/api/v1/admin/documents/\(id)",
                headers: Auth.bearer(admin)
            )
            #expect(adminDelete.status == 200)
            #expect(try adminDelete.decode(Deleted.self) == Deleted(id: id))
            let gone = try await server.http.send("GET", "/api/v1/documents/\(id)", headers: Auth.bearer(user))
            #expect(gone.status == 404)
        }
    }

    @Test func chunksAreServedInFull() async throws {
        try await TestServer.with { server in
            let tokens = try await server.register("dana@northwind.example")
            try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(tokens))
            let answer = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "What is the rated payload of the NR-X200 robot arm?"],
                headers: Auth.bearer(tokens)
            )
            let source = try #require(try answer.decode(QueryResponse.self).sources.first)
            let documentId = try #require(source.documentId)
            let chunkId = try #require(source.chunkId)
            let chunk = try await server.http.send(
                "GET",
                "/api/v1/documents/\(documentId)/chunks/\(chunkId)",
                headers: Auth.bearer(tokens)
            )
            #expect(chunk.status == 200)
            let detail = try chunk.decode(ChunkDetail.self)
            #expect(detail.text == source.text)
            #expect(detail.page == source.page)
            let missing = try await server.http.send(
                "GET",
                "/api/v1/documents/\(documentId)/chunks/chk_none",
                headers: Auth.bearer(tokens)
            )
            #expect(missing.code == "chunk_not_found")
        }
    }
}
