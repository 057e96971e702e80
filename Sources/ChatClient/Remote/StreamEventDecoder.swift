import ChatAPI
import Foundation

/// Turns the `data` of Server-Sent Events into `StreamEvent`s (http-api.md section 6).
///
/// The JSON `type` decides, not the SSE event name (the two are equal on a conforming server). Events of a type this
/// client does not know are skipped, as forward compatibility requires; a known event that does not decode is a
/// broken stream.
struct StreamEventDecoder {
    /// The event types of API version 1.
    static let knownTypes: Set<String> = ["meta", "status", "sources", "token", "citation", "done", "error"]

    private let decoder = APIJSON.decoder()
    private let server: String

    /// - Parameter server: `host:port` of the server, for error messages.
    init(server: String) {
        self.server = server
    }

    private struct TypeProbe: Decodable {
        var type: String?
    }

    /// The event, or `nil` for an event to skip.
    ///
    /// - Throws: `BackendError.transport` when the data is not JSON or a known event is malformed.
    func decode(_ event: SSEEvent) throws -> StreamEvent? {
        let data = Data(event.data.utf8)
        let probe: TypeProbe
        do {
            probe = try decoder.decode(TypeProbe.self, from: data)
        } catch {
            throw BackendError.transport(
                "\(server) sent a stream event that is not a JSON object (event '\(event.name)'). "
                    + "Is the address a chatshell server?"
            )
        }
        guard let type = probe.type, Self.knownTypes.contains(type) else { return nil }
        do {
            return try decoder.decode(StreamEvent.self, from: data)
        } catch {
            throw BackendError.transport(
                "\(server) sent a malformed '\(type)' event (\(Self.describe(error))). "
                    + "The server may speak a different API version."
            )
        }
    }

    /// A decoding error in one line, naming the field.
    static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return String(describing: error) }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            let prefix = path(context.codingPath)
            return "missing field \(prefix.isEmpty ? "" : prefix + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type for \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(path(context.codingPath))"
        @unknown default:
            return "undecodable"
        }
    }
}
