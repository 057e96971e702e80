import Engine
import Foundation
import Server
import Testing

/// `GET /openapi.json` describes exactly the routes the router serves.
@Suite struct OpenAPIDocumentTests {
    @Test func theDocumentListsEveryLiveRouteAndNoOther() async throws {
        try await TestServer.with { server in
            let response = try await server.http.send("GET", "/api/v1/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("X-Anon-Session-Id") == nil)
            let document = try #require(response.json)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, item) in paths {
                for method in ["get", "post", "put", "patch", "delete"] where item[method] != nil {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let live = Set(
                serverRoutes(configuration: server.configuration, knowledgeBase: server.knowledgeBase).map {
                    "\($0.method) \($0.path)"
                }
            )
            #expect(live.count == 37)
            #expect(live.subtracting(documented).isEmpty, "undocumented: \(live.subtracting(documented).sorted())")
            #expect(documented.subtracting(live).isEmpty, "not served: \(documented.subtracting(live).sorted())")
        }
    }

    @Test func everyReferenceResolves() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Server/Resources/openapi.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let regex = try NSRegularExpression(pattern: "\"\\$ref\": \"#/([^\"]+)\"")
        let references = regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
        #expect(!references.isEmpty)
        for reference in Set(references) {
            var node: Any? = document
            for key in reference.split(separator: "/") { node = (node as? [String: Any])?[String(key)] }
            #expect(node != nil, "unresolved $ref #/\(reference)")
        }
    }

    /// The document as shipped.
    private static func document() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Server/Resources/openapi.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Follows a local `$ref` such as `#/components/schemas/Source`.
    private static func resolve(_ node: Any?, in document: [String: Any]) -> [String: Any]? {
        guard let object = node as? [String: Any] else { return nil }
        guard let reference = object["$ref"] as? String, reference.hasPrefix("#/") else { return object }
        var target: Any? = document
        for key in reference.dropFirst(2).split(separator: "/") { target = (target as? [String: Any])?[String(key)] }
        return resolve(target, in: document)
    }

    @Test func everyOperationDocumentsTheErrorsEveryRouteCanGive() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations = 0
        for (path, item) in paths {
            for (method, value) in item where method != "parameters" {
                let operation = try #require(value as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: Any])
                operations += 1
                // Malformed requests and rate limits reach every route; bodies add their own failures.
                var expected = ["400", "429"]
                if operation["requestBody"] != nil { expected += ["408", "413", "415", "422"] }
                for status in expected {
                    let response = Self.resolve(responses[status], in: document)
                    #expect(response != nil, "\(method.uppercased()) \(path) does not document \(status)")
                    let schema = ((response?["content"] as? [String: Any])?["application/json"] as? [String: Any])?[
                        "schema"
                    ]
                    #expect(
                        (schema as? [String: Any])?["$ref"] as? String == "#/components/schemas/ErrorBody",
                        "\(method.uppercased()) \(path) \(status) is not the error body"
                    )
                }
            }
        }
        #expect(operations == 37)
    }

    @Test func theDocumentedLimitsAreTheServersLimits() async throws {
        try await TestServer.with { server in
            let document = try Self.document()
            let capabilities = try #require(try await server.http.send("GET", "/api/v1/capabilities").json)
            let limits = try #require(capabilities["limits"] as? [String: Any])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            func property(_ schema: String, _ name: String) -> [String: Any]? {
                ((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])?[name] as? [String: Any]
            }
            #expect(property("QueryRequest", "query")?["maxLength"] as? Int == limits["max_query_chars"] as? Int)
            #expect(property("QueryRequest", "top_k")?["maximum"] as? Int == limits["max_top_k"] as? Int)
            #expect(property("QueryRequest", "top_k")?["default"] as? Int == limits["default_top_k"] as? Int)
            #expect(property("MemoryRequest", "content")?["maxLength"] as? Int == limits["max_memory_chars"] as? Int)
            let compared = property("CompareRequest", "document_ids")
            #expect(compared?["minItems"] as? Int == limits["compare_min_documents"] as? Int)
            #expect(compared?["maxItems"] as? Int == limits["compare_max_documents"] as? Int)
            #expect(property("UploadForm", "title")?["maxLength"] as? Int == UploadValidator.maxTitleCharacters)
            let parameters = try #require((document["components"] as? [String: Any])?["parameters"] as? [String: Any])
            let limit = (parameters["Limit"] as? [String: Any])?["schema"] as? [String: Any]
            #expect(limit?["maximum"] as? Int == 200)
        }
    }

    @Test func theStreamSchemaNamesEveryEventAndMatchesALiveStream() async throws {
        try await TestServer.with { server in
            let document = try Self.document()
            let capabilities = try #require(try await server.http.send("GET", "/api/v1/capabilities").json)
            let events = try #require((capabilities["stream"] as? [String: Any])?["events"] as? [String])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var schemaOfEvent: [String: [String: Any]] = [:]
            for path in ["/api/v1/query/stream", "/api/v1/compare/stream"] {
                let ok = ((paths[path]?["post"] as? [String: Any])?["responses"] as? [String: Any])?["200"]
                let media = ((ok as? [String: Any])?["content"] as? [String: Any])?["text/event-stream"]
                let item = try #require(Self.resolve((media as? [String: Any])?["itemSchema"], in: document))
                let variants = try #require(item["oneOf"] as? [[String: Any]])
                for variant in variants {
                    let properties = variant["properties"] as? [String: Any]
                    let name = try #require((properties?["event"] as? [String: Any])?["const"] as? String)
                    let data = properties?["data"] as? [String: Any]
                    #expect(data?["contentMediaType"] as? String == "application/json")
                    schemaOfEvent[name] = try #require(Self.resolve(data?["contentSchema"], in: document))
                }
            }
            #expect(Set(schemaOfEvent.keys) == Set(events))
            // A real stream: every event's data carries its schema's required fields and the matching type.
            let response = try await server.http.json("POST", "/api/v1/query/stream", ["query": "What is ChatShell?"])
            #expect(response.status == 200)
            let stream = SSEFrames(response.body)
            #expect(stream.violations.isEmpty, "\(stream.violations)")
            #expect(!stream.frames.isEmpty)
            for frame in stream.frames {
                let schema = try #require(schemaOfEvent[frame.type], "undocumented event \(frame.type)")
                let required = schema["required"] as? [String] ?? []
                let missing = required.filter { frame.object[$0] == nil }
                #expect(missing.isEmpty, "\(frame.type) lacks \(missing)")
                let type = (schema["properties"] as? [String: Any])?["type"] as? [String: Any]
                #expect(type?["const"] as? String == frame.type)
            }
        }
    }
}
