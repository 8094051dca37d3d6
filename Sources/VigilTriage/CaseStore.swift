import Foundation
import GRDB

/// A case database: one SQLite file (WAL) per case, named append-only migrations. Every item is
/// written in a transaction with the rest of its batch, so a killed scan loses at most the batch
/// in flight and never leaves half an archive.
public final class CaseStore: Sendable {
    private let queue: DatabaseQueue
    public let path: String

    /// Case names become file names: letters, digits, `-`, `_`, `.` (not leading).
    public static func validate(caseName name: String) throws(TriageError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 128, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw TriageError(.invalid, "case name must be 1–128 letters, digits, '-', '_' or '.', not starting with '.'")
        }
    }

    /// The database file of case `name` under the data directory.
    public static func path(dataDirectory: String, caseName name: String) -> String {
        dataDirectory + "/cases/" + name + ".sqlite"
    }

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String) throws(TriageError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw TriageError(.database, "cannot open the case database \(path)", cause: error as? DatabaseError)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-case") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run (
                        id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, tool_version TEXT NOT NULL,
                        arguments TEXT NOT NULL);
                    CREATE TABLE run_bank (
                        run_id INTEGER NOT NULL REFERENCES run(id), bank TEXT NOT NULL, version INTEGER NOT NULL,
                        pdq_entries INTEGER NOT NULL, digest_entries INTEGER NOT NULL, PRIMARY KEY (run_id, bank));
                    CREATE TABLE item (
                        id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, container TEXT,
                        size INTEGER NOT NULL, mtime INTEGER NOT NULL, format TEXT, width INTEGER, height INTEGER,
                        md5 TEXT, sha1 TEXT, sha256 TEXT, pdq TEXT, quality INTEGER, outcome TEXT NOT NULL,
                        error TEXT, error_code TEXT, signals TEXT NOT NULL DEFAULT '{}',
                        run_id INTEGER NOT NULL REFERENCES run(id));
                    CREATE INDEX item_container ON item(container);
                    CREATE TABLE item_match (
                        item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE, bank TEXT NOT NULL,
                        entry INTEGER NOT NULL, kind TEXT NOT NULL, distance INTEGER NOT NULL,
                        negative INTEGER NOT NULL, suppressed INTEGER NOT NULL, label TEXT, category TEXT,
                        PRIMARY KEY (item_id, bank, entry, kind));
                    """)
        }
        return migrator
    }

    /// Records the start of a scan with the exact bank versions it matches against.
    public func beginRun(toolVersion: String, arguments: String, banks: [RunBank]) throws(TriageError) -> Int64 {
        try write { db in
            let startedAt = ISO8601DateFormatter().string(from: Date())
            try db.execute(
                sql: "INSERT INTO run (started_at, tool_version, arguments) VALUES (?, ?, ?)",
                arguments: [startedAt, toolVersion, arguments])
            let id = db.lastInsertedRowID
            for bank in banks {
                try db.execute(
                    sql: "INSERT INTO run_bank VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, bank.bank, bank.version, bank.pdqEntries, bank.digestEntries])
            }
            return id
        }
    }

    /// Size and modification time of every file on disk already done, by path: what a re-run skips.
    public func completedFiles() throws(TriageError) -> [String: FileStamp] {
        try read { db in
            var done: [String: FileStamp] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, size, mtime FROM item WHERE container IS NULL")
            while let row = try rows.next() {
                done[row[0]] = FileStamp(size: row[1], mtime: row[2])
            }
            return done
        }
    }

    /// Writes the results of whole files (an archive with all its members) in one transaction,
    /// replacing any earlier result for the same files.
    public func commit(_ items: [CaseItem], runID: Int64) throws(TriageError) {
        guard !items.isEmpty else { return }
        try write { db in
            let replace = try db.makeStatement(sql: "DELETE FROM item WHERE path = ? OR container = ?")
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO item (path, container, size, mtime, format, width, height, md5, sha1, sha256, pdq,
                        quality, outcome, error, error_code, signals, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let match = try db.makeStatement(sql: "INSERT OR IGNORE INTO item_match VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for item in items {
                if item.container == nil { try replace.execute(arguments: [item.path, item.path]) }
                try insert.execute(arguments: [
                    item.path, item.container, item.size, item.mtime, item.format, item.width, item.height, item.md5,
                    item.sha1, item.sha256, item.pdq, item.quality, item.outcome.rawValue, item.error, item.errorCode,
                    item.signals, runID,
                ])
                let id = db.lastInsertedRowID
                for m in item.matches {
                    try match.execute(arguments: [
                        id, m.bank, m.entry, m.kind, m.distance, m.negative, m.suppressed, m.label, m.category,
                    ])
                }
            }
        }
    }

    /// Every item, ordered by path, with its matches.
    public func items() throws(TriageError) -> [CaseItem] {
        try read { db in
            var matches: [Int64: [ItemMatch]] = [:]
            let matchRows = try Row.fetchCursor(
                db, sql: "SELECT * FROM item_match ORDER BY item_id, distance, bank, entry, kind")
            while let row = try matchRows.next() {
                matches[row["item_id"], default: []].append(
                    ItemMatch(
                        bank: row["bank"], entry: row["entry"], kind: row["kind"], distance: row["distance"],
                        negative: row["negative"], suppressed: row["suppressed"], label: row["label"],
                        category: row["category"]))
            }
            var items: [CaseItem] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM item ORDER BY path")
            while let row = try rows.next() {
                var item = CaseItem(
                    path: row["path"], container: row["container"], size: row["size"], mtime: row["mtime"],
                    outcome: Outcome(rawValue: row["outcome"]) ?? .error)
                item.format = row["format"]
                item.width = row["width"]
                item.height = row["height"]
                item.md5 = row["md5"]
                item.sha1 = row["sha1"]
                item.sha256 = row["sha256"]
                item.pdq = row["pdq"]
                item.quality = row["quality"]
                item.error = row["error"]
                item.errorCode = row["error_code"]
                item.signals = row["signals"]
                item.matches = matches[row["id"]] ?? []
                items.append(item)
            }
            return items
        }
    }

    /// Every scan of this case, oldest first, with the bank versions it used.
    public func runs() throws(TriageError) -> [ScanRun] {
        try read { db in
            var banks: [Int64: [RunBank]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM run_bank ORDER BY run_id, bank") {
                banks[row["run_id"], default: []].append(
                    RunBank(
                        bank: row["bank"], version: row["version"], pdqEntries: row["pdq_entries"],
                        digestEntries: row["digest_entries"]))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id").map { row in
                ScanRun(
                    id: row["id"], startedAt: row["started_at"], toolVersion: row["tool_version"],
                    arguments: row["arguments"], banks: banks[row["id"]] ?? [])
            }
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(TriageError) -> T {
        do {
            return try queue.write(body)
        } catch {
            throw TriageError(.database, "cannot write the case database \(path)", cause: error as? DatabaseError)
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(TriageError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw TriageError(.database, "cannot read the case database \(path)", cause: error as? DatabaseError)
        }
    }
}

/// What identifies an unchanged file between runs.
public struct FileStamp: Sendable, Hashable {
    public var size: Int
    /// Nanoseconds since 1970.
    public var mtime: Int64

    public init(size: Int, mtime: Int64) {
        self.size = size
        self.mtime = mtime
    }
}
