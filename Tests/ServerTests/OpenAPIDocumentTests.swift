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
}
