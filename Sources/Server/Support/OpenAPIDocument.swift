import Foundation

/// The hand-written OpenAPI 3.1 description shipped as a resource of this module.
enum OpenAPIDocument {
    /// Read once: the file does not change while the server runs.
    static let data: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }
}
