import ChatAPI
import Foundation
import Testing

/// Personal memory, memory capture and shared memory (http-api.md section 11, items 37-39).
@Suite struct MemoryAndAdminTests {
    @Test func personalMemoryCRUDAndOwnership() async throws {
        try await TestServer.with { server in
            let dana = try await server.register("dana@northwind.example")
            let lee = try await server.register("lee@northwind.example")
            let created = try await server.http.json(
                "POST",
                "/api/v1/memory/personal",
                ["content": "My employee ID is NW-58213."],
                headers: Auth.bearer(dana)
            )
            #expect(created.status == 201)
            let memory = try created.decode(Memory.self)
            #expect(memory.scope == .personal)
            #expect(memory.source == "user")
            #expect(memory.createdBy == dana.user.id)

            let equal = try await server.http.json(
                "POST",
                "/api/v1/memory/personal",
                ["content": "  my employee id   is NW-58213. "],
                headers: Auth.bearer(dana)
            )
            #expect(equal.status == 200)
            #expect(try equal.decode(Memory.self).id == memory.id)

            let list = try await server.http.send("GET", "/api/v1/memory/personal", headers: Auth.bearer(dana))
            #expect(list.status == 200)
            #expect(try list.decode(Page<Memory>.self).items.map(\.id) == [memory.id])

            let updated = try await server.http.json(
                "PATCH",
                "/api/v1/memory/personal/\(memory.id)",
                ["content": "My employee ID is NW-58214."],
                headers: Auth.bearer(dana)
            )
            #expect(updated.status == 200)
            #expect(try updated.decode(Memory.self).content == "My employee ID is NW-58214.")

            for (method, body) in [("PATCH", #"{"content":"x"}"#), ("DELETE", "")] {
                let foreign = try await server.http.send(
                    method,
                    "/api/v1/memory/personal/\(memory.id)",
                    headers: Auth.bearer(lee) + (body.isEmpty ? [] : [("Content-Type", "application/json")]),
                    body: body.isEmpty ? nil : Data(body.utf8)
                )
                #expect(foreign.status == 404, "\(method)")
                #expect(foreign.code == "memory_not_found")
            }
            #expect(
                try await server.http.send("GET", "/api/v1/memory/personal", headers: Auth.bearer(lee)).decode(
                    Page<Memory>.self
                ).total == 0
            )

            let deleted = try await server.http.send(
                "DELETE",
                "/api/v1/memory/personal/\(memory.id)",
                headers: Auth.bearer(dana)
            )
            #expect(deleted.status == 200)
            #expect(try deleted.decode(Deleted.self) == Deleted(id: memory.id))
        }
    }

    @Test func capturedMemoryIsCitedInALaterConversation() async throws {
        try await TestServer.with { server in
            let dana = try await server.register("dana@northwind.example")
            try await server.ingest(["employee-handbook.md"], headers: Auth.bearer(dana))
            let capture = try await server.http.json(
                "POST",
                "/api/v1/query/stream",
                ["query": "Please remember that my employee ID is NW-58213."],
                headers: Auth.bearer(dana)
            )
            let captured = try #require(SSEFrames(capture.body).done?.memoryAdded)
            #expect(captured.source == "extracted")
            #expect(captured.content.contains("NW-58213"))

            let ask = try await server.http.json(
                "POST",
                "/api/v1/query",
                ["query": "What is my employee ID?"],
                headers: Auth.bearer(dana)
            )
            let answer = try ask.decode(QueryResponse.self)
            #expect(answer.answer.contains("NW-58213"), "\(answer.answer)")
            let cited = Set(answer.citations.map(\.n))
            #expect(answer.sources.contains { cited.contains($0.n) && $0.kind == .personalMemory })
        }
    }

    @Test func sharedMemoryNeedsAnAdminAndReachesAccountsOnly() async throws {
        try await TestServer.with { server in
            let admin = try await server.register("dana@northwind.example")
            let user = try await server.register("lee@northwind.example")
            let content = ["content": "Support escalations go to the duty manager at ext. 4100."]

            let anonymous = try await server.http.json("POST", "/api/v1/admin/shared-memory", content)
            #expect(anonymous.status == 401)
            #expect(anonymous.code == "auth_required")
            #expect(anonymous.header("X-Anon-Session-Id") == nil)
            let forbidden = try await server.http.json(
                "POST",
                "/api/v1/admin/shared-memory",
                content,
                headers: Auth.bearer(user)
            )
            #expect(forbidden.status == 403)
            #expect(forbidden.code == "forbidden")
            let created = try await server.http.json(
                "POST",
                "/api/v1/admin/shared-memory",
                content,
                headers: Auth.bearer(admin)
            )
            #expect(created.status == 201)
            let memory = try created.decode(Memory.self)
            #expect(memory.scope == .shared)

            let listed = try await server.http.send("GET", "/api/v1/admin/shared-memory", headers: Auth.bearer(admin))
            #expect(try listed.decode(Page<Memory>.self).total == 1)

            let question = ["query": "Who do support escalations go to?"]
            let forUser = try await server.http.json("POST", "/api/v1/query", question, headers: Auth.bearer(user))
            #expect(try forUser.decode(QueryResponse.self).sources.contains { $0.kind == .sharedMemory })
            let forAnonymous = try await server.http.json("POST", "/api/v1/query", question)
            #expect(try forAnonymous.decode(QueryResponse.self).sources.allSatisfy { $0.kind != .sharedMemory })

            let delete = try await server.http.send(
                "DELETE",
                "/api/v1/admin/shared-memory/\(memory.id)",
                headers: Auth.bearer(admin)
            )
            #expect(delete.status == 200)
            let afterDelete = try await server.http.json("POST", "/api/v1/query", question, headers: Auth.bearer(user))
            #expect(try afterDelete.decode(QueryResponse.self).sources.allSatisfy { $0.kind != .sharedMemory })
        }
    }

    @Test func adminRoutesRefuseAnonymousAndUsers() async throws {
        try await TestServer.with { server in
            let admin = try await server.register("dana@northwind.example")
            let user = try await server.register("lee@northwind.example")
            // The refusals name what needs the role, in the engine's words, so remote and embedded agree
            let routes = [
                ("GET", "/api/v1/admin/shared-memory", "Shared memory"),
                ("GET", "/api/v1/admin/documents", "Managing shared documents"),
                ("GET", "/api/v1/admin/users", "Listing users"),
                ("DELETE", "/api/v1/admin/shared-memory/mem_x", "Shared memory"),
                ("DELETE", "/api/v1/admin/documents/doc_x", "Deleting shared documents"),
            ]
            for (method, path, action) in routes {
                #expect(try await server.http.send(method, path).status == 401, "\(path)")
                let refused = try await server.http.send(method, path, headers: Auth.bearer(user))
                #expect(refused.status == 403, "\(path)")
                #expect(refused.error?.error.message == "\(action) requires the admin role.", "\(path)")
            }
            let users = try await server.http.send("GET", "/api/v1/admin/users", headers: Auth.bearer(admin))
            let page = try users.decode(Page<AdminUser>.self)
            #expect(Set(page.items.map(\.email)) == ["dana@northwind.example", "lee@northwind.example"])
        }
    }
}
