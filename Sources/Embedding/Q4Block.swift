/// The 4-bit block quantisation the model file stores its large matrices in (the "Q4_0" scheme).
///
/// A block of 32 weights is a float16 scale followed by 16 bytes; byte `j` holds weight `j` in its low nibble and
/// weight `j + 16` in its high nibble, each an unsigned value offset by 8.
enum Q4Block {
    /// Weights per block.
    static let size = 32
    /// Bytes per block: the scale and the nibbles.
    static let byteCount = 18

    /// Writes the `count` weights starting at block pointer `blocks` as floats into `output`.
    static func dequantise(_ blocks: UnsafeRawPointer, count: Int, into output: UnsafeMutablePointer<Float>) {
        for block in 0..<(count / size) {
            let start = blocks + block * byteCount
            let scale = Float(Float16(bitPattern: start.loadUnaligned(as: UInt16.self)))
            let nibbles = start + 2
            let out = output + block * size
            for j in 0..<(size / 2) {
                let byte = nibbles.load(fromByteOffset: j, as: UInt8.self)
                out[j] = Float(Int(byte & 0x0F) - 8) * scale
                out[j + size / 2] = Float(Int(byte >> 4) - 8) * scale
            }
        }
    }
}
