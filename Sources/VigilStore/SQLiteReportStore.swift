import Foundation
import GRDB
import VigilIndex

extension SQLiteBankStore {
    /// CyberTipline reports: drafts, the durable outbox state of each (attempts, the unfinished
    /// NCMEC report an attempt opened, backoff), and NCMEC's id and receipt once finished.
    static func registerCyberTipMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-cybertip") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cybertip_report (
                        id TEXT PRIMARY KEY,
                        status TEXT NOT NULL
                            CHECK (status IN ('draft', 'queued', 'sending', 'finished', 'failed', 'blocked')),
                        case_id INTEGER REFERENCES review_case(id),
                        draft TEXT NOT NULL,
                        created_by TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        submitted_by TEXT,
                        submitted_at TEXT,
                        open_report_id TEXT,
                        ncmec_report_id TEXT,
                        receipt TEXT,
                        finished_at TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL,
                        last_error TEXT
                    );
                    CREATE INDEX cybertip_due ON cybertip_report (next_attempt_at) WHERE status = 'queued';
                    CREATE TABLE cybertip_report_item (
                        report_id TEXT NOT NULL REFERENCES cybertip_report(id) ON DELETE CASCADE,
                        item_id TEXT NOT NULL REFERENCES review_item(id),
                        position INTEGER NOT NULL,
                        PRIMARY KEY (report_id, item_id)
                    );
                    """)
        }
    }
}

extension SQLiteBankStore: ReportStore {
    public func reportFacts(itemIDs: [String]) throws(StoreError) -> [ReportItemFacts] {
        guard !itemIDs.isEmpty, itemIDs.count <= 1000 else { throw StoreError(.invalid, "a report holds 1–1000 items") }
        guard Set(itemIDs).count == itemIDs.count else { throw StoreError(.invalid, "an item is listed twice") }
        let facts = try read { db -> [ReportItemFacts?] in
            try itemIDs.map { id in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review_item WHERE id = ?", arguments: [id]) else {
                    return nil
                }
                let item = Self.item(row)
                let reveals =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_reveal WHERE item_id = ?", arguments: [id]) ?? 0
                let scan = try Row.fetchOne(
                    db, sql: "SELECT result, created_at FROM scan WHERE id = ?", arguments: [item.scanID])
                let evidence = try item.evidenceID.flatMap { e in
                    try Row.fetchOne(db, sql: "SELECT * FROM evidence WHERE id = ?", arguments: [e]).map(Self.evidenceRecord)
                }
                return ReportItemFacts(
                    item: item, reveals: reveals, scanResult: scan?["result"], scannedAt: scan?["created_at"],
                    evidence: evidence)
            }
        }
        return try zip(itemIDs, facts).map { (id, fact) throws(StoreError) in
            guard let fact else { throw StoreError(.notFound, "no review item \(id)") }
            guard fact.item.status == .confirmed else {
                throw StoreError(.conflict, "item \(id) is \(fact.item.status.rawValue): only confirmed items are reported")
            }
            return fact
        }
    }

    public func confirmedItemIDs(caseID: Int64) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM review_item WHERE case_id = ? AND status = 'confirmed' ORDER BY created_at, id",
                arguments: [caseID])
        }
    }

    public func createReport(id: String, caseID: Int64?, itemIDs: [String], draft: String, by actor: String)
        throws(StoreError) -> ReportRecord
    {
        let now = Timestamp.now()
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO cybertip_report (id, status, case_id, draft, created_by, created_at, updated_at)
                    VALUES (?, 'draft', ?, ?, ?, ?, ?)
                    """, arguments: [id, caseID, draft, actor, now, now])
            for (position, item) in itemIDs.enumerated() {
                try db.execute(
                    sql: "INSERT INTO cybertip_report_item (report_id, item_id, position) VALUES (?, ?, ?)",
                    arguments: [id, item, position])
            }
            var detail: [(String, String)] = [("items", String(itemIDs.count))]
            if let caseID { detail.append(("case", String(caseID))) }
            try Self.appendAudit(
                AuditDraft(actor: actor, action: "report.drafted", subject: "report:\(id)", detail: Self.detail(detail)),
                at: now, db)
            return try Self.reportRow(db, id)!
        }
    }

    public func updateDraft(id: String, draft: String, by actor: String) throws(StoreError) -> ReportRecord {
        let now = Timestamp.now()
        return try write { db in
            try db.execute(
                sql: "UPDATE cybertip_report SET draft = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'failed')",
                arguments: [draft, now, id])
            guard db.changesCount == 1 else {
                guard try Self.reportRow(db, id) != nil else { throw StoreError(.notFound, "no report with that id") }
                throw StoreError(.conflict, "only drafts and failed reports can be edited")
            }
            try Self.appendAudit(AuditDraft(actor: actor, action: "report.edited", subject: "report:\(id)"), at: now, db)
            return try Self.reportRow(db, id)!
        }
    }

    public func report(id: String) throws(StoreError) -> ReportRecord? {
        try read { db in try Self.reportRow(db, id) }
    }

    public func reports(limit: Int) throws(StoreError) -> [ReportRecord] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM cybertip_report ORDER BY created_at DESC, id LIMIT ?", arguments: [limit]
            ).compactMap { try Self.reportRow(db, $0) }
        }
    }

    public func queueReport(id: String, by actor: String, now: Double) throws(StoreError) -> ReportRecord {
        let at = Timestamp.now()
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE cybertip_report SET status = 'queued', submitted_by = ?, submitted_at = ?, attempts = 0,
                        next_attempt_at = ?, last_error = NULL, updated_at = ?
                    WHERE id = ? AND status IN ('draft', 'failed')
                    """, arguments: [actor, at, now, at, id])
            guard db.changesCount == 1 else {
                guard let existing = try Self.reportRow(db, id) else { throw StoreError(.notFound, "no report with that id") }
                throw StoreError(.conflict, "this report is \(existing.status.rawValue): it cannot be submitted again")
            }
            // Preservation starts now: the reported items' evidence goes on legal hold.
            try db.execute(
                sql: """
                    UPDATE evidence SET legal_hold = 1 WHERE id IN (
                        SELECT review_item.evidence_id FROM cybertip_report_item
                        JOIN review_item ON review_item.id = cybertip_report_item.item_id WHERE report_id = ?)
                    """, arguments: [id])
            let held = db.changesCount
            try Self.appendAudit(
                AuditDraft(
                    actor: actor, action: "report.queued", subject: "report:\(id)",
                    detail: Self.detail([("evidence_held", String(held))])), at: at, db)
            return try Self.reportRow(db, id)!
        }
    }

    public func dueReports(now: Double, limit: Int) throws(StoreError) -> [ReportRecord] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM cybertip_report WHERE status = 'queued' AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?
                    """, arguments: [now, limit]
            ).compactMap { try Self.reportRow(db, $0) }
        }
    }

    public func recoverReports(now: Double) throws(StoreError) -> Int {
        let at = Timestamp.now()
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE cybertip_report SET status = 'queued', next_attempt_at = ?, updated_at = ?
                    WHERE status IN ('sending', 'blocked')
                    """, arguments: [now, at])
            return db.changesCount
        }
    }

    public func markSending(id: String) throws(StoreError) -> ReportRecord {
        try change(id, from: ["queued"], set: "status = 'sending', attempts = attempts + 1", [])
    }

    public func recordOpened(id: String, ncmecReportID: String) throws(StoreError) {
        _ = try change(id, from: ["sending"], set: "open_report_id = ?", [ncmecReportID])
    }

    public func recordRetracted(id: String, ncmecReportID: String, reason: String, by actor: String) throws(StoreError) {
        _ = try change(
            id, from: ["sending"], set: "open_report_id = NULL", [],
            audit: AuditDraft(
                actor: actor, action: "report.retracted", subject: "report:\(id)",
                detail: Self.detail([("ncmec_report_id", ncmecReportID), ("reason", reason)])))
    }

    public func recordFinished(id: String, ncmecReportID: String, receipt: String, retainUntil: String, by actor: String)
        throws(StoreError)
    {
        let at = Timestamp.now()
        let record = try change(
            id, from: ["sending"],
            set:
                "status = 'finished', ncmec_report_id = ?, receipt = ?, finished_at = ?, open_report_id = NULL, last_error = NULL, next_attempt_at = NULL",
            [ncmecReportID, String(receipt.prefix(ReportStoreLimits.receiptBytes)), at],
            audit: AuditDraft(
                actor: actor, action: "report.submitted", subject: "report:\(id)",
                detail: Self.detail([("ncmec_report_id", ncmecReportID)]))
        ) { db in
            // 18 U.S.C. §2258A(h): preserve what was reported for at least a year from the report.
            try db.execute(
                sql: """
                    UPDATE evidence SET legal_hold = 1, retain_until = MAX(retain_until, ?) WHERE id IN (
                        SELECT review_item.evidence_id FROM cybertip_report_item
                        JOIN review_item ON review_item.id = cybertip_report_item.item_id WHERE report_id = ?)
                    """, arguments: [retainUntil, id])
        }
        if let caseID = record.caseID {
            try write { db in
                try db.execute(
                    sql: "UPDATE review_case SET status = 'reported' WHERE id = ? AND status = 'open'", arguments: [caseID])
            }
        }
    }

    public func recordRetry(id: String, retryAt: Double, error: String) throws(StoreError) {
        _ = try change(
            id, from: ["sending"], set: "status = 'queued', next_attempt_at = ?, last_error = ?",
            [retryAt, String(error.prefix(1000))])
    }

    public func recordFailed(id: String, error: String, by actor: String) throws(StoreError) {
        let message = String(error.prefix(1000))
        _ = try change(
            id, from: ["sending", "queued"], set: "status = 'failed', last_error = ?, next_attempt_at = NULL", [message],
            audit: AuditDraft(
                actor: actor, action: "report.failed", subject: "report:\(id)", detail: Self.detail([("error", message)])))
    }

    public func recordBlocked(id: String, error: String) throws(StoreError) {
        _ = try change(
            id, from: ["sending"], set: "status = 'blocked', last_error = ?, next_attempt_at = NULL", [String(error.prefix(1000))]
        )
    }

    public func evidenceRecord(id: String) throws(StoreError) -> EvidenceDraft? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM evidence WHERE id = ?", arguments: [id]).map(Self.evidenceRecord)
        }
    }

    // MARK: Rows

    /// One guarded state change: the report must be in one of `from`; an optional audit entry and
    /// extra statements run in the same transaction.
    private func change(
        _ id: String, from: [String], set assignments: String, _ arguments: StatementArguments, audit: AuditDraft? = nil,
        also: ((Database) throws -> Void)? = nil
    ) throws(StoreError) -> ReportRecord {
        let at = Timestamp.now()
        let states = from.map { "'\($0)'" }.joined(separator: ", ")
        return try write { db in
            try db.execute(
                sql: "UPDATE cybertip_report SET \(assignments), updated_at = ? WHERE id = ? AND status IN (\(states))",
                arguments: arguments + [at, id])
            guard db.changesCount == 1 else {
                guard let existing = try Self.reportRow(db, id) else { throw StoreError(.notFound, "no report with that id") }
                throw StoreError(.conflict, "the report is \(existing.status.rawValue)")
            }
            try also?(db)
            if let audit { try Self.appendAudit(audit, at: at, db) }
            return try Self.reportRow(db, id)!
        }
    }

    static func reportRow(_ db: Database, _ id: String) throws -> ReportRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cybertip_report WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let items = try String.fetchAll(
            db, sql: "SELECT item_id FROM cybertip_report_item WHERE report_id = ? ORDER BY position", arguments: [id])
        return ReportRecord(
            id: row["id"], status: ReportStatus(rawValue: row["status"]) ?? .failed, caseID: row["case_id"], itemIDs: items,
            draft: row["draft"], createdBy: row["created_by"], createdAt: row["created_at"], updatedAt: row["updated_at"],
            submittedBy: row["submitted_by"], submittedAt: row["submitted_at"], openReportID: row["open_report_id"],
            ncmecReportID: row["ncmec_report_id"], receipt: row["receipt"], finishedAt: row["finished_at"],
            attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"], lastError: row["last_error"])
    }
}

enum ReportStoreLimits {
    /// A receipt is a `<reportResponse>` of a few hundred bytes; anything longer is cut.
    static let receiptBytes = 64 << 10
}
