import GRDB

/// The schema, as named migrations; a shipped migration is never edited, only followed by new ones.
enum SchemaMigrator {
    static func make() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.create(table: "user") { t in
                t.primaryKey("id", .text)
                t.column("email", .text).unique().collate(.nocase)
                t.column("passwordHash", .text)
                t.column("role", .text).notNull()
                t.column("isAnonymous", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("lastSeenAt", .datetime).notNull()
            }
            try db.create(table: "token_family") { t in
                t.primaryKey("id", .text)
                t.column("userId", .text).notNull().references("user", onDelete: .cascade)
                t.column("revoked", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "refresh_token") { t in
                t.primaryKey("tokenHash", .text)
                t.column("familyId", .text).notNull().indexed().references("token_family", onDelete: .cascade)
                t.column("userId", .text).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.column("rotatedAt", .datetime)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "document") { t in
                t.primaryKey("id", .text)
                t.column("ownerId", .text).indexed()
                t.column("scope", .text).notNull()
                t.column("filename", .text).notNull()
                t.column("title", .text).notNull()
                t.column("type", .text).notNull()
                t.column("sizeBytes", .integer).notNull()
                t.column("sha256", .text).notNull().indexed()
                t.column("pageCount", .integer)
                t.column("chunkCount", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("stage", .text).notNull()
                t.column("progress", .integer).notNull()
                t.column("message", .text)
                t.column("error", .text)
                t.column("errorCode", .text)
                t.column("extractedText", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "chunk") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("documentId", .text).notNull().indexed().references("document", onDelete: .cascade)
                t.column("ordinal", .integer).notNull()
                t.column("title", .text).notNull()
                t.column("headingPath", .text).notNull()
                t.column("heading", .text)
                t.column("pageStart", .integer)
                t.column("pageEnd", .integer)
                t.column("charStart", .integer).notNull()
                t.column("charEnd", .integer).notNull()
                t.column("text", .text).notNull()
            }
            // External-content FTS5 over chunk(title, headingPath, text), kept in sync by triggers.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE chunk_fts USING fts5(
                        title, headingPath, text,
                        content='chunk', content_rowid='seq',
                        tokenize='porter unicode61 remove_diacritics 2');
                    CREATE TRIGGER chunk_ai AFTER INSERT ON chunk BEGIN
                        INSERT INTO chunk_fts(rowid, title, headingPath, text)
                        VALUES (new.seq, new.title, new.headingPath, new.text);
                    END;
                    CREATE TRIGGER chunk_ad AFTER DELETE ON chunk BEGIN
                        INSERT INTO chunk_fts(chunk_fts, rowid, title, headingPath, text)
                        VALUES ('delete', old.seq, old.title, old.headingPath, old.text);
                    END;
                    """
            )
            try db.create(table: "conversation") { t in
                t.primaryKey("id", .text)
                t.column("ownerId", .text).notNull().indexed()
                t.column("title", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("conversationId", .text).notNull().indexed()
                    .references("conversation", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.column("content", .text).notNull()
                t.column("finishReason", .text)
                t.column("sourcesJson", .text).notNull()
                t.column("citationsJson", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "memory") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("ownerId", .text).indexed()
                t.column("scope", .text).notNull()
                t.column("content", .text).notNull()
                t.column("source", .text).notNull()
                t.column("createdBy", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE memory_fts USING fts5(
                        content, content='memory', content_rowid='seq',
                        tokenize='porter unicode61 remove_diacritics 2');
                    CREATE TRIGGER memory_ai AFTER INSERT ON memory BEGIN
                        INSERT INTO memory_fts(rowid, content) VALUES (new.seq, new.content);
                    END;
                    CREATE TRIGGER memory_ad AFTER DELETE ON memory BEGIN
                        INSERT INTO memory_fts(memory_fts, rowid, content) VALUES ('delete', old.seq, old.content);
                    END;
                    CREATE TRIGGER memory_au AFTER UPDATE OF content ON memory BEGIN
                        INSERT INTO memory_fts(memory_fts, rowid, content) VALUES ('delete', old.seq, old.content);
                        INSERT INTO memory_fts(rowid, content) VALUES (new.seq, new.content);
                    END;
                    """
            )
        }
        migrator.registerMigration("v2-index-generation") { db in
            // Counts changes of the indexed chunks, so that remembered term frequencies are dropped exactly when
            // they may change, whichever process made the change: chunks are inserted in the transaction that
            // completes their document and removed with it.
            try db.execute(
                sql: """
                    CREATE TABLE index_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                    INSERT INTO index_generation (id, value) VALUES (1, 0);
                    CREATE TRIGGER document_generation_au AFTER UPDATE OF status ON document
                    WHEN old.status IS NOT new.status BEGIN
                        UPDATE index_generation SET value = value + 1 WHERE id = 1;
                    END;
                    CREATE TRIGGER document_generation_ad AFTER DELETE ON document BEGIN
                        UPDATE index_generation SET value = value + 1 WHERE id = 1;
                    END;
                    """
            )
        }
        migrator.registerMigration("v3-no-extracted-text-copy") { db in
            // The chunks hold the extracted text (architecture.md section 5: "as the chunks themselves"); the
            // second copy in `document` made the store about 1.4 times larger for nothing that reads it.
            try db.execute(sql: "UPDATE document SET extractedText = NULL WHERE extractedText IS NOT NULL")
        }
        migrator.registerMigration("v4-safety-job-lease") { db in
            // Uploads wait in the store, each held by one process's queue under a lease that its heartbeat renews:
            // another process takes up only the work whose holder is gone (issue 15), instead of failing every
            // document that is processing when it opens the store.
            try db.create(table: "ingestion_job") { t in
                t.primaryKey("documentId", .text).references("document", onDelete: .cascade)
                t.column("owner", .text).notNull()
                t.column("filename", .text).notNull()
                t.column("type", .text).notNull()
                t.column("title", .text)
                t.column("data", .blob).notNull()
                t.column("leaseOwner", .text).notNull().indexed()
                t.column("leaseProcess", .text).notNull()
                t.column("leaseExpiresAt", .datetime).notNull()
                t.column("attempts", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4-semantic-chunk-vectors") { db in
            // One embedding per chunk, in its own table so lexical reads never page through vector bytes; it goes
            // with its chunk. Vectors are int8 with one scale each (`QuantizedVector`: 388 bytes for 384 wide).
            // `vector_model` names the model they all come from: when another model is configured they are
            // dropped and made again, since vectors of two models do not compare.
            try db.execute(
                sql: """
                    CREATE TABLE chunk_vector (
                        seq INTEGER PRIMARY KEY REFERENCES chunk(seq) ON DELETE CASCADE,
                        scale REAL NOT NULL,
                        vector BLOB NOT NULL);
                    CREATE TABLE vector_model (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL);
                    """
            )
        }
        migrator.registerMigration("v4-perf-document-listing") { db in
            // Document lists are newest first: read in this order, a page of a large store stops after its rows
            // instead of sorting every document first.
            try db.execute(sql: "CREATE INDEX document_listing ON document(createdAt DESC, id DESC)")
        }
        migrator.registerMigration("v4-perf-chunk-text-deflated") { db in
            // Chunk text is stored deflated (`ChunkText`); the index is fed the plain text through `chunk_text`,
            // which passes text through as it is, so rows written before this migration index alike.
            try db.execute(
                sql: """
                    DROP TRIGGER chunk_ai;
                    DROP TRIGGER chunk_ad;
                    CREATE TRIGGER chunk_ai AFTER INSERT ON chunk BEGIN
                        INSERT INTO chunk_fts(rowid, title, headingPath, text)
                        VALUES (new.seq, new.title, new.headingPath, chunk_text(new.text));
                    END;
                    CREATE TRIGGER chunk_ad AFTER DELETE ON chunk BEGIN
                        INSERT INTO chunk_fts(chunk_fts, rowid, title, headingPath, text)
                        VALUES ('delete', old.seq, old.title, old.headingPath, chunk_text(old.text));
                    END;
                    """
            )
            // Existing rows shrink too; no trigger fires on an update of `chunk`, and the index keeps its terms.
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, text FROM chunk WHERE typeof(text) = 'text'")
            var updates: [(Int64, DatabaseValue)] = []
            while let row = try rows.next() {
                updates.append((row["seq"], ChunkText.stored(row["text"])))
            }
            for (seq, text) in updates {
                try db.execute(sql: "UPDATE chunk SET text = ? WHERE seq = ?", arguments: [text, seq])
            }
        }
        migrator.registerMigration("v4-perf-document-source-path") { db in
            // Re-ingesting a folder keeps the store in step with it: a changed file replaces the document read
            // from the same path, and `--prune` removes documents whose file is gone. Rows uploaded without a path
            // (the HTTP API, pasted data) keep NULL and are never matched.
            try db.execute(
                sql: """
                    ALTER TABLE document ADD COLUMN sourcePath TEXT;
                    CREATE INDEX document_source ON document(sourcePath) WHERE sourcePath IS NOT NULL;
                    """
            )
        }
        migrator.registerMigration("v4-perf-chunk-fts-batched") { db in
            // `finishDocuments` indexes each stored batch of chunks with one INSERT ... SELECT. The row trigger
            // opened a statement savepoint per chunk, and FTS5 writes its pending terms out as a new segment at every
            // savepoint: a third of ingestion's time went to writing and merging those one-chunk segments. Deleting
            // keeps its trigger (one statement deletes a whole document).
            try db.execute(sql: "DROP TRIGGER chunk_ai")
        }
        return migrator
    }
}
