import Foundation
import GRDB
import VigilIndex

/// The embedded store: one SQLite file (WAL) through GRDB, with named, append-only migrations.
public final class SQLiteBankStore: BankStore, KeyStore {
    private let queue: DatabaseQueue
    /// The connection `checkpoint()` runs on (only when commits do not checkpoint themselves).
    private let checkpointer: DatabaseQueue?

    /// Opens (creating if needed) the database at `path` and migrates it. With
    /// `automaticCheckpoints` off, commits never run a WAL checkpoint (and its fsync) themselves:
    /// the owner calls `checkpoint()` from a background task instead (the server does, so that no
    /// request waits for one).
    public init(path: String, automaticCheckpoints: Bool = true) throws(StoreError) {
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.prepareDatabase { db in
                // WAL with NORMAL sync: durable at checkpoints, never corrupted; a power cut can lose
                // only the last commits, which a re-run of an import restores.
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536")
                if !automaticCheckpoints { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
            checkpointer = automaticCheckpoints ? nil : try DatabaseQueue(path: path)
        } catch {
            throw StoreError(.database, "cannot open the database: \(Self.describe(error))", cause: error)
        }
    }

    /// An in-memory store, for tests.
    public init() throws(StoreError) {
        checkpointer = nil
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            queue = try DatabaseQueue(configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw StoreError(.database, "cannot open the database: \(Self.describe(error))")
        }
    }

    /// Copies committed WAL frames into the database file (PASSIVE: never waits for, nor blocks,
    /// readers or writers) on a connection of its own; returns the frames left in the WAL. A no-op
    /// when commits checkpoint automatically.
    @discardableResult
    public func checkpoint() throws(StoreError) -> Int {
        guard let checkpointer else { return 0 }
        do {
            return try checkpointer.writeWithoutTransaction { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)").map { ($0[1] as Int? ?? 0) - ($0[2] as Int? ?? 0) }
                    ?? 0
            }
        } catch {
            throw StoreError(.database, "checkpoint failed: \(Self.describe(error))")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-banks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bank (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        source TEXT,
                        category TEXT,
                        negative BOOLEAN NOT NULL DEFAULT 0,
                        threshold INTEGER NOT NULL DEFAULT 31 CHECK (threshold BETWEEN 0 AND 256),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        version INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE bank_entry (
                        id INTEGER PRIMARY KEY,
                        bank_id INTEGER NOT NULL REFERENCES bank(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        label TEXT,
                        category TEXT,
                        external_id TEXT,
                        added_at TEXT NOT NULL,
                        added_by TEXT NOT NULL,
                        UNIQUE (bank_id, kind, hash)
                    );
                    """)
        }
        migrator.registerMigration("v2-api-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_key (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        prefix TEXT NOT NULL UNIQUE,
                        secret_sha256 TEXT NOT NULL,
                        scopes TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        revoked BOOLEAN NOT NULL DEFAULT 0
                    );
                    """)
        }
        registerServiceMigrations(&migrator)
        registerReviewMigrations(&migrator)
        registerCyberTipMigrations(&migrator)
        registerTakedownMigrations(&migrator)
        registerConsoleMigrations(&migrator)
        registerVideoMigrations(&migrator)
        return migrator
    }

    public func createBank(_ bank: NewBank) throws(StoreError) -> BankRecord {
        guard !bank.name.isEmpty, bank.name.count <= 200 else {
            throw StoreError(.invalid, "a bank name must be 1–200 characters")
        }
        guard (0...256).contains(bank.threshold) else { throw StoreError(.invalid, "a PDQ threshold must be 0–256") }
        if try self.bank(named: bank.name) != nil { throw StoreError(.conflict, "a bank named \"\(bank.name)\" already exists") }
        let now = Timestamp.now()
        return try write { db in
            try db.execute(
                sql:
                    "INSERT INTO bank (name, source, category, negative, threshold, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [bank.name, bank.source, bank.category, bank.negative, bank.threshold, now, now])
            return BankRecord(
                id: db.lastInsertedRowID, name: bank.name, source: bank.source, category: bank.category, negative: bank.negative,
                threshold: bank.threshold, createdAt: now, updatedAt: now, version: 0)
        }
    }

    public func banks() throws(StoreError) -> [BankRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM bank ORDER BY name").map(Self.bank) }
    }

    public func bank(named name: String) throws(StoreError) -> BankRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM bank WHERE name = ?", arguments: [name]).map(Self.bank) }
    }

    public func deleteBank(named name: String) throws(StoreError) {
        let deleted = try write { db in
            try db.execute(sql: "DELETE FROM bank WHERE name = ?", arguments: [name])
            return db.changesCount
        }
        if deleted == 0 { throw StoreError(.notFound, "no bank named \"\(name)\"") }
    }

    public func apply(_ changes: [EntryChange], toBank bankID: Int64, addedBy: String) throws(StoreError) -> ChangeSummary {
        let now = Timestamp.now()
        return try write { db in
            var summary = ChangeSummary()
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO bank_entry (bank_id, kind, hash, label, category, external_id, added_at, added_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let update = try db.cachedStatement(
                sql: "UPDATE bank_entry SET label = ?, category = ?, external_id = ? WHERE bank_id = ? AND kind = ? AND hash = ?")
            let delete = try db.cachedStatement(sql: "DELETE FROM bank_entry WHERE bank_id = ? AND kind = ? AND hash = ?")
            let deleteByID = try db.cachedStatement(sql: "DELETE FROM bank_entry WHERE bank_id = ? AND external_id = ?")
            for change in changes {
                guard let hash = change.hash else {
                    guard change.remove, let externalID = change.externalID else { continue }
                    try deleteByID.execute(arguments: [bankID, externalID])
                    if db.changesCount > 0 { summary.removed += db.changesCount } else { summary.missingRemovals += 1 }
                    continue
                }
                let key: StatementArguments = [bankID, hash.kind.rawValue, hash.hex]
                if change.remove {
                    try delete.execute(arguments: key)
                    if db.changesCount > 0 { summary.removed += 1 } else { summary.missingRemovals += 1 }
                } else {
                    try insert.execute(arguments: key + [change.label, change.category, change.externalID, now, addedBy])
                    if db.changesCount > 0 {
                        summary.added += 1
                    } else {
                        try update.execute(arguments: [change.label, change.category, change.externalID] + key)
                        summary.updated += 1
                    }
                }
            }
            if summary.added + summary.updated + summary.removed > 0 {
                try db.execute(
                    sql: "UPDATE bank SET version = version + 1, updated_at = ? WHERE id = ?", arguments: [now, bankID])
            }
            return summary
        }
    }

    public func forEachEntry(inBank bankID: Int64, kinds: Set<HashKind>, _ body: (EntryRecord) -> Void) throws(StoreError) {
        let kindList = kinds.map(\.rawValue).sorted()
        guard !kindList.isEmpty else { return }
        let marks = Array(repeating: "?", count: kindList.count).joined(separator: ",")
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM bank_entry WHERE bank_id = ? AND kind IN (\(marks)) ORDER BY id",
                arguments: StatementArguments([bankID] as [any DatabaseValueConvertible] + kindList))
            while let row = try rows.next() {
                if let entry = Self.entry(row) { body(entry) }
            }
        }
    }

    public func entries(ids: [Int64]) throws(StoreError) -> [Int64: EntryRecord] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var found: [Int64: EntryRecord] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[chunk..<min(chunk + 500, ids.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT * FROM bank_entry WHERE id IN (\(marks))", arguments: StatementArguments(slice))
                {
                    if let entry = Self.entry(row) { found[entry.id] = entry }
                }
            }
            return found
        }
    }

    public func entries(inBank bankID: Int64, after: Int64, limit: Int) throws(StoreError) -> [EntryRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM bank_entry WHERE bank_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [bankID, after, limit]
            ).compactMap(Self.entry)
        }
    }

    public func counts(inBank bankID: Int64) throws(StoreError) -> [HashKind: Int] {
        try read { db in
            var counts: [HashKind: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, COUNT(*) AS n FROM bank_entry WHERE bank_id = ? GROUP BY kind", arguments: [bankID])
            {
                if let kind = HashKind(rawValue: row["kind"]) { counts[kind] = row["n"] }
            }
            return counts
        }
    }

    // MARK: Rows

    private static func bank(_ row: Row) -> BankRecord {
        BankRecord(
            id: row["id"], name: row["name"], source: row["source"], category: row["category"], negative: row["negative"],
            threshold: row["threshold"], createdAt: row["created_at"], updatedAt: row["updated_at"], version: row["version"])
    }

    private static func entry(_ row: Row) -> EntryRecord? {
        guard let kind = HashKind(rawValue: row["kind"]), let hash = HashValue(kind: kind, hex: row["hash"] as String) else {
            return nil
        }
        return EntryRecord(
            id: row["id"], bankID: row["bank_id"], hash: hash, label: row["label"], category: row["category"],
            externalID: row["external_id"], addedAt: row["added_at"], addedBy: row["added_by"])
    }

    // MARK: API keys

    public func createKey(name: String, scopes: Set<APIScope>) throws(StoreError) -> (record: APIKeyRecord, secret: String) {
        guard !name.isEmpty, name.count <= 200 else { throw StoreError(.invalid, "a key name must be 1–200 characters") }
        guard !scopes.isEmpty else { throw StoreError(.invalid, "a key needs at least one scope") }
        let (prefix, secret) = APIKeyFormat.generate()
        let now = Timestamp.now()
        let scopeText = scopes.map(\.rawValue).sorted().joined(separator: ",")
        let id: Int64 = try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM api_key WHERE name = ?", arguments: [name]) ?? false {
                throw StoreError(.conflict, "a key named \"\(name)\" already exists")
            }
            try db.execute(
                sql: "INSERT INTO api_key (name, prefix, secret_sha256, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, prefix, APIKeyFormat.digest(secret), scopeText, now])
            return db.lastInsertedRowID
        }
        return (APIKeyRecord(id: id, name: name, prefix: prefix, scopes: scopes, createdAt: now, revoked: false), secret)
    }

    public func authenticate(_ secret: String) throws(StoreError) -> APIKeyRecord? {
        guard let prefix = APIKeyFormat.prefix(of: secret) else { return nil }
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE prefix = ?", arguments: [prefix]),
                APIKeyFormat.constantTimeEqual(row["secret_sha256"], APIKeyFormat.digest(secret))
            else { return nil }
            let key = Self.key(row)
            return key.revoked ? nil : key
        }
    }

    public func keys() throws(StoreError) -> [APIKeyRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY name").map(Self.key) }
    }

    public func revokeKey(named name: String) throws(StoreError) {
        let changed = try write { db in
            try db.execute(sql: "UPDATE api_key SET revoked = 1 WHERE name = ?", arguments: [name])
            return db.changesCount
        }
        if changed == 0 { throw StoreError(.notFound, "no key named \"\(name)\"") }
    }

    private static func key(_ row: Row) -> APIKeyRecord {
        let scopes = (row["scopes"] as String).split(separator: ",").compactMap { APIScope(rawValue: String($0)) }
        return APIKeyRecord(
            id: row["id"], name: row["name"], prefix: row["prefix"], scopes: Set(scopes), createdAt: row["created_at"],
            revoked: row["revoked"])
    }

    // MARK: Access with one error type

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.read(body) } catch { throw StoreError(.database, "database read failed: \(Self.describe(error))") }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.database, "database write failed: \(Self.describe(error))")
        }
    }

    /// GRDB's description without statement arguments, which could carry list contents.
    static func describe(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return "SQLite error \(db.resultCode.rawValue): \(db.message ?? "unknown")" }
        return String(describing: type(of: error))
    }
}
