import COpenBLAS
import Foundation

/// Turns text into a unit-length vector with a BERT-family sentence encoder (multilingual-e5-small) run in-process.
///
/// The pipeline: SentencePiece tokens framed by `<s>` and `</s>`, word + position + token-type embeddings and a
/// layer norm, then per layer self-attention and a GELU feed-forward block, each added back and layer-normed
/// (post-norm BERT); the mean of the last layer's token vectors, scaled to length one. Texts longer than the model's
/// positions are cut into consecutive windows whose means are averaged, weighted by their token counts.
///
/// Thread-safe: the weights are immutable and every call allocates its own activations.
public final class SentenceEncoder: Sendable {
    /// A short name for the model, as `/capabilities` reports it.
    public let modelName: String
    /// The length of every vector this encoder returns.
    public let dimension: Int
    /// Identifies the weights, so stored vectors made by another model file are recognised and recomputed.
    public let fingerprint: String

    private let tokenizer: UnigramTokenizer
    private let weights: EncoderWeights
    private let begin: Int
    private let end: Int

    /// Loads the model file at `path` (an `E5S1` file such as `e5-small-q4.bin`).
    ///
    /// - Throws: `EmbeddingError.modelMissing` when there is no file, `.modelUnreadable` or `.modelInvalid`.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw EmbeddingError.modelMissing(path: path) }
        let model = try ModelFile(path: path)
        tokenizer = UnigramTokenizer(model: model)
        weights = try EncoderWeights(model: model)
        begin = model.vocabulary.begin
        end = model.vocabulary.end
        dimension = model.hyperparameters.hidden
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        modelName = name
        fingerprint = "\(name):\(model.file.count)"
        // One BLAS thread per call: callers run queries and background embedding side by side, and the
        // cooperative pool already spreads them over the cores.
        openblas_set_num_threads(1)
    }

    /// The piece ids the model sees for `text` in `role`, without `<s>` and `</s>`.
    public func tokens(_ text: String, as role: EmbeddingRole) -> [Int] {
        tokenizer.tokens(role.prefix + text)
    }

    /// The unit-length embedding of `text` in `role`.
    public func embed(_ text: String, as role: EmbeddingRole) -> [Float] {
        let content = tokens(text, as: role)
        let window = weights.shape.positions - 2
        var sum = [Float](repeating: 0, count: dimension)
        var start = 0
        repeat {
            let stop = min(start + window, content.count)
            let ids = [begin] + content[start..<stop] + [end]
            let mean = forward(ids)
            let weight = Float(max(stop - start, 1))
            for index in 0..<dimension { sum[index] += weight * mean[index] }
            start = stop
        } while start < content.count
        let norm = max(sum.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
        return sum.map { $0 / norm }
    }

    /// The mean of the last layer's vectors for one window of ids.
    private func forward(_ ids: [Int]) -> [Float] {
        let shape = weights.shape
        let count = ids.count
        let hidden = shape.hidden
        var x = [Float](repeating: 0, count: count * hidden)
        x.withUnsafeMutableBufferPointer { x in
            guard let base = x.baseAddress else { return }
            for (position, id) in ids.enumerated() {
                let row = base + position * hidden
                weights.word(id, into: row)
                for index in 0..<hidden {
                    row[index] += weights.positions[position * hidden + index] + weights.tokenType[index]
                }
            }
        }
        layerNorm(&x, residual: nil, weight: weights.embeddingNormWeight, bias: weights.embeddingNormBias)
        var q = [Float](repeating: 0, count: count * hidden)
        var k = q
        var v = q
        var context = q
        var projected = q
        var middle = [Float](repeating: 0, count: count * shape.feedForward)
        var scores = [Float](repeating: 0, count: count * count)
        for layer in weights.layers {
            linear(x, layer.query, layer.queryBias, into: &q, rows: count, inputs: hidden)
            linear(x, layer.key, layer.keyBias, into: &k, rows: count, inputs: hidden)
            linear(x, layer.value, layer.valueBias, into: &v, rows: count, inputs: hidden)
            attention(q: q, k: k, v: v, scores: &scores, into: &context, rows: count)
            linear(
                context,
                layer.attentionOutput,
                layer.attentionOutputBias,
                into: &projected,
                rows: count,
                inputs: hidden
            )
            layerNorm(&x, residual: projected, weight: layer.attentionNormWeight, bias: layer.attentionNormBias)
            linear(x, layer.feedIn, layer.feedInBias, into: &middle, rows: count, inputs: hidden)
            gelu(&middle)
            linear(middle, layer.feedOut, layer.feedOutBias, into: &projected, rows: count, inputs: shape.feedForward)
            layerNorm(&x, residual: projected, weight: layer.outputNormWeight, bias: layer.outputNormBias)
        }
        var mean = [Float](repeating: 0, count: hidden)
        for position in 0..<count {
            for index in 0..<hidden { mean[index] += x[position * hidden + index] }
        }
        return mean.map { $0 / Float(count) }
    }

    /// `output[rows, bias.count] = input[rows, inputs] · matrixᵀ + bias`; the matrix is stored one output per row.
    private func linear(
        _ input: [Float],
        _ matrix: [Float],
        _ bias: [Float],
        into output: inout [Float],
        rows: Int,
        inputs: Int
    ) {
        let outputs = bias.count
        output.withUnsafeMutableBufferPointer { output in
            guard let out = output.baseAddress else { return }
            for row in 0..<rows { (out + row * outputs).update(from: bias, count: outputs) }
            input.withUnsafeBufferPointer { input in
                matrix.withUnsafeBufferPointer { matrix in
                    cblas_sgemm(
                        CblasRowMajor,
                        CblasNoTrans,
                        CblasTrans,
                        Int32(rows),
                        Int32(outputs),
                        Int32(inputs),
                        1,
                        input.baseAddress,
                        Int32(inputs),
                        matrix.baseAddress,
                        Int32(inputs),
                        1,
                        out,
                        Int32(outputs)
                    )
                }
            }
        }
    }

    /// Scaled dot-product self-attention, every head over every position (inputs are never padded).
    private func attention(
        q: [Float],
        k: [Float],
        v: [Float],
        scores: inout [Float],
        into context: inout [Float],
        rows: Int
    ) {
        let hidden = weights.shape.hidden
        let heads = weights.shape.heads
        let width = hidden / heads
        let scale = 1 / Float(width).squareRoot()
        q.withUnsafeBufferPointer { q in
            k.withUnsafeBufferPointer { k in
                v.withUnsafeBufferPointer { v in
                    scores.withUnsafeMutableBufferPointer { scores in
                        context.withUnsafeMutableBufferPointer { context in
                            guard let qs = q.baseAddress, let ks = k.baseAddress, let vs = v.baseAddress,
                                let s = scores.baseAddress, let c = context.baseAddress
                            else { return }
                            for head in 0..<heads {
                                let offset = head * width
                                cblas_sgemm(
                                    CblasRowMajor,
                                    CblasNoTrans,
                                    CblasTrans,
                                    Int32(rows),
                                    Int32(rows),
                                    Int32(width),
                                    scale,
                                    qs + offset,
                                    Int32(hidden),
                                    ks + offset,
                                    Int32(hidden),
                                    0,
                                    s,
                                    Int32(rows)
                                )
                                for row in 0..<rows { softmax(s + row * rows, count: rows) }
                                cblas_sgemm(
                                    CblasRowMajor,
                                    CblasNoTrans,
                                    CblasNoTrans,
                                    Int32(rows),
                                    Int32(width),
                                    Int32(rows),
                                    1,
                                    s,
                                    Int32(rows),
                                    vs + offset,
                                    Int32(hidden),
                                    0,
                                    c + offset,
                                    Int32(hidden)
                                )
                            }
                        }
                    }
                }
            }
        }
    }

    private func softmax(_ values: UnsafeMutablePointer<Float>, count: Int) {
        var largest = -Float.infinity
        for index in 0..<count { largest = max(largest, values[index]) }
        var total: Float = 0
        for index in 0..<count {
            let e = expf(values[index] - largest)
            values[index] = e
            total += e
        }
        let inverse = 1 / total
        for index in 0..<count { values[index] *= inverse }
    }

    /// `x = LayerNorm(x + residual)` per row.
    private func layerNorm(_ x: inout [Float], residual: [Float]?, weight: [Float], bias: [Float]) {
        let hidden = weight.count
        let epsilon = weights.shape.layerNormEpsilon
        x.withUnsafeMutableBufferPointer { x in
            guard let base = x.baseAddress else { return }
            for row in 0..<(x.count / hidden) {
                let values = base + row * hidden
                if let residual {
                    for index in 0..<hidden { values[index] += residual[row * hidden + index] }
                }
                var mean: Float = 0
                for index in 0..<hidden { mean += values[index] }
                mean /= Float(hidden)
                var variance: Float = 0
                for index in 0..<hidden {
                    let d = values[index] - mean
                    variance += d * d
                }
                variance /= Float(hidden)
                let inverse = 1 / (variance + epsilon).squareRoot()
                for index in 0..<hidden {
                    values[index] = (values[index] - mean) * inverse * weight[index] + bias[index]
                }
            }
        }
    }

    /// The exact (erf) GELU that BERT uses.
    private func gelu(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { values in
            for index in values.indices {
                let value = values[index]
                values[index] = 0.5 * value * (1 + erff(value * 0.707_106_77))
            }
        }
    }
}
