import Foundation
import GRDB

extension SQLiteStore {
    /// Stores a new document and its job (leased to the queue that will process it) in one transaction.
    func insertDocument(_ record: DocumentRecord, job: IngestionJobRecord) throws {
        try pool.write { db in
            try record.insert(db)
            try job.insert(db)
        }
    }

    /// Extends every lease `leaseOwner` holds to `expiry`.
    func renewLeases(leaseOwner: String, until expiry: Date) throws {
        try pool.write { db in
            _ = try IngestionJobRecord.filter(IngestionJobRecord.Columns.leaseOwner == leaseOwner)
                .updateAll(db, IngestionJobRecord.Columns.leaseExpiresAt.set(to: expiry))
        }
    }

    /// Takes up the jobs whose holder is gone, oldest first.
    ///
    /// A holder is gone when its lease ran out before `now`, or `hasExited` says its process ended. A job that
    /// already started `maxAttempts` times fails its document with `interrupted` instead.
    ///
    /// The check and the take are one transaction, so two processes never take the same job.
    ///
    /// - Returns: the jobs now held by `leaseOwner` (with their bytes), and the ids of the documents failed.
    func takeAbandonedJobs(
        leaseOwner: String,
        process: String,
        now: Date,
        expiry: Date,
        maxAttempts: Int,
        hasExited: (String) -> Bool
    ) throws -> (taken: [IngestionJobRecord], failed: [String]) {
        // A read first: most beats find nothing, and a write transaction would queue behind every writer.
        let holders = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT documentId, leaseOwner, leaseProcess, leaseExpiresAt FROM ingestion_job
                    WHERE leaseOwner <> ?
                    """,
                arguments: [leaseOwner]
            )
        }
        let gone = holders.filter { row in
            let expires: Date = row["leaseExpiresAt"]
            return expires < now || hasExited(row["leaseProcess"])
        }
        guard !gone.isEmpty else { return ([], []) }
        return try pool.write { db in
            var taken: [IngestionJobRecord] = []
            var failed: [String] = []
            for row in gone {
                let id: String = row["documentId"]
                // Taken by another process since the read, or renewed by a holder that was only slow: left alone.
                guard
                    var job = try IngestionJobRecord.filter(key: id)
                        .filter(IngestionJobRecord.Columns.leaseOwner == (row["leaseOwner"] as String))
                        .fetchOne(db),
                    job.leaseExpiresAt < now || hasExited(job.leaseProcess)
                else { continue }
                if job.attempts >= maxAttempts {
                    try job.delete(db)
                    try Self.fail(
                        id,
                        code: "interrupted",
                        error: "Processing stopped \(job.attempts) times before it finished (the process handling "
                            + "it ended each time). Upload the file again; if this repeats, save it in another "
                            + "format (such as .txt or a new PDF).",
                        at: now,
                        db
                    )
                    failed.append(id)
                    continue
                }
                job.leaseOwner = leaseOwner
                job.leaseProcess = process
                job.leaseExpiresAt = expiry
                job.attempts += 1
                try job.update(db)
                taken.append(job)
            }
            return (taken.sorted { $0.createdAt < $1.createdAt }, failed)
        }
    }
}
