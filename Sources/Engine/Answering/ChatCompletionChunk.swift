import ChatAPI
import Foundation

/// One `data` payload of an OpenAI-compatible `chat/completions` stream, decoded.
///
/// Only the fields the answerer needs are read; everything else (ids, `system_fingerprint`, `logprobs`, vendor
/// extras) is ignored, so Ollama, llama.cpp, vLLM and OpenAI all decode.
enum ChatCompletionChunk: Equatable, Sendable {
    /// The `[DONE]` sentinel: the answer is complete.
    case done
    /// A delta: text (possibly empty), a finish reason, token counts, in any combination.
    case delta(content: String, finishReason: String?, usage: Usage?)
    /// An error the server reported inside the stream (llama.cpp and vLLM do this after the head was sent).
    case failure(String)

    /// Decodes one payload.
    ///
    /// - Returns: The chunk, or nil for a payload that is not JSON of the expected shape.
    static func decode(_ payload: String) -> ChatCompletionChunk? {
        let trimmed = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == "[DONE]" { return .done }
        guard let data = trimmed.data(using: .utf8), let wire = try? decoder.decode(Wire.self, from: data) else {
            return nil
        }
        if let error = wire.error { return .failure(error.text) }
        let choice = wire.choices?.first
        let content = choice?.delta?.content ?? choice?.text ?? ""
        let usage = wire.usage.map {
            Usage(promptTokens: $0.promptTokens ?? 0, completionTokens: $0.completionTokens ?? 0)
        }
        return .delta(content: content, finishReason: choice?.finishReason, usage: usage)
    }

    /// The message of an error body: `{"error":{"message":…}}` (OpenAI, llama.cpp, vLLM), `{"error":"…"}`
    /// (Ollama), `{"message":…}` or `{"detail":…}`; else the body's start.
    static func errorMessage(inBody body: String) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if let data = trimmed.data(using: .utf8), let wire = try? decoder.decode(ErrorWire.self, from: data) {
            if let message = wire.error?.text ?? wire.message ?? wire.detail?.text, !message.isEmpty {
                return oneLine(message)
            }
        }
        return oneLine(String(trimmed.prefix(200)))
    }

    /// The first model id of a `/models` list (`{"data":[{"id":…}]}`, or Ollama's native `{"models":[{"name":…}]}`).
    static func firstModel(inList data: Data) -> String? {
        guard let list = try? decoder.decode(ModelList.self, from: data) else { return nil }
        let ids = (list.data ?? []).compactMap(\.id) + (list.models ?? []).compactMap { $0.name ?? $0.model }
        return ids.first { !$0.isEmpty }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    // MARK: - Wire shapes

    private struct Wire: Decodable {
        var choices: [Choice]?
        var usage: WireUsage?
        var error: ErrorValue?
    }

    private struct Choice: Decodable {
        var delta: Delta?
        /// Legacy completions streams put the text here.
        var text: String?
        var finishReason: String?
    }

    private struct Delta: Decodable {
        var content: String?
    }

    private struct WireUsage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?
    }

    private struct ErrorWire: Decodable {
        var error: ErrorValue?
        var message: String?
        var detail: ErrorValue?
    }

    /// An error that is either a string or an object with a `message`.
    private enum ErrorValue: Decodable {
        case text(String)
        case object(message: String?)

        var text: String {
            switch self {
            case .text(let text): text
            case .object(let message): message ?? "unknown error"
            }
        }

        private struct Object: Decodable {
            var message: String?
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .object(message: try container.decode(Object.self).message)
            }
        }
    }

    private struct ModelList: Decodable {
        struct Entry: Decodable {
            var id: String?
            var name: String?
            var model: String?
        }
        var data: [Entry]?
        var models: [Entry]?
    }
}
