import Foundation
import ZIPFoundation

/// Reads the parts of a zip-based document (DOCX now, any later ZIP format) within `ExtractionLimits`.
///
/// Every entry inflates through a consumer that counts the bytes as they come and stops the inflation at the first
/// limit it passes (the total across parts, or the ratio to the compressed size), so a decompression bomb costs one
/// buffer and a few milliseconds, never its inflated size. The sizes an archive declares are not trusted.
struct ZipPartReader {
    private let archive: Archive
    private let filename: String
    /// Bytes inflated so far across every part read, counted against `ExtractionLimits.maxInflatedBytes`.
    private(set) var inflatedBytes = 0

    /// Opens an archive; nil when the bytes are not a readable ZIP.
    init?(data: Data, filename: String) {
        guard let archive = try? Archive(data: data, accessMode: .read, pathEncoding: nil) else { return nil }
        self.archive = archive
        self.filename = filename
    }

    /// Whether the archive has an entry at `path`.
    func contains(_ path: String) -> Bool {
        archive[path] != nil
    }

    /// Inflates one part.
    ///
    /// - Parameters:
    ///   - path: the entry's path inside the archive.
    ///   - keep: false to count the bytes and drop them (validation needs the limits, not the content).
    /// - Returns: the inflated bytes (empty when `keep` is false), or nil when there is no such entry.
    /// - Throws: `EngineError.contentTooLarge` when a limit is passed; `.invalidFile(.notDOCX)` when the entry is
    ///   damaged (bad deflate data, checksum mismatch).
    mutating func read(_ path: String, keep: Bool = true) throws(EngineError) -> Data? {
        guard let entry = archive[path] else { return nil }
        let compressedSize = max(Int(clamping: entry.compressedSize), 1)
        let declaredSize = Int(clamping: entry.uncompressedSize)
        let alreadyInflated = inflatedBytes
        // An honest archive declares its sizes, so most bombs are refused before inflating a byte. One that lies
        // is caught while streaming: it cannot inflate past its declared size, the total, or the ratio to its whole
        // compressed size.
        if let exceeded = Self.exceeded(
            path,
            inflated: declaredSize,
            total: alreadyInflated + declaredSize,
            compressedSize: compressedSize
        ) {
            throw .contentTooLarge(filename: filename, limit: exceeded)
        }
        var contents = Data()
        var inflated = 0
        var exceeded: ExtractionLimits.Exceeded?
        do {
            _ = try archive.extract(entry) { chunk in
                inflated += chunk.count
                exceeded = Self.exceeded(
                    path,
                    inflated: inflated,
                    total: alreadyInflated + inflated,
                    compressedSize: compressedSize
                )
                if exceeded != nil || inflated > declaredSize { throw CancellationError() }
                if keep { contents.append(chunk) }
            }
        } catch {
            if let exceeded { throw .contentTooLarge(filename: filename, limit: exceeded) }
            throw .invalidFile(filename: filename, reason: .notDOCX)
        }
        inflatedBytes += inflated
        return contents
    }

    /// The limit that `inflated` bytes of one part (and `total` across parts) pass, if any.
    private static func exceeded(
        _ path: String,
        inflated: Int,
        total: Int,
        compressedSize: Int
    ) -> ExtractionLimits.Exceeded? {
        if inflated > ExtractionLimits.ratioCheckFloorBytes,
            inflated / compressedSize > ExtractionLimits.maxCompressionRatio
        {
            return .compressionRatio(part: path)
        }
        return total > ExtractionLimits.maxInflatedBytes ? .inflatedSize(part: path) : nil
    }
}
