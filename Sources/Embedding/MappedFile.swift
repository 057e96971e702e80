#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file mapped read-only into memory, unmapped when the last reference goes.
///
/// The model's vocabulary and its 4-bit word-embedding table (most of the file) are read in place, so only the rows
/// of words actually seen are ever paged in.
final class MappedFile: @unchecked Sendable {
    // Sendable: the mapping is read-only (PROT_READ, MAP_PRIVATE) and never changes after init.
    let base: UnsafeRawPointer
    let count: Int

    /// Maps the file at `path`.
    ///
    /// - Throws: `EmbeddingError.modelUnreadable` when it cannot be opened or mapped.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw EmbeddingError.modelUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw EmbeddingError.modelUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(status.st_size)
        guard size > 0 else { throw EmbeddingError.modelUnreadable(path: path, reason: "the file is empty") }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw EmbeddingError.modelUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(mapping)
        count = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }
}
