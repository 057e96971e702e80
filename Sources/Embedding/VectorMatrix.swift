/// Quantised vectors side by side in one contiguous block, scored against a query by exact dot products.
///
/// Brute force is exact and, at 384 bytes a row, streams 100k rows (38 MB) per query from memory; SIMD keeps that
/// to milliseconds (scripts/bench-embed.sh), so no approximate index (HNSW) is needed at the sizes chatshell
/// targets. Not thread-safe: the owner serialises access.
public struct VectorMatrix: Sendable {
    /// The width of every row; fixed by the first row added.
    public private(set) var dimension: Int
    /// The number of rows.
    public private(set) var count = 0
    private var bytes: [Int8] = []
    private var scales: [Float] = []

    /// An empty matrix for rows of `dimension` components.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    /// Appends a row; its position is the count before the call.
    ///
    /// - Precondition: `vector.bytes.count == dimension`.
    public mutating func append(_ vector: QuantizedVector) {
        precondition(vector.bytes.count == dimension, "a \(vector.bytes.count)-wide row in a \(dimension)-wide matrix")
        bytes.append(contentsOf: vector.bytes)
        scales.append(vector.scale)
        count += 1
    }

    /// Moves the last row into position `row` and drops the last one (constant-time removal).
    public mutating func removeSwappingLast(_ row: Int) {
        let last = count - 1
        if row != last {
            for index in 0..<dimension { bytes[row * dimension + index] = bytes[last * dimension + index] }
            scales[row] = scales[last]
        }
        bytes.removeLast(dimension)
        scales.removeLast()
        count -= 1
    }

    /// The dot product of `query` (floats, `dimension` wide) with one row.
    public func score(row: Int, _ query: [Float]) -> Float {
        precondition(query.count == dimension, "a \(query.count)-wide query for \(dimension)-wide rows")
        precondition(row >= 0 && row < count, "row \(row) of \(count)")
        var total: Float = 0
        for index in 0..<dimension { total += Float(bytes[row * dimension + index]) * query[index] }
        return total * scales[row]
    }

    /// The dot product of `query` (floats, `dimension` wide) with every row, in row order.
    public func scores(_ query: [Float]) -> [Float] {
        precondition(query.count == dimension, "a \(query.count)-wide query for \(dimension)-wide rows")
        var result = [Float](repeating: 0, count: count)
        let lanes = 16
        let wide = dimension / lanes * lanes
        query.withUnsafeBufferPointer { query in
            bytes.withUnsafeBufferPointer { bytes in
                result.withUnsafeMutableBufferPointer { result in
                    guard let q = query.baseAddress, let b = bytes.baseAddress else { return }
                    var chunks: [SIMD16<Float>] = []
                    chunks.reserveCapacity(wide / lanes)
                    for start in stride(from: 0, to: wide, by: lanes) {
                        chunks.append(UnsafeRawPointer(q + start).loadUnaligned(as: SIMD16<Float>.self))
                    }
                    for row in 0..<count {
                        let base = b + row * dimension
                        var sum = SIMD16<Float>()
                        for (index, start) in stride(from: 0, to: wide, by: lanes).enumerated() {
                            let raw = UnsafeRawPointer(base + start).loadUnaligned(as: SIMD16<Int8>.self)
                            sum += SIMD16<Float>(raw) * chunks[index]
                        }
                        var total = sum.sum()
                        for index in wide..<dimension { total += Float(base[index]) * q[index] }
                        result[row] = total * scales[row]
                    }
                }
            }
        }
        return result
    }
}
