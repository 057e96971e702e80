import Foundation
import GRDB

/// The engine's storage: one SQLite database in WAL mode through a GRDB `DatabasePool`, foreign keys on.
///
/// Intent-named methods live in `SQLiteStore+<Concern>.swift`; nothing outside this folder writes SQL.
final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// Term frequencies for answer weighting, cleared when chunks are added or removed.
    let frequencies = FrequencyMemo()

    /// Page cache per connection, in KiB.
    ///
    /// SQLite's default (2 MiB) holds a sliver of a large store's index, so every question re-reads the same
    /// index pages; pages are only allocated as they are read, so a small store costs no more memory. No memory
    /// map: every answer appends to the file, and each growth made every reader connection map it again (page
    /// faults and unmapping were a fifth of an answer's CPU), more than the copies it saves.
    static let pageCacheKiB = 32 * 1024

    /// Opens (creating if needed) `chatshell.sqlite` in `directory` and migrates it; the folder and files are
    /// made owner-only first (`StoreFiles`), with a `notice` line for each mode tightened.
    init(directory: URL, notice: (String) -> Void = { _ in }) throws {
        let path = try StoreFiles.prepare(directory: directory, notice: notice)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        // In WAL mode, NORMAL syncs at checkpoints instead of at every commit: a power cut may lose the last
        // transactions but never corrupts the database, and each answer's three small writes stop waiting for
        // the disk (SQLite's recommendation for WAL).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = \(-Self.pageCacheKiB)")
            // The chunk triggers and any SQL reading chunk text decode it with this function.
            db.add(function: ChunkText.sqlFunction)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try SchemaMigrator.make().migrate(pool)
    }

    /// Whether the database answers (for `/health`).
    func isHealthy() -> Bool {
        (try? pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }
}

/// A chunk found by full-text search, with what a Source needs of its document.
struct ChunkHit: Sendable, Hashable {
    var chunkId: String
    var seq: Int64
    var documentId: String
    var filename: String
    var documentTitle: String
    var documentType: String
    var headingPath: String
    var heading: String?
    var pageStart: Int?
    var charStart: Int
    var charEnd: Int
    var text: String
    /// Higher is better (negated BM25).
    var score: Double
}
