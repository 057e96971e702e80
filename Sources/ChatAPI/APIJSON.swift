public import Foundation

/// The one JSON dialect of the contract: snake_case keys, compact output, no escaped slashes.
public enum APIJSON {
    /// A fresh encoder for wire values (compact, snake_case, sorted keys for stable output).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// A fresh decoder for wire values; unknown fields are ignored by construction.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Encodes a value as one line of UTF-8 JSON.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }

    /// Encodes a value as a one-line JSON string.
    public static func string<T: Encodable>(_ value: T) -> String {
        guard let data = try? encoder().encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes a wire value.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }
}
