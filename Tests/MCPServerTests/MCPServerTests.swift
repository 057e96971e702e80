import ChatAPI
import ChatClient
import ChatTestSupport
import Commands
import Foundation
import Testing

/// `chatshell mcp` end to end: the built binary on real pipes, driven by a client written against the protocol.
@Suite(
    .enabled(if: TestCorpus.binary != nil, "needs the built binary: run `swift build` first (.build/debug/chatshell)")
)
struct MCPServerTests {
    /// The ingested corpus, shared: these runs only read documents (conversations and memories they add are
    /// their own).
    private static let store = Task { try await NorthwindStore.make() }

    private func server(_ flags: [String] = []) async throws -> MCPClient {
        let store = try await Self.store.value
        return try MCPClient(["--data-dir", store.directory.url.path] + flags)
    }

    private func initialize(_ client: MCPClient) async throws -> [String: JSONValue] {
        let response = try await client.request(
            "initialize",
            [
                "protocolVersion": "2025-06-18", "capabilities": .object([:]),
                "clientInfo": .object(["name": "chatshell-tests", "version": "1"]),
            ]
        )
        client.notify("notifications/initialized")
        return response
    }

    // MARK: - Tools

    @Test func initializeListsTheToolsWithSchemas() async throws {
        let client = try await server()
        let initialized = try await initialize(client)
        let result = try #require(initialized["result"])
        #expect(result["protocolVersion"]?.stringValue == "2025-06-18")
        #expect(result["serverInfo"]?["name"]?.stringValue == "chatshell")
        for capability in ["tools", "resources", "prompts"] {
            #expect(result["capabilities"]?[capability]?.objectValue != nil, "capability \(capability)")
        }

        let tools = try #require(try await client.request("tools/list")["result"]?["tools"]?.arrayValue)
        #expect(
            tools.compactMap { $0["name"]?.stringValue }
                == ["ask", "search_documents", "list_documents", "get_passage", "upload_document", "remember"]
        )
        for tool in tools {
            #expect(tool["inputSchema"]?["type"]?.stringValue == "object")
            #expect(tool["outputSchema"]?["type"]?.stringValue == "object")
        }
        client.closeInput()
        #expect(await client.exitStatus() == 0)
    }

    @Test func askAnswersWithCitedSourcesAndFollowsUp() async throws {
        let client = try await server()
        _ = try await initialize(client)

        let result = try await client.callTool("ask", ["question": "What is the rated payload of the NR-X200?"])
        #expect(result["isError"]?.boolValue == false)
        let answer = try #require(result["structuredContent"])
        let text = try #require(answer["answer"]?.stringValue)
        #expect(text.contains("8 kg"))
        #expect(text.contains("[1]"))
        #expect(answer["finish_reason"]?.stringValue == "stop")
        let sources = try #require(answer["sources"]?.arrayValue)
        let first = try #require(sources.first)
        #expect(first["n"]?.intValue == 1)
        #expect(first["cited"]?.boolValue == true)
        #expect(first["document"]?.stringValue == "product-x200-spec.pdf")
        #expect(first["page"]?.intValue != nil)
        #expect(first["passage"]?.stringValue?.contains("8 kg") == true)
        #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.hasPrefix(text) == true)
        let conversation = try #require(answer["conversation_id"]?.stringValue)
        #expect(conversation.hasPrefix("cnv_"))

        // A follow-up in the same conversation resolves "the arm" from the first question.
        let followUp = try await client.callTool(
            "ask",
            ["question": "And how much does the arm weigh?", "conversation_id": .string(conversation)]
        )
        let followUpAnswer = try #require(followUp["structuredContent"])
        #expect(followUpAnswer["conversation_id"]?.stringValue == conversation)
        let cited = followUpAnswer["sources"]?.arrayValue?.filter { $0["cited"]?.boolValue == true } ?? []
        #expect(cited.contains { $0["document"]?.stringValue == "product-x200-spec.pdf" })

        // Nothing relevant: an answer that says so, not an error.
        let unknown = try await client.callTool("ask", ["question": "What is the maximum payload of the NR-X400?"])
        #expect(unknown["isError"]?.boolValue == false)
        #expect(unknown["structuredContent"]?["finish_reason"]?.stringValue == "no_context")
        #expect(unknown["structuredContent"]?["sources"]?.arrayValue?.isEmpty == true)
        client.closeInput()
        #expect(await client.exitStatus() == 0)
    }

    @Test func searchListAndPassageAgree() async throws {
        let client = try await server()
        _ = try await initialize(client)

        let search = try await client.callTool(
            "search_documents",
            ["query": "nightly hotel cap in high-cost cities", "top_k": 3]
        )
        let results = try #require(search["structuredContent"]?["results"]?.arrayValue)
        #expect((1...3).contains(results.count))
        #expect(results.first?["document"]?.stringValue == "travel-policy.pdf")
        let scores = results.compactMap { $0["score"]?.numberValue }
        #expect(scores == scores.sorted(by: >))
        #expect(results.map { $0["n"]?.intValue } == Array(1...results.count).map { Optional($0) })

        let listed = try await client.callTool("list_documents", [:])
        let documents = try #require(listed["structuredContent"]?["documents"]?.arrayValue)
        let store = try await Self.store.value
        #expect(documents.count == store.ids.count)
        #expect(Set(documents.compactMap { $0["id"]?.stringValue }) == Set(store.ids.values))
        #expect(documents.allSatisfy { $0["uri"]?.stringValue?.hasPrefix("chatshell://documents/doc_") == true })

        let best = try #require(results.first)
        let passage = try await client.callTool(
            "get_passage",
            ["document_id": try #require(best["document_id"]), "chunk": try #require(best["chunk_id"])]
        )
        #expect(passage["isError"]?.boolValue == false)
        #expect(passage["structuredContent"]?["text"] == best["passage"])
        #expect(passage["structuredContent"]?["document"]?.stringValue == "travel-policy.pdf")

        let missing = try await client.callTool("get_passage", ["document_id": "doc_nope", "chunk": "chk_nope"])
        #expect(missing["isError"]?.boolValue == true)
        #expect(missing["content"]?.arrayValue?.first?["text"]?.stringValue == "Document not found: doc_nope")
        client.closeInput()
        #expect(await client.exitStatus() == 0)
    }

    // MARK: - Resources and prompts

    @Test func documentsAreResourcesWithTheirText() async throws {
        let client = try await server()
        _ = try await initialize(client)
        let store = try await Self.store.value
        let travel = try #require(store.ids["travel-policy.pdf"])

        let resources = try #require(try await client.request("resources/list")["result"]?["resources"]?.arrayValue)
        #expect(resources.count == store.ids.count)
        let uri = "chatshell://documents/\(travel)"
        let listed = try #require(resources.first { $0["uri"]?.stringValue == uri })
        #expect(listed["name"]?.stringValue == "travel-policy.pdf")
        #expect(listed["mimeType"]?.stringValue == "text/plain")

        let read = try await client.request("resources/read", ["uri": .string(uri)])
        let contents = try #require(read["result"]?["contents"]?.arrayValue?.first)
        #expect(contents["uri"]?.stringValue == uri)
        let text = try #require(contents["text"]?.stringValue)
        #expect(text.contains("Hotels"))
        #expect(text.count > 1_000)

        let unknown = try await client.request("resources/read", ["uri": "chatshell://documents/doc_missing"])
        #expect(unknown["error"]?["code"]?.intValue == -32002)
        #expect(unknown["error"]?["message"]?.stringValue?.contains("Document not found: doc_missing") == true)
        let foreign = try await client.request("resources/read", ["uri": "file:///etc/passwd"])
        #expect(foreign["error"]?["code"]?.intValue == -32602)

        let prompts = try #require(try await client.request("prompts/list")["result"]?["prompts"]?.arrayValue)
        #expect(prompts.compactMap { $0["name"]?.stringValue } == ["answer_with_citations"])
        let prompt = try await client.request(
            "prompts/get",
            ["name": "answer_with_citations", "arguments": .object(["question": "How long is the warranty?"])]
        )
        let message = try #require(prompt["result"]?["messages"]?.arrayValue?.first)
        #expect(message["role"]?.stringValue == "user")
        #expect(message["content"]?["text"]?.stringValue?.hasSuffix("Question: How long is the warranty?") == true)
        client.closeInput()
        #expect(await client.exitStatus() == 0)
    }

    // MARK: - Protocol conformance

    @Test func brokenInputGetsJSONRPCErrorsAndTheServerGoesOn() async throws {
        let client = try await server(["--log-level", "trace"])
        _ = try await initialize(client)

        // Not JSON: a parse error with a null id.
        client.write("{not json\n")
        let parseError = try await client.firstLine(what: "the parse error") { line in
            MCPClient.object(line)?["error"]?["code"]?.intValue == -32700
        }
        #expect(MCPClient.object(parseError)?["id"] == .null)

        // JSON that is no request: -32600, with the id when it can be read.
        client.write(#"{"jsonrpc":"2.0","id":"x1"}"# + "\n")
        #expect(try await client.response(to: "x1")["error"]?["code"]?.intValue == -32600)
        client.write("[1,2]\n42\n")

        // An unknown method: -32601 with the request's id.
        let unknown = try await client.request("no/such/method")
        #expect(unknown["error"]?["code"]?.intValue == -32601)

        // Notifications, known or not, get no response.
        client.notify("notifications/initialized")
        client.notify("notifications/unheard_of")

        // Bad arguments are tool errors the model can read; an unknown tool is invalid params.
        let badType = try await client.callTool("ask", ["question": 5])
        #expect(badType["isError"]?.boolValue == true)
        #expect(
            badType["content"]?.arrayValue?.first?["text"]?.stringValue
                == "ask: argument 'question' must be a string, not a number."
        )
        let missing = try await client.callTool("get_passage", ["document_id": "doc_x"])
        #expect(
            missing["content"]?.arrayValue?.first?["text"]?.stringValue
                == "get_passage: missing required argument 'chunk' (a string)."
        )
        let extra = try await client.callTool("list_documents", ["limit": 5])
        #expect(
            extra["content"]?.arrayValue?.first?["text"]?.stringValue
                == "list_documents: unknown argument 'limit'; it takes none."
        )
        let tooLong = try await client.callTool("ask", ["question": .string(String(repeating: "why ", count: 1_001))])
        #expect(tooLong["isError"]?.boolValue == true)
        let noTool = try await client.request("tools/call", ["name": "delete_everything", "arguments": .object([:])])
        #expect(noTool["error"]?["code"]?.intValue == -32602)

        // Still serving.
        let ping = try await client.request("ping")
        #expect(ping["result"]?.objectValue == [:])

        client.closeInput()
        #expect(await client.exitStatus() == 0)
        // Exactly one line per request or rejected line, each a JSON-RPC 2.0 response; none for notifications.
        let lines = client.lines
        let objects = lines.compactMap(MCPClient.object)
        #expect(objects.count == lines.count)
        #expect(
            objects.allSatisfy { $0["jsonrpc"]?.stringValue == "2.0" && ($0["result"] != nil) != ($0["error"] != nil) }
        )
        let ids = objects.compactMap { $0["id"]?.intValue }
        // Each of the 8 requests (initialize to ping) answered once, plus 4 rejected lines (not JSON, the
        // message without method, `[1,2]` and `42`).
        #expect(ids.sorted() == Array(1...8))
        #expect(objects.count == 12)
        // At trace level the logs still go to stderr only.
        #expect(!client.stderr.isEmpty)
    }

    @Test func endOfInputAnswersEveryRequestThenExitsZero() async throws {
        let client = try await server()
        // Everything at once, then end of input before any answer has been read.
        client.write(
            [
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}"#,
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{"question":"How many days of paid annual leave does a full-time employee get per year?"}}}"#,
                #"{"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"search_documents","arguments":{"query":"warranty on grippers"}}}"#,
                #"{"jsonrpc":"2.0","id":4,"method":"resources/list"}"#,
            ].joined(separator: "\n") + "\n"
        )
        client.closeInput()
        #expect(await client.exitStatus() == 0)
        let objects = client.lines.compactMap(MCPClient.object)
        #expect(Set(objects.compactMap { $0["id"] }) == [1, 2, "three", 4])
        #expect(objects.count == 4)
        #expect(objects.first { $0["id"] == 2 }?["result"]?["isError"]?.boolValue == false)
    }

    // MARK: - Upload

    @Test func uploadIsConfinedToAllowedFolders() async throws {
        let data = TemporaryDirectory(prefix: "chatshell-mcp-data")
        let allowed = TemporaryDirectory(prefix: "chatshell-mcp-allowed")
        let outside = TemporaryDirectory(prefix: "chatshell-mcp-outside")
        let inside = allowed.url.appendingPathComponent("warranty-terms.txt")
        try FileManager.default.copyItem(at: TestCorpus.document("warranty-terms.txt"), to: inside)
        let stray = outside.url.appendingPathComponent("faq.md")
        try FileManager.default.copyItem(at: TestCorpus.document("faq.md"), to: stray)
        // A link inside the allowed folder that points out of it.
        try FileManager.default.createSymbolicLink(
            at: allowed.url.appendingPathComponent("link.md"),
            withDestinationURL: stray
        )

        let client = try MCPClient(["--data-dir", data.url.path, "--allow-dir", allowed.url.path])
        _ = try await initialize(client)

        let refused = try await client.callTool("upload_document", ["path": .string(stray.path)])
        #expect(refused["isError"]?.boolValue == true)
        #expect(
            refused["content"]?.arrayValue?.first?["text"]?.stringValue
                == "'\(stray.path)' is outside the folders allowed with --allow-dir (\(allowed.url.path)). Move the "
                + "file into one of them, or restart `chatshell mcp` with --allow-dir for its folder."
        )
        let linked = try await client.callTool(
            "upload_document",
            ["path": .string(allowed.url.appendingPathComponent("link.md").path)]
        )
        #expect(linked["isError"]?.boolValue == true)
        let relative = try await client.callTool("upload_document", ["path": "warranty-terms.txt"])
        #expect(
            relative["content"]?.arrayValue?.first?["text"]?.stringValue
                == "upload_document: argument 'path' must be an absolute path, not 'warranty-terms.txt'."
        )

        let added = try await client.callTool("upload_document", ["path": .string(inside.path)])
        #expect(added["isError"]?.boolValue == false)
        let file = try #require(added["structuredContent"]?["files"]?.arrayValue?.first)
        #expect(file["outcome"]?.stringValue == "indexed")
        let documentId = try #require(file["document_id"]?.stringValue)

        let listed = try await client.callTool("list_documents", [:])
        #expect(
            listed["structuredContent"]?["documents"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [documentId]
        )
        let remembered = try await client.callTool("remember", ["text": "I work at the Leipzig site."])
        #expect(remembered["structuredContent"]?["content"]?.stringValue == "I work at the Leipzig site.")
        #expect(remembered["structuredContent"]?["id"]?.stringValue?.hasPrefix("mem_") == true)
        client.closeInput()
        #expect(await client.exitStatus() == 0)

        // Without --allow-dir the tool says how to enable it.
        let locked = try MCPClient(["--data-dir", data.url.path])
        _ = try await initialize(locked)
        let disabled = try await locked.callTool("upload_document", ["path": .string(inside.path)])
        #expect(
            disabled["content"]?.arrayValue?.first?["text"]?.stringValue
                == "upload_document is disabled: start `chatshell mcp` with --allow-dir DIR to let clients upload "
                + "files from DIR."
        )
        locked.closeInput()
        #expect(await locked.exitStatus() == 0)
    }

    // MARK: - Remote backend

    @Test func aServerBackendServesTheSameToolsWithTheStoredLogin() async throws {
        let server = try await ServeProcess()
        let home = TemporaryDirectory(prefix: "chatshell-mcp-remote-home")
        // The login `chatshell --server URL` would store, in the credentials file of the mcp process's home.
        let account = try RemoteBackend(
            server: server.url,
            credentials: CredentialStore(path: home.url.appendingPathComponent("credentials").path)
        )
        _ = try await account.register(email: "dana@northwind.example", password: "correct horse 42")
        let runner = UploadRunner(backend: account)
        var ids: [String: String] = [:]
        for name in ["travel-policy.pdf", "product-x200-spec.pdf"] {
            let result = await runner.run(TestCorpus.document(name), title: nil, shared: false) { _, _, _ in }
            guard case .ingested(let document) = result.outcome else {
                Issue.record("\(name) was not indexed: \(result.outcome)")
                return
            }
            ids[name] = document.id
        }

        let client = try MCPClient(["--server", server.url, "--allow-dir", NSTemporaryDirectory()], home: home)
        _ = try await initialize(client)
        let listed = try await client.callTool("list_documents", [:])
        #expect(
            Set(listed["structuredContent"]?["documents"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
                == Set(ids.values)
        )
        let search = try await client.callTool("search_documents", ["query": "nightly hotel cap", "top_k": 1])
        #expect(
            search["structuredContent"]?["results"]?.arrayValue?.first?["document"]?.stringValue == "travel-policy.pdf"
        )
        let answer = try await client.callTool("ask", ["question": "What is the rated payload of the NR-X200?"])
        #expect(answer["structuredContent"]?["answer"]?.stringValue?.contains("8 kg [1]") == true)
        let travel = try #require(ids["travel-policy.pdf"])
        let read = try await client.request("resources/read", ["uri": .string("chatshell://documents/\(travel)")])
        #expect(read["result"]?["contents"]?.arrayValue?.first?["text"]?.stringValue?.contains("Hotels") == true)

        let upload = try await client.callTool(
            "upload_document",
            ["path": .string(TestCorpus.document("faq.md").path)]
        )
        #expect(upload["isError"]?.boolValue == true)
        #expect(
            upload["content"]?.arrayValue?.first?["text"]?.stringValue
                == "upload_document works on the local store only; this server talks to a chatshell server. Upload "
                + "there with `chatshell ingest PATH --server URL` or /upload in the REPL."
        )
        client.closeInput()
        #expect(await client.exitStatus() == 0)
        #expect(client.stderr.contains("--allow-dir has no effect with --server"))
    }
}
