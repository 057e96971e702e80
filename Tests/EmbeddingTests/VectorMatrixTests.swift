import Embedding
import Testing

/// Int8 vectors and their exact brute-force scoring, against float arithmetic on the same vectors.
@Suite struct VectorMatrixTests {
    /// A deterministic unit vector (a linear congruential sequence), so failures reproduce.
    static func unitVector(seed: UInt64, dimension: Int) -> [Float] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var values: [Float] = []
        for _ in 0..<dimension {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000)
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test func quantisationKeepsCosinesWithinOneHundredth() {
        for seed in 0..<50 {
            let a = Self.unitVector(seed: UInt64(seed), dimension: 384)
            let b = Self.unitVector(seed: UInt64(seed + 1000), dimension: 384)
            let exact = Self.dot(a, b)
            let quantised = Self.dot(a, QuantizedVector(b).floats)
            #expect(abs(exact - quantised) < 0.01, "seed \(seed): \(exact) vs \(quantised)")
            #expect(abs(Self.dot(a, QuantizedVector(a).floats) - 1) < 0.01)
        }
    }

    @Test func quantisationMapsTheLargestComponentTo127() {
        let vector = QuantizedVector([0.3, -1, 0.25, 0])
        #expect(vector.bytes == [38, -127, 32, 0])
        #expect(vector.scale == Float(1) / 127)
        #expect(QuantizedVector([0, 0]).bytes == [0, 0])
    }

    @Test func scoresEqualFloatDotProductsForEveryRowIncludingAnOddWidth() {
        for dimension in [384, 37] {
            var matrix = VectorMatrix(dimension: dimension)
            let rows = (0..<40).map { QuantizedVector(Self.unitVector(seed: UInt64($0), dimension: dimension)) }
            for row in rows { matrix.append(row) }
            let query = Self.unitVector(seed: 999, dimension: dimension)
            let scores = matrix.scores(query)
            #expect(scores.count == 40)
            for (score, row) in zip(scores, rows) {
                #expect(abs(score - Self.dot(query, row.floats)) < 1e-4)
            }
        }
    }

    @Test func removingARowMovesTheLastIntoItsPlace() {
        var matrix = VectorMatrix(dimension: 16)
        let rows = (0..<3).map { QuantizedVector(Self.unitVector(seed: UInt64($0), dimension: 16)) }
        for row in rows { matrix.append(row) }
        let query = Self.unitVector(seed: 7, dimension: 16)
        let before = matrix.scores(query)
        matrix.removeSwappingLast(0)
        #expect(matrix.count == 2)
        #expect(matrix.scores(query) == [before[2], before[1]])
        matrix.removeSwappingLast(1)
        #expect(matrix.scores(query) == [before[2]])
    }
}
