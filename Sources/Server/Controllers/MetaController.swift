import ChatAPI
import Engine
import Foundation
import Hummingbird
import NIOCore

/// `GET /health` (also at the root), `GET /capabilities` and `GET /openapi.json`: they need no identity and open
/// no anonymous session (http-api.md section 3).
struct MetaController {
    let services: Services

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/health", use: health)
        routes.on(.get, "/api/v1/health", use: health)
        routes.on(.get, "/api/v1/capabilities", use: capabilities)
        routes.on(.get, "/api/v1/openapi.json", use: openAPI)
    }

    @Sendable func health(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        guard services.knowledgeBase.isHealthy() else {
            throw APIError(status: 503, code: .serviceUnavailable, message: "The store cannot be used.")
        }
        return JSONResponse.make(
            Health(status: "ok", version: ChatShellVersion.current, time: Timestamp.string(Date()))
        )
    }

    @Sendable func capabilities(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        JSONResponse.make(services.knowledgeBase.capabilities())
    }

    @Sendable func openAPI(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        guard let document = OpenAPIDocument.data else { throw APIError.internalError() }
        return Response(
            status: .ok,
            headers: [.contentType: JSONResponse.mediaType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: document))
        )
    }
}
