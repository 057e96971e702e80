/// The parsed layout of an `E5S1` model file: hyperparameters, the SentencePiece vocabulary, the normalisation map
/// and a directory of named tensors, all pointing into the mapped file.
///
/// Layout (little-endian): magic `E5S1`, version; hidden size, layers, heads, feed-forward size, embedding rows,
/// positions, token types (int32 each), layer-norm epsilon (float32), quantisation block size; piece count and the
/// ids of `<s>`, `</s>`, `<pad>`, `<unk>`; piece bytes length (uint64), piece offsets, piece scores, piece bytes;
/// normalisation entries (count, byte length, then code point, output count, output code points); tensor count,
/// then per tensor its name, type (0 float32, 1 Q4_0), element count, offset and byte length.
struct ModelFile: Sendable {
    struct Hyperparameters: Sendable, Equatable {
        var hidden: Int
        var layers: Int
        var heads: Int
        var feedForward: Int
        var embeddingRows: Int
        var positions: Int
        var tokenTypes: Int
        var layerNormEpsilon: Float
        var blockSize: Int
    }

    enum TensorType: UInt8, Sendable {
        case float32 = 0
        case q4 = 1
    }

    struct Tensor: Sendable {
        var type: TensorType
        var count: Int
        var offset: Int
    }

    let file: MappedFile
    let path: String
    let hyperparameters: Hyperparameters
    let vocabulary: Vocabulary
    let tensors: [String: Tensor]

    /// The SentencePiece data: piece bytes with their offsets, scores, special ids and the normalisation map.
    struct Vocabulary: Sendable {
        var pieceOffsets: [Int]
        var scores: [Float]
        var piecesStart: Int
        var begin: Int
        var end: Int
        var unknown: Int
        var normalisation: [UInt32: [UInt32]]
    }

    /// Reads the model at `path`.
    ///
    /// - Throws: `EmbeddingError` when the file is missing, unreadable or not an `E5S1` model.
    init(path: String) throws {
        file = try MappedFile(path: path)
        self.path = path
        var reader = Reader(file: file, path: path)
        guard try reader.bytes(4) == Array("E5S1".utf8) else { throw reader.invalid("wrong magic number") }
        _ = try reader.uint32()  // format version: one so far
        let hyper = Hyperparameters(
            hidden: try reader.int32(),
            layers: try reader.int32(),
            heads: try reader.int32(),
            feedForward: try reader.int32(),
            embeddingRows: try reader.int32(),
            positions: try reader.int32(),
            tokenTypes: try reader.int32(),
            layerNormEpsilon: try reader.float32(),
            blockSize: try reader.int32()
        )
        guard hyper.blockSize == Q4Block.size, hyper.heads > 0, hyper.hidden % hyper.heads == 0,
            hyper.hidden % Q4Block.size == 0, hyper.feedForward % Q4Block.size == 0
        else { throw reader.invalid("unsupported dimensions") }
        hyperparameters = hyper

        let pieceCount = try reader.int32()
        let begin = try reader.int32()
        let end = try reader.int32()
        _ = try reader.int32()  // <pad>: never produced, inputs are not padded
        let unknown = try reader.int32()
        let blobLength = try reader.uint64()
        guard pieceCount > 0, pieceCount <= hyper.embeddingRows, [begin, end, unknown].allSatisfy({ $0 < pieceCount })
        else { throw reader.invalid("inconsistent vocabulary") }
        let offsets = try (0...pieceCount).map { _ in Int(try reader.uint32()) }
        let scores = try (0..<pieceCount).map { _ in try reader.float32() }
        let piecesStart = reader.position
        guard offsets.last == blobLength, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw reader.invalid("inconsistent piece offsets")
        }
        try reader.skip(blobLength)

        let normalisationCount = try reader.int32()
        let normalisationBytes = Int(try reader.uint32())
        let normalisationEnd = reader.position + normalisationBytes
        var normalisation: [UInt32: [UInt32]] = [:]
        normalisation.reserveCapacity(normalisationCount)
        for _ in 0..<normalisationCount {
            let codePoint = try reader.uint32()
            let outputs = Int(try reader.bytes(1)[0])
            normalisation[codePoint] = try (0..<outputs).map { _ in try reader.uint32() }
        }
        guard reader.position == normalisationEnd else { throw reader.invalid("inconsistent normalisation map") }
        vocabulary = Vocabulary(
            pieceOffsets: offsets,
            scores: scores,
            piecesStart: piecesStart,
            begin: begin,
            end: end,
            unknown: unknown,
            normalisation: normalisation
        )

        let tensorCount = try reader.int32()
        var tensors: [String: Tensor] = [:]
        for _ in 0..<tensorCount {
            let nameLength = Int(try reader.uint16())
            let name = String(decoding: try reader.bytes(nameLength), as: UTF8.self)
            guard let type = TensorType(rawValue: try reader.bytes(1)[0]) else {
                throw reader.invalid("tensor \(name) has an unknown type")
            }
            let count = Int(try reader.uint32())
            let offset = Int(try reader.uint64())
            let byteCount = Int(try reader.uint64())
            let expected = type == .q4 ? count / Q4Block.size * Q4Block.byteCount : count * 4
            guard byteCount == expected, offset >= 0, offset + byteCount <= file.count else {
                throw reader.invalid("tensor \(name) lies outside the file")
            }
            tensors[name] = Tensor(type: type, count: count, offset: offset)
        }
        self.tensors = tensors
    }

    /// The raw bytes of piece `id`.
    func pieceBytes(_ id: Int) -> UnsafeRawBufferPointer {
        let start = vocabulary.piecesStart + vocabulary.pieceOffsets[id]
        return UnsafeRawBufferPointer(
            start: file.base + start,
            count: vocabulary.pieceOffsets[id + 1] - vocabulary.pieceOffsets[id]
        )
    }

    /// The tensor `name`, checked for type and size.
    ///
    /// - Throws: `EmbeddingError.modelInvalid` when it is absent or shaped otherwise.
    func tensor(_ name: String, type: TensorType, count: Int) throws -> UnsafeRawPointer {
        guard let tensor = tensors[name] else {
            throw EmbeddingError.modelInvalid(path: path, reason: "tensor \(name) is missing")
        }
        guard tensor.type == type, tensor.count == count else {
            throw EmbeddingError.modelInvalid(path: path, reason: "tensor \(name) has an unexpected shape")
        }
        return file.base + tensor.offset
    }

    /// Bounds-checked little-endian reads from the mapping.
    private struct Reader {
        let file: MappedFile
        let path: String
        var position = 0

        func invalid(_ reason: String) -> EmbeddingError { .modelInvalid(path: path, reason: reason) }

        mutating func skip(_ count: Int) throws {
            guard count >= 0, position + count <= file.count else { throw invalid("the file is truncated") }
            position += count
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            let start = position
            try skip(count)
            return Array(UnsafeRawBufferPointer(start: file.base + start, count: count))
        }

        mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let start = position
            try skip(MemoryLayout<T>.size)
            return T(littleEndian: file.base.loadUnaligned(fromByteOffset: start, as: T.self))
        }

        mutating func uint16() throws -> UInt16 { try load(UInt16.self) }
        mutating func uint32() throws -> UInt32 { try load(UInt32.self) }
        mutating func uint64() throws -> Int {
            let value = try load(UInt64.self)
            guard value <= UInt64(Int32.max) else { throw invalid("a length is out of range") }
            return Int(value)
        }
        mutating func int32() throws -> Int {
            let value = try load(Int32.self)
            guard value >= 0 else { throw invalid("a count is negative") }
            return Int(value)
        }
        mutating func float32() throws -> Float { Float(bitPattern: try load(UInt32.self)) }
    }
}
