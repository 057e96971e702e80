import Foundation
import GRDB

// One struct per table (architecture.md section 5); `SQLiteStore` holds the intent-named access methods.

/// An account or an anonymous session.
struct UserRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "user"
    var id: String
    var email: String?
    var passwordHash: String?
    var role: String
    var isAnonymous: Bool
    var createdAt: Date
    var lastSeenAt: Date

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let email = Column(CodingKeys.email)
        static let role = Column(CodingKeys.role)
        static let isAnonymous = Column(CodingKeys.isAnonymous)
        static let lastSeenAt = Column(CodingKeys.lastSeenAt)
    }
}

/// A login family: revoking it revokes its refresh tokens and, through `sid`, its access tokens.
struct TokenFamilyRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "token_family"
    var id: String
    var userId: String
    var revoked: Bool
    var createdAt: Date
}

/// One refresh token, stored only as its SHA-256 hash.
struct RefreshTokenRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "refresh_token"
    var tokenHash: String
    var familyId: String
    var userId: String
    var expiresAt: Date
    var rotatedAt: Date?
    var createdAt: Date
}

/// An uploaded document, its processing state and its extracted text.
struct DocumentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, ownerId, scope, filename, title, type, sizeBytes, sha256, pageCount, chunkCount, status, stage
        case progress, message, error, errorCode, extractedText, createdAt, updatedAt, sourcePath
    }

    static let databaseTableName = "document"
    var id: String
    /// The owning account or anonymous session; nil for shared documents.
    var ownerId: String?
    var scope: String
    var filename: String
    var title: String
    var type: String
    var sizeBytes: Int
    var sha256: String
    var pageCount: Int?
    var chunkCount: Int
    var status: String
    var stage: String
    var progress: Int
    var message: String?
    var error: String?
    var errorCode: String?
    var extractedText: String?
    var createdAt: Date
    var updatedAt: Date
    /// The absolute path of the local file it was read from, when a local client uploaded one: a later upload
    /// from the same path replaces it, and `--prune` removes it once that file is gone.
    var sourcePath: String? = nil

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let ownerId = Column(CodingKeys.ownerId)
        static let scope = Column(CodingKeys.scope)
        static let sha256 = Column(CodingKeys.sha256)
        static let status = Column(CodingKeys.status)
        static let createdAt = Column(CodingKeys.createdAt)
        static let sourcePath = Column(CodingKeys.sourcePath)
    }

    /// The `status` of a document waiting for or in processing.
    static let processing = "processing"
    /// The `status` of a document whose chunks are stored and searchable.
    static let completed = "completed"

    /// The columns of a document without its extracted text (decoded as nil), for reads that do not need it.
    static var listedColumns: [any SQLSelectable] {
        CodingKeys.allCases.filter { $0 != .extractedText }
            .map { Column($0) }
    }
}

/// One passage of a document; `seq` is the integer rowid the FTS5 index refers to.
struct ChunkRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "chunk"
    var seq: Int64?
    var id: String
    var documentId: String
    var ordinal: Int
    var title: String
    var headingPath: String
    var heading: String?
    var pageStart: Int?
    var pageEnd: Int?
    var charStart: Int
    var charEnd: Int
    var text: String

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let documentId = Column(CodingKeys.documentId)
        static let ordinal = Column(CodingKeys.ordinal)
        static let text = Column(CodingKeys.text)
    }
}

extension ChunkRecord {
    /// A new chunk with its text already in stored form (`ChunkText.stored`): the ingestion worker that made the
    /// chunk deflates it, on its own core, so the one transaction that stores a batch does no compression while it
    /// holds the write lock.
    struct Packed: Sendable {
        var record: ChunkRecord
        var storedText: ChunkText.Prepared
    }

    /// Decodes the text as `ChunkText` stores it; every other column as its `Codable` name says.
    init(row: Row) throws {
        seq = row[CodingKeys.seq.stringValue]
        id = row[CodingKeys.id.stringValue]
        documentId = row[CodingKeys.documentId.stringValue]
        ordinal = row[CodingKeys.ordinal.stringValue]
        title = row[CodingKeys.title.stringValue]
        headingPath = row[CodingKeys.headingPath.stringValue]
        heading = row[CodingKeys.heading.stringValue]
        pageStart = row[CodingKeys.pageStart.stringValue]
        pageEnd = row[CodingKeys.pageEnd.stringValue]
        charStart = row[CodingKeys.charStart.stringValue]
        charEnd = row[CodingKeys.charEnd.stringValue]
        text = try ChunkText.text(of: row[CodingKeys.text.stringValue])
    }

    /// Stores the text deflated (`ChunkText`).
    func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.seq.stringValue] = seq
        container[CodingKeys.id.stringValue] = id
        container[CodingKeys.documentId.stringValue] = documentId
        container[CodingKeys.ordinal.stringValue] = ordinal
        container[CodingKeys.title.stringValue] = title
        container[CodingKeys.headingPath.stringValue] = headingPath
        container[CodingKeys.heading.stringValue] = heading
        container[CodingKeys.pageStart.stringValue] = pageStart
        container[CodingKeys.pageEnd.stringValue] = pageEnd
        container[CodingKeys.charStart.stringValue] = charStart
        container[CodingKeys.charEnd.stringValue] = charEnd
        container[CodingKeys.text.stringValue] = ChunkText.stored(text)
    }
}

/// A conversation of one owner.
struct ConversationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "conversation"
    var id: String
    var ownerId: String
    var title: String
    var createdAt: Date
    var updatedAt: Date

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let ownerId = Column(CodingKeys.ownerId)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }
}

/// One message, with snapshots of its sources and citations as JSON.
struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "message"
    var seq: Int64?
    var id: String
    /// Who wrote a message.
    enum Role: String, Codable, Sendable {
        case user
        case assistant
    }

    var conversationId: String
    var role: Role
    var content: String
    var finishReason: String?
    var sourcesJson: String
    var citationsJson: String
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let seq = Column(CodingKeys.seq)
        static let conversationId = Column(CodingKeys.conversationId)
    }
}

/// A personal or shared memory; `seq` is the rowid of its FTS5 row.
struct MemoryRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "memory"
    var seq: Int64?
    var id: String
    /// The owning account or anonymous session; nil for shared memories.
    var ownerId: String?
    var scope: String
    var content: String
    var source: String
    var createdBy: String?
    var createdAt: Date
    var updatedAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let ownerId = Column(CodingKeys.ownerId)
        static let scope = Column(CodingKeys.scope)
        static let createdAt = Column(CodingKeys.createdAt)
    }
}

/// An upload waiting for, or in, processing: its bytes and who holds it.
///
/// The holder's lease is renewed by its heartbeat, so that a document whose process died is taken up by another
/// process instead of staying `processing` forever. The row goes with the document's final status, in the same
/// transaction.
struct IngestionJobRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "ingestion_job"
    var documentId: String
    /// The caller the document is processed for (fair turns between callers).
    var owner: String
    var filename: String
    var type: String
    /// The upload's `title` part, which wins over the document's own title.
    var title: String?
    var data: Data
    /// The queue holding the job (one per open store).
    var leaseOwner: String
    /// Which process that queue runs in (`ProcessIdentity.token`), so a local holder that exited is seen at once.
    var leaseProcess: String
    /// Past this instant, without a renewal, the holder counts as gone.
    var leaseExpiresAt: Date
    /// How many times processing started (1 for the first).
    var attempts: Int
    var createdAt: Date

    enum Columns {
        static let documentId = Column(CodingKeys.documentId)
        static let leaseOwner = Column(CodingKeys.leaseOwner)
        static let leaseProcess = Column(CodingKeys.leaseProcess)
        static let leaseExpiresAt = Column(CodingKeys.leaseExpiresAt)
        static let attempts = Column(CodingKeys.attempts)
        static let createdAt = Column(CodingKeys.createdAt)
    }
}
