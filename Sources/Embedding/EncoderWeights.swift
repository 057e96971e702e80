/// The transformer's weights as float32, dequantised once at load so every matrix product runs on BLAS.
///
/// The word-embedding table (250k rows, most of the file) stays 4-bit in the mapped file and is dequantised one row
/// per token; the layer matrices (about 21M weights, 85 MB as float32) are expanded because `sgemm` needs floats.
struct EncoderWeights: Sendable {
    struct Layer: Sendable {
        var query: [Float]
        var queryBias: [Float]
        var key: [Float]
        var keyBias: [Float]
        var value: [Float]
        var valueBias: [Float]
        var attentionOutput: [Float]
        var attentionOutputBias: [Float]
        var attentionNormWeight: [Float]
        var attentionNormBias: [Float]
        var feedIn: [Float]
        var feedInBias: [Float]
        var feedOut: [Float]
        var feedOutBias: [Float]
        var outputNormWeight: [Float]
        var outputNormBias: [Float]
    }

    let shape: ModelFile.Hyperparameters
    /// Where the 4-bit word-embedding rows (`hidden` weights each) start in the mapped file.
    let wordsOffset: Int
    let positions: [Float]
    let tokenType: [Float]
    let embeddingNormWeight: [Float]
    let embeddingNormBias: [Float]
    let layers: [Layer]
    /// The mapping that holds the word embeddings.
    private let file: MappedFile

    init(model: ModelFile) throws {
        let shape = model.hyperparameters
        let hidden = shape.hidden
        self.shape = shape
        file = model.file
        wordsOffset = try model.tensor("emb.word", type: .q4, count: shape.embeddingRows * hidden) - model.file.base
        positions = try Self.floats(model, "emb.pos", shape.positions * hidden)
        tokenType = try Self.floats(model, "emb.type", shape.tokenTypes * hidden)
        embeddingNormWeight = try Self.floats(model, "emb.ln.w", hidden)
        embeddingNormBias = try Self.floats(model, "emb.ln.b", hidden)
        layers = try (0..<shape.layers).map { index in
            let name = { (suffix: String) in "l\(index).\(suffix)" }
            let square = hidden * hidden
            let wide = hidden * shape.feedForward
            return Layer(
                query: try Self.matrix(model, name("q.w"), square),
                queryBias: try Self.floats(model, name("q.b"), hidden),
                key: try Self.matrix(model, name("k.w"), square),
                keyBias: try Self.floats(model, name("k.b"), hidden),
                value: try Self.matrix(model, name("v.w"), square),
                valueBias: try Self.floats(model, name("v.b"), hidden),
                attentionOutput: try Self.matrix(model, name("ao.w"), square),
                attentionOutputBias: try Self.floats(model, name("ao.b"), hidden),
                attentionNormWeight: try Self.floats(model, name("aln.w"), hidden),
                attentionNormBias: try Self.floats(model, name("aln.b"), hidden),
                feedIn: try Self.matrix(model, name("fi.w"), wide),
                feedInBias: try Self.floats(model, name("fi.b"), shape.feedForward),
                feedOut: try Self.matrix(model, name("fo.w"), wide),
                feedOutBias: try Self.floats(model, name("fo.b"), hidden),
                outputNormWeight: try Self.floats(model, name("oln.w"), hidden),
                outputNormBias: try Self.floats(model, name("oln.b"), hidden)
            )
        }
    }

    /// Writes the word embedding of `id` into `output`.
    func word(_ id: Int, into output: UnsafeMutablePointer<Float>) {
        let blocksPerRow = shape.hidden / Q4Block.size
        Q4Block.dequantise(
            file.base + wordsOffset + id * blocksPerRow * Q4Block.byteCount,
            count: shape.hidden,
            into: output
        )
    }

    private static func floats(_ model: ModelFile, _ name: String, _ count: Int) throws -> [Float] {
        let pointer = try model.tensor(name, type: .float32, count: count)
        return (0..<count).map { Float(bitPattern: pointer.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
    }

    private static func matrix(_ model: ModelFile, _ name: String, _ count: Int) throws -> [Float] {
        let pointer = try model.tensor(name, type: .q4, count: count)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            if let base = buffer.baseAddress { Q4Block.dequantise(pointer, count: count, into: base) }
            initialised = count
        }
    }
}
