import ChatAPI
import Foundation
import Testing

/// Visibility invariants across accounts and anonymous sessions (http-api.md section 9; item 23).
@Suite struct IsolationTests {
    @Test func ownersSeeOnlyTheirOwnPersonalData() async throws {
        try await TestServer.with { server in
            let admin = try await server.register("dana@northwind.example")
            let userB = try await server.register("lee@northwind.example")
            let anonymousC = try #require(
                try await server.http.send("POST", "/api/v1/auth/anonymous").header("X-Anon-Session-Id")
            )
            let anonymousD = try #require(
                try await server.http.send("POST", "/api/v1/auth/anonymous").header("X-Anon-Session-Id")
            )

            let adminDocs = try await server.ingest(["product-x200-spec.pdf"], headers: Auth.bearer(admin))
            let anonymousDocs = try await server.ingest(["product-x300-spec.pdf"], headers: Auth.anonymous(anonymousC))
            let x200 = try #require(adminDocs["product-x200-spec.pdf"])
            let x300 = try #require(anonymousDocs["product-x300-spec.pdf"])
            let question = QueryStreamTests.payloadQuestion
            let owned = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": question],
                headers: Auth.bearer(admin)
            )
            let ownedAnswer = try owned.decode(QueryResponse.self)
            let chunkId = try #require(ownedAnswer.sources.first?.chunkId)
            let conversation = try #require(ownedAnswer.conversationId)

            // Others get 404 for everything of the admin's, never 403, and never see it as a source.
            let strangers: [(String, [(String, String)])] = [
                ("user B", Auth.bearer(userB)), ("anonymous C", Auth.anonymous(anonymousC)),
                ("anonymous D", Auth.anonymous(anonymousD)),
            ]
            for (who, headers) in strangers {
                for path in [
                    "/api/v1/documents/\(x200)", "/api/v1/documents/\(x200)/status",
                    "/api/v1/documents/\(x200)/chunks/\(chunkId)",
                ] {
                    let response = try await server.http.send("GET", path, headers: headers)
                    #expect(response.status == 404, "\(who) \(path)")
                    #expect(response.code == "document_not_found", "\(who) \(path)")
                }
                #expect(
                    try await server.http.send("DELETE", "/api/v1/documents/\(x200)", headers: headers).status == 404,
                    "\(who)"
                )
                let conversationRead = try await server.http.send(
                    "GET",
                    "/api/v1/conversations/\(conversation)",
                    headers: headers
                )
                #expect(conversationRead.code == "conversation_not_found", "\(who)")
                #expect(
                    try await server.http.send("DELETE", "/api/v1/conversations/\(conversation)", headers: headers)
                        .status == 404
                )
                let list = try await server.http.send("GET", "/api/v1/documents", headers: headers)
                #expect(try list.decode(Page<Document>.self).items.allSatisfy { $0.id != x200 }, "\(who)")
                let answer = try await server.http.json("POST", "/api/v1/query", ["query": question], headers: headers)
                #expect(try answer.decode(QueryResponse.self).sources.allSatisfy { $0.documentId != x200 }, "\(who)")
                let stream = try await server.http.json(
                    "POST",
                    "/api/v1/query/stream",
                    ["query": question],
                    headers: headers
                )
                #expect(!stream.text.contains(x200), "\(who)")
                let restricted = try await server.http.json(
                    "POST",
                    "/api/v1/query",
                    ["query": question, "document_ids": [x200]],
                    headers: headers
                )
                #expect(restricted.code == "document_not_found", "\(who)")
                let conversations = try await server.http.send("GET", "/api/v1/conversations", headers: headers)
                #expect(
                    try conversations.decode(Page<ConversationSummary>.self).items.allSatisfy { $0.id != conversation }
                )
            }

            // The anonymous session's document is its own: not the admin's, not user B's, not session D's.
            for (who, headers) in [
                ("admin", Auth.bearer(admin)), ("user B", Auth.bearer(userB)),
                ("anonymous D", Auth.anonymous(anonymousD)),
            ] {
                #expect(
                    try await server.http.send("GET", "/api/v1/documents/\(x300)", headers: headers).status == 404,
                    "\(who)"
                )
                let answer = try await server.http.json(
                    "POST",
                    "/api/v1/query",
                    ["query": "How far can the NR-X300 reach?"],
                    headers: headers
                )
                #expect(try answer.decode(QueryResponse.self).sources.allSatisfy { $0.documentId != x300 }, "\(who)")
                #expect(
                    try await server.http.send("DELETE", "/api/v1/admin/documents/\(x300)", headers: headers).status
                        != 200
                )
            }
            let own = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "How far can the NR-X300 reach?"],
                headers: Auth.anonymous(anonymousC)
            )
            #expect(try own.decode(QueryResponse.self).sources.contains { $0.documentId == x300 })

            // Deleting removes a document from retrieval before the response.
            #expect(
                try await server.http.send("DELETE", "/api/v1/documents/\(x300)", headers: Auth.anonymous(anonymousC))
                    .status == 200
            )
            let after = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "How far can the NR-X300 reach?"],
                headers: Auth.anonymous(anonymousC)
            )
            #expect(try after.decode(QueryResponse.self).sources.allSatisfy { $0.documentId != x300 })
        }
    }

    @Test func theAdminRoleGrantsNoAccessToOthersPersonalData() async throws {
        try await TestServer.with { server in
            let admin = try await server.register("dana@northwind.example")
            let user = try await server.register("lee@northwind.example")
            let ids = try await server.ingest(["faq.md"], headers: Auth.bearer(user))
            let id = try #require(ids["faq.md"])
            let memory = try await server.http.json(
                "POST",
                "/api/v1/memory/personal",
                ["content": "I sit in Leipzig."],
                headers: Auth.bearer(user)
            )
            let memoryId = try memory.decode(Memory.self).id

            #expect(
                try await server.http.send("GET", "/api/v1/documents/\(id)", headers: Auth.bearer(admin)).status == 404
            )
            #expect(
                try await server.http.send("DELETE", "/api/v1/documents/\(id)", headers: Auth.bearer(admin)).status
                    == 404
            )
            #expect(
                try await server.http.send("DELETE", "/api/v1/admin/documents/\(id)", headers: Auth.bearer(admin))
                    .status == 404
            )
            #expect(
                try await server.http.send("DELETE", "/api/v1/memory/personal/\(memoryId)", headers: Auth.bearer(admin))
                    .status == 404
            )
            #expect(
                try await server.http.send(
                    "DELETE",
                    "/api/v1/admin/shared-memory/\(memoryId)",
                    headers: Auth.bearer(admin)
                ).status == 404
            )
            let list = try await server.http.send("GET", "/api/v1/documents", headers: Auth.bearer(admin))
            #expect(try list.decode(Page<Document>.self).total == 0)
            let users = try await server.http.send("GET", "/api/v1/admin/users", headers: Auth.bearer(admin))
            let lee = try #require(try users.decode(Page<AdminUser>.self).items.first { $0.id == user.user.id })
            #expect(lee.documentCount == 1)
            #expect(lee.memoryCount == 1)
        }
    }
}
