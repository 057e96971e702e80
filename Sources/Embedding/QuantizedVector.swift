/// A unit-length vector stored as signed bytes and one scale: `value[i] ≈ scale * Float(bytes[i])`.
///
/// Symmetric per-vector int8 quantisation: the largest magnitude maps to 127, so each component keeps about 1/254 of
/// the vector's range. For 384-wide E5 vectors this costs 388 bytes instead of 1,536 (float32) or 768 (float16),
/// and changes cosines by about 0.001 (measured in `QuantizedVectorTests` and docs/embeddings.md), far below the
/// gaps between relevant and unrelated passages.
public struct QuantizedVector: Sendable, Equatable {
    /// The components, one signed byte each.
    public var bytes: [Int8]
    /// What one step of a byte is worth.
    public var scale: Float

    /// Wraps stored bytes and their scale.
    public init(bytes: [Int8], scale: Float) {
        self.bytes = bytes
        self.scale = scale
    }

    /// Quantises `vector`, rounding each component to the nearest step.
    public init(_ vector: [Float]) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        let scale = largest > 0 ? largest / 127 : 1
        self.scale = scale
        bytes = vector.map { Int8(max(-127, min(127, ($0 / scale).rounded()))) }
    }

    /// The components as floats.
    public var floats: [Float] { bytes.map { Float($0) * scale } }
}
