import CDeflate
import Foundation
import GRDB

/// How a chunk's text is stored: deflated, since the chunk rows are the only copy of every document's text and were
/// the largest part of the store (issue 14: the store at most twice the corpus).
///
/// A stored text is either a BLOB, the text's UTF-8 length as four little-endian bytes followed by its zlib stream,
/// or TEXT as it is: texts too short to gain, and every row written before texts were deflated. Readers decode by
/// the value's type, so both kinds live side by side. The FTS5 index is fed the plain text through the SQL function
/// `chunk_text` (registered on every connection), so the index never sees the compressed bytes.
enum ChunkText {
    /// Below this many UTF-8 bytes a text is stored as it is: zlib's header, checksum and block tables (about 16
    /// bytes) and the length prefix outweigh what deflate finds in a line or two.
    static let minimumPackedBytes = 96

    /// The SQL function that turns a stored value back into text (`chunk_text(chunk.text)`), for triggers and SQL.
    static let sqlFunction = DatabaseFunction("chunk_text", argumentCount: 1, pure: true) { values in
        try text(of: values[0])
    }

    /// A text in stored form, made by an ingestion worker on its own core and handed to the store as it is;
    /// opaque outside the storage folder, so the ingestion code does not see the database's value type.
    struct Prepared: Sendable {
        let value: DatabaseValue
    }

    /// The stored form of `text`, made ahead of the transaction that writes it.
    static func prepared(_ text: String) -> Prepared {
        Prepared(value: stored(text))
    }

    /// The value to store for `text`.
    static func stored(_ text: String) -> DatabaseValue {
        let utf8 = Array(text.utf8)
        guard utf8.count >= minimumPackedBytes, utf8.count <= Int(UInt32.max) else { return text.databaseValue }
        var capacity = compressBound(uLong(utf8.count))
        var packed = [UInt8](repeating: 0, count: 4 + Int(capacity))
        let length = UInt32(utf8.count)
        for index in 0..<4 { packed[index] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(index))) }
        let status = packed.withUnsafeMutableBufferPointer { output in
            utf8.withUnsafeBufferPointer { input in
                guard let target = output.baseAddress, let source = input.baseAddress else { return Z_BUF_ERROR }
                return compress2(target + 4, &capacity, source, uLong(input.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // Text that does not shrink (already dense, or random) is kept as it is.
        guard status == Z_OK, 4 + Int(capacity) < utf8.count else { return text.databaseValue }
        packed.removeLast(packed.count - 4 - Int(capacity))
        return Data(packed).databaseValue
    }

    /// The text of a stored value.
    ///
    /// - Throws: `EngineError.internalError` for a value that is neither text nor a well-formed packed text.
    static func text(of value: DatabaseValue) throws -> String {
        switch value.storage {
        case .string(let text):
            return text
        case .blob(let data):
            guard data.count > 4 else { throw corrupt() }
            let length = data.prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            guard length > 0 else { throw corrupt() }
            var output = [UInt8](repeating: 0, count: length)
            var produced = uLong(length)
            let status = output.withUnsafeMutableBufferPointer { target in
                data.withUnsafeBytes { source in
                    guard let start = target.baseAddress, let packed = source.bindMemory(to: UInt8.self).baseAddress
                    else { return Z_BUF_ERROR }
                    return uncompress(start, &produced, packed + 4, uLong(source.count - 4))
                }
            }
            guard status == Z_OK, Int(produced) == length else { throw corrupt() }
            return String(decoding: output, as: UTF8.self)
        default:
            throw corrupt()
        }
    }

    private static func corrupt() -> EngineError {
        .internalError("A stored passage could not be read (damaged chunk text). Upload the document again.")
    }
}
