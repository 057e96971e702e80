import HTTPTypes
import Hummingbird

/// Registers handlers on the router and records each route in the `RouteTable`, so the table always matches
/// what the router serves.
struct RouteRegistrar {
    typealias Handler = @Sendable (Request, ChatRequestContext) async throws -> Response

    let router: Router<ChatRequestContext>
    let table: RouteTable

    func on(_ method: HTTPRequest.Method, _ path: String, use handler: @escaping Handler) {
        table.add(method: method.rawValue, path: path)
        router.on(RouterPath(path), method: method, use: handler)
    }
}
