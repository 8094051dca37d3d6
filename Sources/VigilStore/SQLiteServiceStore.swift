import Foundation
import GRDB

extension SQLiteBankStore {
    /// The service's tables: scans (with the durable async queue), the webhook outbox, evidence
    /// records and the hash-chained audit log. Append-only: later changes add migrations.
    static func registerServiceMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-service") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scan (
                        id TEXT PRIMARY KEY,
                        key_id INTEGER,
                        idempotency_key TEXT,
                        fingerprint TEXT NOT NULL,
                        status TEXT NOT NULL,
                        asynchronous BOOLEAN NOT NULL,
                        spool TEXT,
                        url TEXT,
                        result TEXT,
                        error TEXT,
                        error_status INTEGER,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (key_id, idempotency_key)
                    );
                    CREATE INDEX scan_queue ON scan (status, created_at) WHERE status IN ('queued', 'running');
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        target TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        delivered_at TEXT,
                        dead BOOLEAN NOT NULL DEFAULT 0,
                        last_error TEXT,
                        created_at TEXT NOT NULL,
                        UNIQUE (event_id, target)
                    );
                    CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND dead = 0;
                    CREATE TABLE evidence (
                        id TEXT PRIMARY KEY,
                        scan_id TEXT NOT NULL,
                        sha256 TEXT NOT NULL,
                        bytes INTEGER NOT NULL,
                        format TEXT,
                        path TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        retain_until TEXT NOT NULL,
                        legal_hold BOOLEAN NOT NULL DEFAULT 0,
                        metadata TEXT NOT NULL
                    );
                    CREATE INDEX evidence_scan ON evidence (scan_id);
                    CREATE TABLE audit (
                        seq INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT,
                        detail TEXT NOT NULL,
                        previous TEXT NOT NULL,
                        sha256 TEXT NOT NULL
                    );
                    """)
        }
    }
}

extension SQLiteBankStore: ServiceStore {
    public func submitScan(_ submission: ScanSubmission) throws(StoreError) -> SubmitOutcome {
        let now = Timestamp.now()
        return try write { db in
            let status: ScanStatus = submission.asynchronous ? .queued : .running
            if let key = submission.idempotencyKey,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM scan WHERE key_id IS ? AND idempotency_key = ?",
                    arguments: [submission.keyID, key])
            {
                var earlier = Self.scan(row)
                // A scan the service failed (5xx: interrupted by a restart) runs again on retry,
                // under its first id; anything else is answered as it was.
                guard earlier.status == .failed, (earlier.errorStatus ?? 0) >= 500,
                    earlier.fingerprint == submission.fingerprint
                else { return .existing(earlier) }
                try db.execute(
                    sql: """
                        UPDATE scan SET status = ?, asynchronous = ?, spool = ?, url = ?, error = NULL, error_status = NULL,
                            attempts = attempts + 1, updated_at = ? WHERE id = ?
                        """,
                    arguments: [
                        status.rawValue, submission.asynchronous, submission.spool, submission.url, now, earlier.id,
                    ])
                earlier.status = status
                earlier.asynchronous = submission.asynchronous
                earlier.spool = submission.spool
                earlier.url = submission.url
                earlier.error = nil
                earlier.errorStatus = nil
                earlier.attempts += 1
                return .created(earlier)
            }
            try db.execute(
                sql: """
                    INSERT INTO scan (id, key_id, idempotency_key, fingerprint, status, asynchronous, spool, url, attempts,
                                      created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    submission.id, submission.keyID, submission.idempotencyKey, submission.fingerprint, status.rawValue,
                    submission.asynchronous, submission.spool, submission.url, submission.asynchronous ? 0 : 1, now, now,
                ])
            return .created(
                ScanRecord(
                    id: submission.id, keyID: submission.keyID, idempotencyKey: submission.idempotencyKey,
                    fingerprint: submission.fingerprint, status: status, asynchronous: submission.asynchronous,
                    spool: submission.spool, url: submission.url, result: nil, error: nil, errorStatus: nil,
                    attempts: submission.asynchronous ? 0 : 1, createdAt: now, updatedAt: now))
        }
    }

    public func scan(id: String) throws(StoreError) -> ScanRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM scan WHERE id = ?", arguments: [id]).map(Self.scan) }
    }

    public func claimQueuedScan() throws(StoreError) -> ScanRecord? {
        let now = Timestamp.now()
        return try write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    // The literal IN term lets SQLite use the partial index `scan_queue` (a plain
                    // `status = 'queued'` scans the whole table, results included).
                    sql: """
                        SELECT * FROM scan WHERE status IN ('queued', 'running') AND status = 'queued'
                        ORDER BY created_at, rowid LIMIT 1
                        """)
            else { return nil }
            var scan = Self.scan(row)
            scan.status = .running
            scan.attempts += 1
            scan.updatedAt = now
            try db.execute(
                sql: "UPDATE scan SET status = 'running', attempts = ?, updated_at = ? WHERE id = ?",
                arguments: [scan.attempts, now, scan.id])
            return scan
        }
    }

    public func recoverInterruptedScans() throws(StoreError) -> (requeued: Int, failed: Int) {
        let now = Timestamp.now()
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE scan SET status = 'queued', updated_at = ?
                    WHERE status IN ('queued', 'running') AND status = 'running' AND asynchronous = 1
                    """,
                arguments: [now])
            let requeued = db.changesCount
            try db.execute(
                sql: """
                    UPDATE scan SET status = 'failed', error_status = 503, updated_at = ?,
                        error = '{"error":{"code":"interrupted","message":"the service stopped while this scan ran"}}'
                    WHERE status IN ('queued', 'running') AND status = 'running' AND asynchronous = 0
                    """, arguments: [now])
            return (requeued, db.changesCount)
        }
    }

    public func complete(_ completion: ScanCompletion) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in
            try db.execute(
                sql:
                    "UPDATE scan SET status = ?, result = ?, error = ?, error_status = ?, spool = NULL, updated_at = ? WHERE id = ?",
                arguments: [
                    completion.status.rawValue, completion.result, completion.error, completion.errorStatus, now, completion.id,
                ])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no scan with that id") }
            try Self.enqueue(completion.events, db)
            if let e = completion.evidence {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO evidence (id, scan_id, sha256, bytes, format, path, created_at, retain_until, metadata)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [e.id, e.scanID, e.sha256, e.bytes, e.format, e.path, now, e.retainUntil, e.metadata])
            }
            try Self.appendAudit(completion.audit, at: now, db)
            if let review = completion.review { try Self.insertReview(review, at: now, db) }
        }
    }

    public func spoolsInUse() throws(StoreError) -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT spool FROM scan WHERE spool IS NOT NULL AND status IN ('queued', 'running')"))
        }
    }

    public func scanCounts() throws(StoreError) -> [ScanStatus: Int] {
        try read { db in
            var counts: [ScanStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM scan GROUP BY status") {
                if let status = ScanStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    // MARK: Outbox

    /// Queues webhook events inside the caller's transaction (an event id is queued once per target).
    static func enqueue(_ events: [OutboxDraft], _ db: Database) throws {
        guard !events.isEmpty else { return }
        let now = Timestamp.now()
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO outbox (event_id, type, target, payload, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for event in events {
            try insert.execute(arguments: [
                event.eventID, event.type, event.target, event.payload, Date().timeIntervalSince1970, now,
            ])
        }
    }

    public func dueEvents(now: Double, limit: Int) throws(StoreError) -> [OutboxEvent] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE delivered_at IS NULL AND dead = 0 AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?
                    """, arguments: [now, limit]
            ).map { row in
                OutboxEvent(
                    id: row["id"], eventID: row["event_id"], type: row["type"], target: row["target"],
                    payload: row["payload"], attempts: row["attempts"])
            }
        }
    }

    public func markDelivered(_ id: Int64) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?", arguments: [now, id])
        }
    }

    public func markFailed(_ id: Int64, retryAt: Double?, error: String) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                        dead = ? WHERE id = ?
                    """, arguments: [error, retryAt, retryAt == nil, id])
        }
    }

    public func pendingEventCount() throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead = 0") ?? 0
        }
    }

    // MARK: Audit

    public func appendAudit(_ draft: AuditDraft) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in try Self.appendAudit(draft, at: now, db) }
    }

    /// Appends inside the caller's transaction, so the link to the previous entry cannot race.
    static func appendAudit(_ draft: AuditDraft, at now: String, _ db: Database) throws {
        let last = try Row.fetchOne(db, sql: "SELECT seq, sha256 FROM audit ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let previous: String = last?["sha256"] ?? AuditEntry.genesis
        let hash = AuditEntry.chainHash(
            previous: previous, seq: seq, at: now, actor: draft.actor, action: draft.action, subject: draft.subject,
            detail: draft.detail)
        try db.execute(
            sql: "INSERT INTO audit (seq, at, actor, action, subject, detail, previous, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [seq, now, draft.actor, draft.action, draft.subject, draft.detail, previous, hash])
    }

    public func auditEntries(after seq: Int64, limit: Int) throws(StoreError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit])
                .map(Self.audit)
        }
    }

    /// Walks the whole chain in storage order: an edited entry fails its own hash, a deleted one
    /// breaks the next link (and the sequence), a reordering breaks both.
    public func verifyAudit() throws(StoreError) -> AuditVerification {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY rowid")
            var previous = AuditEntry.genesis
            var expected: Int64 = 1
            var count = 0
            while let row = try rows.next() {
                let entry = Self.audit(row)
                count += 1
                func bad(_ problem: String) -> AuditVerification {
                    AuditVerification(entries: count, firstBadSeq: entry.seq, problem: problem)
                }
                if entry.seq != expected { return bad("sequence gap or reordering: expected entry \(expected)") }
                if entry.previous != previous { return bad("does not link to the previous entry's hash") }
                let recomputed = AuditEntry.chainHash(
                    previous: entry.previous, seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action,
                    subject: entry.subject, detail: entry.detail)
                if recomputed != entry.sha256 { return bad("its content does not match its hash (edited)") }
                previous = entry.sha256
                expected += 1
            }
            return AuditVerification(entries: count, firstBadSeq: nil, problem: nil, head: previous)
        }
    }

    // MARK: Evidence

    public func evidence(scanID: String) throws(StoreError) -> [EvidenceDraft] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evidence WHERE scan_id = ? ORDER BY id", arguments: [scanID]).map { row in
                EvidenceDraft(
                    id: row["id"], scanID: row["scan_id"], sha256: row["sha256"], bytes: row["bytes"], format: row["format"],
                    path: row["path"], retainUntil: row["retain_until"], metadata: row["metadata"])
            }
        }
    }

    // MARK: Rows

    private static func scan(_ row: Row) -> ScanRecord {
        ScanRecord(
            id: row["id"], keyID: row["key_id"], idempotencyKey: row["idempotency_key"], fingerprint: row["fingerprint"],
            status: ScanStatus(rawValue: row["status"]) ?? .failed, asynchronous: row["asynchronous"], spool: row["spool"],
            url: row["url"], result: row["result"], error: row["error"], errorStatus: row["error_status"],
            attempts: row["attempts"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    static func audit(_ row: Row) -> AuditEntry {
        AuditEntry(
            seq: row["seq"], at: row["at"], actor: row["actor"], action: row["action"], subject: row["subject"],
            detail: row["detail"], previous: row["previous"], sha256: row["sha256"])
    }
}
