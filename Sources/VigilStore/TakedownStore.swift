import Foundation
import GRDB
import VigilIndex

/// Where a takedown notice is in its life.
///
/// `candidate` (a public report or a matched URL scan, waiting for an analyst) → `pending`
/// (approved or entered by an analyst/API: the notice is to be sent) → `sent` → `escalated` (a
/// second notice after N days) → `removed`. `rejected` candidates go nowhere.
public enum TakedownStatus: String, Sendable, CaseIterable, Codable {
    case candidate, pending, sent, escalated, removed, rejected

    /// States the monitor works on: sending, re-checking, escalating.
    public static let active: [TakedownStatus] = [.pending, .sent, .escalated]
}

/// Where a takedown came from.
public enum TakedownSource: String, Sendable, CaseIterable, Codable {
    /// The public report form.
    case publicReport = "public"
    /// An analyst in the console.
    case analyst
    /// An API key (`POST /v1/takedowns`).
    case api
    /// A `/v1/scan` of a URL whose media matched.
    case scan
}

/// How the notice goes out.
public enum TakedownChannel: String, Sendable, CaseIterable, Codable {
    /// SMTP through the configured relay, to the abuse contact.
    case email
    /// A signed webhook (a configured target), through the outbox.
    case webhook
}

/// A new takedown.
public struct TakedownDraft: Sendable, Equatable {
    public var url: String
    public var host: String
    public var source: TakedownSource
    public var status: TakedownStatus
    public var channel: TakedownChannel
    /// An abuse contact entered by hand (email address), or the webhook target's name.
    public var contact: String?
    public var escalationContact: String?
    public var description: String?
    public var caseRef: String?
    /// Hashes of the media as first seen (from a scan); otherwise taken when the notice is sent.
    public var sha256: String?
    public var pdq: String?
    public var scanID: String?
    public var createdBy: String

    public init(
        url: String, host: String, source: TakedownSource, status: TakedownStatus, channel: TakedownChannel = .email,
        contact: String? = nil, escalationContact: String? = nil, description: String? = nil, caseRef: String? = nil,
        sha256: String? = nil, pdq: String? = nil, scanID: String? = nil, createdBy: String
    ) {
        self.url = url
        self.host = host
        self.source = source
        self.status = status
        self.channel = channel
        self.contact = contact
        self.escalationContact = escalationContact
        self.description = description
        self.caseRef = caseRef
        self.sha256 = sha256
        self.pdq = pdq
        self.scanID = scanID
        self.createdBy = createdBy
    }
}

/// A takedown as stored. Times are seconds since 1970.
public struct TakedownRecord: Sendable, Equatable {
    public var id: String
    public var url: String
    public var host: String
    public var source: TakedownSource
    public var status: TakedownStatus
    public var channel: TakedownChannel
    public var contact: String?
    /// `manual`, `rdap`, `config` or `webhook`.
    public var contactSource: String?
    public var escalationContact: String?
    public var description: String?
    /// The case reference every notice carries (`VGL-…`).
    public var caseRef: String
    public var sha256: String?
    public var pdq: String?
    public var scanID: String?
    public var createdBy: String
    public var createdAt: Double
    public var sentAt: Double?
    public var escalatedAt: Double?
    public var removedAt: Double?
    /// Why it counts as removed: `http_404`, `http_410`, `http_451`, `dns_gone`, `content_changed`.
    public var removalReason: String?
    public var lastCheckedAt: Double?
    public var nextCheckAt: Double?
    public var checks: Int
    public var lastError: String?

    /// Seconds from the first notice to the removal, when both happened.
    public var timeToRemoval: Double? {
        guard let sentAt, let removedAt else { return nil }
        return max(0, removedAt - sentAt)
    }
}

/// What one re-check found.
public enum CheckOutcome: String, Sendable, CaseIterable, Codable {
    /// The same media (SHA-256 equal, or PDQ within the threshold).
    case present
    /// 404/410/451, or the host no longer resolves.
    case removed
    /// Something else is served now: counts as removed.
    case changed
    /// No answer, or an answer that decides nothing (5xx, 403, a timeout): checked again later.
    case unreachable
}

/// One re-check of a takedown's URL.
public struct TakedownCheck: Sendable, Equatable {
    public var at: Double
    public var outcome: CheckOutcome
    public var httpStatus: Int?
    public var sha256: String?
    /// PDQ distance to the first-seen hash, when both images hashed.
    public var pdqDistance: Int?
    /// A short reason: `http_404`, `dns_gone`, `same_sha256`, `pdq_within_threshold`, `fetch_timeout`…
    public var detail: String

    public init(
        at: Double, outcome: CheckOutcome, httpStatus: Int? = nil, sha256: String? = nil, pdqDistance: Int? = nil,
        detail: String
    ) {
        self.at = at
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.sha256 = sha256
        self.pdqDistance = pdqDistance
        self.detail = detail
    }
}

extension SQLiteBankStore {
    /// The takedown tables: notices with their state and timings, and every re-check.
    static func registerTakedownMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-takedown") { db in
            try db.execute(
                sql: """
                    CREATE TABLE takedown (
                        id TEXT PRIMARY KEY,
                        url TEXT NOT NULL,
                        host TEXT NOT NULL,
                        source TEXT NOT NULL,
                        status TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        contact TEXT,
                        contact_source TEXT,
                        escalation_contact TEXT,
                        description TEXT,
                        case_ref TEXT NOT NULL UNIQUE,
                        sha256 TEXT,
                        pdq TEXT,
                        scan_id TEXT,
                        created_by TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        sent_at REAL,
                        escalated_at REAL,
                        removed_at REAL,
                        removal_reason TEXT,
                        last_checked_at REAL,
                        next_check_at REAL,
                        checks INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT
                    );
                    CREATE INDEX takedown_due ON takedown (next_check_at) WHERE status IN ('pending', 'sent', 'escalated');
                    CREATE INDEX takedown_status ON takedown (status, created_at);
                    CREATE TABLE takedown_check (
                        id INTEGER PRIMARY KEY,
                        takedown_id TEXT NOT NULL REFERENCES takedown(id) ON DELETE CASCADE,
                        at REAL NOT NULL,
                        outcome TEXT NOT NULL,
                        http_status INTEGER,
                        sha256 TEXT,
                        pdq_distance INTEGER,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX takedown_check_by ON takedown_check (takedown_id, at);
                    """)
        }
    }

    // MARK: Takedowns

    /// Records a new takedown (audit `takedown.created`). Active ones are due at once.
    public func createTakedown(_ draft: TakedownDraft, now: Double = Date().timeIntervalSince1970) throws(StoreError)
        -> TakedownRecord
    {
        let id = UUID().uuidString.lowercased()
        let caseRef = "VGL-" + String(id.replacingOccurrences(of: "-", with: "").prefix(12)).uppercased()
        let due: Double? = TakedownStatus.active.contains(draft.status) ? now : nil
        let contactSource: String? = draft.contact == nil ? nil : (draft.channel == .webhook ? "webhook" : "manual")
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO takedown (id, url, host, source, status, channel, contact, contact_source, escalation_contact,
                        description, case_ref, sha256, pdq, scan_id, created_by, created_at, next_check_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, draft.url, draft.host, draft.source.rawValue, draft.status.rawValue, draft.channel.rawValue,
                    draft.contact, contactSource, draft.escalationContact, draft.description, draft.caseRef ?? caseRef,
                    draft.sha256, draft.pdq, draft.scanID, draft.createdBy, now, due,
                ])
            try Self.appendAudit(
                AuditDraft(
                    actor: draft.createdBy, action: "takedown.created", subject: id,
                    detail: Self.detail([
                        ("source", draft.source.rawValue), ("status", draft.status.rawValue), ("host", draft.host),
                    ])), at: Timestamp.now(), db)
            return try Self.takedown(db, id)!
        }
    }

    public func takedown(id: String) throws(StoreError) -> TakedownRecord? {
        try read { db in try Self.takedown(db, id) }
    }

    /// Newest first, optionally one status only.
    public func takedowns(status: TakedownStatus? = nil, limit: Int = 100) throws(StoreError) -> [TakedownRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM takedown WHERE ? IS NULL OR status = ? ORDER BY created_at DESC, id LIMIT ?",
                arguments: [status?.rawValue, status?.rawValue, limit]
            ).map(Self.takedownRow)
        }
    }

    public func takedownChecks(id: String, limit: Int = 100) throws(StoreError) -> [TakedownCheck] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM takedown_check WHERE takedown_id = ? ORDER BY at DESC, id DESC LIMIT ?",
                arguments: [id, limit]
            ).map { row in
                TakedownCheck(
                    at: row["at"], outcome: CheckOutcome(rawValue: row["outcome"]) ?? .unreachable,
                    httpStatus: row["http_status"], sha256: row["sha256"], pdqDistance: row["pdq_distance"],
                    detail: row["detail"])
            }
        }
    }

    /// Active takedowns whose next step is due at `now`, oldest due first.
    public func dueTakedowns(now: Double, limit: Int) throws(StoreError) -> [TakedownRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM takedown WHERE status IN ('pending', 'sent', 'escalated') AND next_check_at <= ?
                    ORDER BY next_check_at, id LIMIT ?
                    """, arguments: [now, limit]
            ).map(Self.takedownRow)
        }
    }

    /// An analyst's review of a candidate: approve (→ pending, optionally with a contact entered
    /// by hand) or reject. Audited as `takedown.approved` / `takedown.rejected`.
    public func reviewTakedown(
        id: String, approve: Bool, contact: String?, escalationContact: String? = nil, by actor: String,
        now: Double = Date().timeIntervalSince1970
    ) throws(StoreError) -> TakedownRecord {
        try write { db in
            guard let record = try Self.takedown(db, id) else { throw StoreError(.notFound, "no takedown with that id") }
            guard record.status == .candidate else {
                throw StoreError(.conflict, "this takedown is \(record.status.rawValue), not a candidate")
            }
            let status: TakedownStatus = approve ? .pending : .rejected
            try db.execute(
                sql: """
                    UPDATE takedown SET status = ?, next_check_at = ?,
                        contact = COALESCE(?, contact), contact_source = CASE WHEN ? IS NULL THEN contact_source ELSE 'manual' END,
                        escalation_contact = COALESCE(?, escalation_contact)
                    WHERE id = ?
                    """,
                arguments: [status.rawValue, approve ? now : nil, contact, contact, escalationContact, id])
            try Self.appendAudit(
                AuditDraft(actor: actor, action: approve ? "takedown.approved" : "takedown.rejected", subject: id),
                at: Timestamp.now(), db)
            return try Self.takedown(db, id)!
        }
    }

    /// The notice went out (audit `takedown.sent`); webhook notices are queued in the outbox in
    /// the same transaction. The first re-check is due at `nextCheck`.
    public func markTakedownSent(
        id: String, contact: String, contactSource: String, sha256: String?, pdq: String?, events: [OutboxDraft],
        now: Double, nextCheck: Double
    ) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE takedown SET status = 'sent', contact = ?, contact_source = ?, sha256 = COALESCE(sha256, ?),
                        pdq = COALESCE(pdq, ?), sent_at = ?, next_check_at = ?, last_error = NULL
                    WHERE id = ? AND status = 'pending'
                    """, arguments: [contact, contactSource, sha256, pdq, now, nextCheck, id])
            guard db.changesCount == 1 else { throw StoreError(.conflict, "this takedown is not pending") }
            try Self.enqueue(events, db)
            let host = try String.fetchOne(db, sql: "SELECT host FROM takedown WHERE id = ?", arguments: [id]) ?? ""
            try Self.appendAudit(
                AuditDraft(
                    actor: "system:takedown", action: "takedown.sent", subject: id,
                    detail: Self.detail([("host", host), ("contact_source", contactSource)])), at: Timestamp.now(), db)
        }
    }

    /// The second notice went out to the escalation contact (audit `takedown.escalated`).
    public func markTakedownEscalated(id: String, contact: String, events: [OutboxDraft], now: Double, nextCheck: Double)
        throws(StoreError)
    {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE takedown SET status = 'escalated', escalation_contact = ?, escalated_at = ?, next_check_at = ?
                    WHERE id = ? AND status = 'sent'
                    """, arguments: [contact, now, nextCheck, id])
            guard db.changesCount == 1 else { throw StoreError(.conflict, "this takedown was not sent") }
            try Self.enqueue(events, db)
            try Self.appendAudit(
                AuditDraft(actor: "system:takedown", action: "takedown.escalated", subject: id), at: Timestamp.now(), db)
        }
    }

    /// Records a re-check. `removed`/`changed` close the takedown with its removal time (audit
    /// `takedown.removed` with the time to removal); other outcomes schedule the next check.
    public func recordTakedownCheck(id: String, _ check: TakedownCheck, nextCheck: Double) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO takedown_check (takedown_id, at, outcome, http_status, sha256, pdq_distance, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, check.at, check.outcome.rawValue, check.httpStatus, check.sha256, check.pdqDistance, check.detail,
                ])
            let gone = check.outcome == .removed || check.outcome == .changed
            try db.execute(
                sql: """
                    UPDATE takedown SET checks = checks + 1, last_checked_at = ?,
                        status = CASE WHEN ? THEN 'removed' ELSE status END,
                        removed_at = CASE WHEN ? THEN ? ELSE removed_at END,
                        removal_reason = CASE WHEN ? THEN ? ELSE removal_reason END,
                        next_check_at = CASE WHEN ? THEN NULL ELSE ? END
                    WHERE id = ?
                    """,
                arguments: [check.at, gone, gone, check.at, gone, check.detail, gone, nextCheck, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no takedown with that id") }
            if gone, let record = try Self.takedown(db, id) {
                var fields: [(String, String)] = [("reason", check.detail)]
                if let ttr = record.timeToRemoval { fields.append(("ttr_seconds", String(Int(ttr.rounded())))) }
                try Self.appendAudit(
                    AuditDraft(actor: "system:takedown", action: "takedown.removed", subject: id, detail: Self.detail(fields)),
                    at: Timestamp.now(), db)
            }
        }
    }

    /// A step that could not be done (no abuse contact, the relay refused): kept, retried at `retryAt`.
    public func noteTakedownProblem(id: String, _ problem: String, retryAt: Double) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE takedown SET last_error = ?, next_check_at = ? WHERE id = ?", arguments: [problem, retryAt, id])
        }
    }

    // MARK: Rows

    static func takedown(_ db: Database, _ id: String) throws -> TakedownRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM takedown WHERE id = ?", arguments: [id]).map(takedownRow)
    }

    static func takedownRow(_ row: Row) -> TakedownRecord {
        TakedownRecord(
            id: row["id"], url: row["url"], host: row["host"],
            source: TakedownSource(rawValue: row["source"]) ?? .api, status: TakedownStatus(rawValue: row["status"]) ?? .rejected,
            channel: TakedownChannel(rawValue: row["channel"]) ?? .email, contact: row["contact"],
            contactSource: row["contact_source"], escalationContact: row["escalation_contact"],
            description: row["description"], caseRef: row["case_ref"], sha256: row["sha256"], pdq: row["pdq"],
            scanID: row["scan_id"], createdBy: row["created_by"], createdAt: row["created_at"], sentAt: row["sent_at"],
            escalatedAt: row["escalated_at"], removedAt: row["removed_at"], removalReason: row["removal_reason"],
            lastCheckedAt: row["last_checked_at"], nextCheckAt: row["next_check_at"], checks: row["checks"],
            lastError: row["last_error"])
    }

    /// A flat JSON object of string fields, for audit details.
    static func detail(_ fields: [(String, String)]) -> String {
        "{" + fields.map { JSONText.quoted($0.0) + ":" + JSONText.quoted($0.1) }.joined(separator: ",") + "}"
    }
}
