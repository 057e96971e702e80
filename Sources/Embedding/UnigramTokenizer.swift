/// SentencePiece unigram tokenisation with the vocabulary, scores and normalisation map read from the model file.
///
/// Text is normalised code point by code point, runs of spaces collapse to one, a space is put in front, spaces
/// become the metaspace `▁`, and the most probable segmentation into pieces (highest sum of log-probability scores,
/// found by dynamic programming over character positions) gives the ids. A character no piece covers becomes
/// `<unk>` with a score below every piece's.
struct UnigramTokenizer: Sendable {
    /// SentencePiece's word-boundary marker, U+2581.
    private static let metaspace: Unicode.Scalar = "\u{2581}"
    /// How far below the least likely piece an unknown character scores, so that any cover by pieces wins.
    private static let unknownPenalty: Float = 10

    private let model: ModelFile
    private let slots: [Int32]
    private let slotMask: Int
    private let longestPiece: Int
    private let unknownScore: Float

    init(model: ModelFile) {
        self.model = model
        let vocabulary = model.vocabulary
        let pieceCount = vocabulary.scores.count
        var capacity = 1
        while capacity < pieceCount * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var longest = 1
        for id in 0..<pieceCount {
            let bytes = model.pieceBytes(id)
            guard !bytes.isEmpty else { continue }
            longest = max(longest, bytes.count)
            var slot = Self.hash(bytes) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(id)
        }
        self.slots = slots
        slotMask = capacity - 1
        longestPiece = longest
        unknownScore = (vocabulary.scores.min() ?? 0) - Self.unknownPenalty
    }

    /// The piece ids of `text`, without `<s>` and `</s>`.
    func tokens(_ text: String) -> [Int] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count + 1)
        for scalar in text.unicodeScalars {
            if let replacement = model.vocabulary.normalisation[scalar.value] {
                for value in replacement {
                    if let mapped = Unicode.Scalar(value) { scalars.append(mapped) }
                }
            } else {
                scalars.append(scalar)
            }
        }
        var collapsed: [Unicode.Scalar] = []
        collapsed.reserveCapacity(scalars.count)
        for scalar in scalars where !(scalar == " " && collapsed.last == " ") { collapsed.append(scalar) }
        var characters: [Unicode.Scalar] = collapsed.first == " " ? [] : [Self.metaspace]
        characters.append(contentsOf: collapsed.map { $0 == " " ? Self.metaspace : $0 })
        var bytes: [UInt8] = []
        var starts: [Int] = []
        starts.reserveCapacity(characters.count + 1)
        for character in characters {
            starts.append(bytes.count)
            bytes.append(contentsOf: String(character).utf8)
        }
        starts.append(bytes.count)
        return segment(bytes: bytes, starts: starts)
    }

    private func segment(bytes: [UInt8], starts: [Int]) -> [Int] {
        let count = starts.count - 1
        var best = [Float](repeating: -.infinity, count: count + 1)
        var piece = [Int](repeating: model.vocabulary.unknown, count: count + 1)
        var from = [Int](repeating: 0, count: count + 1)
        best[0] = 0
        bytes.withUnsafeBytes { buffer in
            for i in 0..<count {
                var end = i + 1
                while end <= count, starts[end] - starts[i] <= longestPiece {
                    let span = UnsafeRawBufferPointer(rebasing: buffer[starts[i]..<starts[end]])
                    if let id = lookup(span), id != model.vocabulary.unknown {
                        let score = best[i] + model.vocabulary.scores[id]
                        if score > best[end] {
                            best[end] = score
                            piece[end] = id
                            from[end] = i
                        }
                    }
                    end += 1
                }
                let fallback = best[i] + unknownScore
                if fallback > best[i + 1] {
                    best[i + 1] = fallback
                    piece[i + 1] = model.vocabulary.unknown
                    from[i + 1] = i
                }
            }
        }
        var ids: [Int] = []
        var position = count
        while position > 0 {
            ids.append(piece[position])
            position = from[position]
        }
        return ids.reversed()
    }

    private func lookup(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(bytes) & slotMask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            let candidate = model.pieceBytes(id)
            if candidate.count == bytes.count, candidate.elementsEqual(bytes) { return id }
            slot = (slot + 1) & slotMask
        }
    }

    /// FNV-1a over the bytes: cheap and well spread for short strings.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash & 0x7fff_ffff_ffff_ffff)
    }
}
