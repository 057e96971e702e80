import ChatAPI
import Foundation

/// One JSONL request after parsing and validation (bridge.md 4.1).
enum JSONLRequest: Sendable, Equatable {
    /// `ask`.
    struct Ask: Sendable, Equatable {
        var id: String
        var text: String
        var conversation: String?
        var stream: Bool
        var topK: Int?
        var documents: [String]?
        var includeMemory: Bool?
        var meta: JSONValue?
    }

    /// `command`.
    struct Command: Sendable, Equatable {
        var id: String
        var line: String
        var conversation: String?
        var meta: JSONValue?
    }

    case ask(Ask)
    case command(Command)
    case cancel(id: String)
    case reset(id: String?, conversation: String)
    case ping(id: String)
}

/// Why a line was not accepted: answered by an `error` with `id: null` (bridge.md 4.2).
struct LineRejection: Error, Sendable, Equatable {
    var code: ErrorCode
    var message: String
    /// The line's `id`, when it had a readable one.
    var ref: String?
}

extension JSONLRequest {
    /// The longest `id`, in bytes.
    static let maxIdBytes = 128

    /// Parses and validates one line; unknown fields are ignored.
    ///
    /// - Parameter text: the line, valid UTF-8.
    /// - Returns: the request, or why it is rejected.
    static func parse(_ text: String) -> Result<JSONLRequest, LineRejection> {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            return .failure(LineRejection(code: .parseError, message: "The line is not valid JSON.", ref: nil))
        }
        guard let object = value.objectValue else {
            return .failure(LineRejection(code: .parseError, message: "The line is not a JSON object.", ref: nil))
        }
        var fields = Fields(object: object)
        do {
            return .success(try fields.request())
        } catch let rejection as LineRejection {
            return .failure(rejection)
        } catch {
            return .failure(LineRejection(code: .badRequest, message: "\(error)", ref: fields.ref))
        }
    }
}

/// Typed access to a request object's fields, failing with the messages hosts see.
private struct Fields {
    let object: [String: JSONValue]

    /// The `id` when it is a string, for `ref`.
    var ref: String? { object["id"]?.stringValue }

    mutating func request() throws -> JSONLRequest {
        guard let opValue = object["op"], opValue != .null else { throw bad("Missing field 'op'.") }
        guard let op = opValue.stringValue else { throw bad("Field 'op' must be a string.") }
        switch op {
        case "ask":
            let id = try requiredId()
            guard let textValue = object["text"], textValue != .null else { throw bad("Missing field 'text'.") }
            guard let text = textValue.stringValue else { throw bad("Field 'text' must be a string.") }
            guard !text.allSatisfy(\.isWhitespace) else { throw bad("Field 'text' is empty.") }
            let options = try optionsObject()
            return .ask(
                JSONLRequest.Ask(
                    id: id,
                    text: text,
                    conversation: try conversation(required: false),
                    stream: try bool("stream", in: object) ?? true,
                    topK: try topK(options),
                    documents: try documents(options),
                    includeMemory: try bool("include_memory", in: options, prefix: "options."),
                    meta: try meta()
                )
            )
        case "command":
            let id = try requiredId()
            guard let lineValue = object["line"], lineValue != .null else { throw bad("Missing field 'line'.") }
            guard let line = lineValue.stringValue else { throw bad("Field 'line' must be a string.") }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("/"), !trimmed.hasPrefix("//") else {
                throw bad("Field 'line' must be a slash-command such as \"/docs\"; send questions with op \"ask\".")
            }
            return .command(
                JSONLRequest.Command(
                    id: id,
                    line: trimmed,
                    conversation: try conversation(required: false),
                    meta: try meta()
                )
            )
        case "cancel":
            return .cancel(id: try requiredId())
        case "reset":
            let id = try optionalId()
            guard let conversation = try conversation(required: true) else {
                throw bad("Missing field 'conversation'.")
            }
            return .reset(id: id, conversation: conversation)
        case "ping":
            return .ping(id: try requiredId())
        default:
            throw LineRejection(code: .unknownOp, message: "Unknown op '\(op)'.", ref: ref)
        }
    }

    private func bad(_ message: String) -> LineRejection {
        LineRejection(code: .badRequest, message: message, ref: ref)
    }

    private func requiredId() throws -> String {
        guard let id = try optionalId() else { throw bad("Missing field 'id'.") }
        return id
    }

    private func optionalId() throws -> String? {
        guard let value = object["id"], value != .null else { return nil }
        guard let id = value.stringValue, (1...JSONLRequest.maxIdBytes).contains(id.utf8.count) else {
            throw bad("Field 'id' must be a string of 1 to \(JSONLRequest.maxIdBytes) bytes.")
        }
        return id
    }

    private func conversation(required: Bool) throws -> String? {
        guard let value = object["conversation"], value != .null else {
            if required { throw bad("Missing field 'conversation'.") }
            return nil
        }
        guard let key = value.stringValue, !key.isEmpty else {
            throw bad("Field 'conversation' must be a non-empty string or null.")
        }
        return key
    }

    private func meta() throws -> JSONValue? {
        guard let value = object["meta"], value != .null else { return nil }
        guard value.objectValue != nil else { throw bad("Field 'meta' must be an object.") }
        return value
    }

    private func optionsObject() throws -> [String: JSONValue] {
        guard let value = object["options"], value != .null else { return [:] }
        guard let options = value.objectValue else { throw bad("Field 'options' must be an object.") }
        return options
    }

    private func bool(_ key: String, in object: [String: JSONValue], prefix: String = "") throws -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard case .bool(let flag) = value else { throw bad("Field '\(prefix)\(key)' must be true or false.") }
        return flag
    }

    private func topK(_ options: [String: JSONValue]) throws -> Int? {
        guard let value = options["top_k"], value != .null else { return nil }
        guard let number = value.intValue, (1...20).contains(number) else {
            throw bad("Field 'options.top_k' must be an integer from 1 to 20.")
        }
        return number
    }

    private func documents(_ options: [String: JSONValue]) throws -> [String]? {
        guard let value = options["documents"], value != .null else { return nil }
        guard case .array(let items) = value, !items.isEmpty else {
            throw bad("Field 'options.documents' must be a non-empty list of document names or ids.")
        }
        return try items.map { item in
            guard let name = item.stringValue, !name.isEmpty else {
                throw bad("Field 'options.documents' must be a non-empty list of document names or ids.")
            }
            return name
        }
    }
}
