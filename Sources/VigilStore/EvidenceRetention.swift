import Foundation
import GRDB

/// Evidence retention: records are kept until `retainUntil` (1 year by default, US 18 U.S.C.
/// §2258A as amended in 2024) unless a legal hold keeps them longer; the sweeper deletes the rest
/// and every hold and deletion is audited.
public protocol EvidenceRetention: Sendable {
    /// Places or lifts a legal hold on an evidence record.
    func setLegalHold(evidenceID: String, held: Bool, by actor: String) throws(StoreError)
    /// Records past their retention at `now` (ISO 8601), not on hold, oldest first.
    func expiredEvidence(at now: String, limit: Int) throws(StoreError) -> [EvidenceDraft]
    /// Deletes a record (its file is removed first by the caller) and audits the deletion.
    func deleteEvidence(id: String, by actor: String) throws(StoreError)
}

extension SQLiteBankStore: EvidenceRetention {
    public func setLegalHold(evidenceID: String, held: Bool, by actor: String) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in
            try db.execute(sql: "UPDATE evidence SET legal_hold = ? WHERE id = ?", arguments: [held, evidenceID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no evidence record with that id") }
            try Self.appendAudit(
                AuditDraft(actor: actor, action: held ? "evidence.hold" : "evidence.release_hold", subject: evidenceID),
                at: now, db)
        }
    }

    public func expiredEvidence(at now: String, limit: Int) throws(StoreError) -> [EvidenceDraft] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM evidence WHERE retain_until < ? AND legal_hold = 0 ORDER BY retain_until, id LIMIT ?",
                arguments: [now, limit]
            ).map(Self.evidenceRecord)
        }
    }

    static func evidenceRecord(_ row: Row) -> EvidenceDraft {
        EvidenceDraft(
            id: row["id"], scanID: row["scan_id"], sha256: row["sha256"], bytes: row["bytes"], format: row["format"],
            path: row["path"], retainUntil: row["retain_until"], metadata: row["metadata"])
    }

    public func deleteEvidence(id: String, by actor: String) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in
            try db.execute(sql: "DELETE FROM evidence WHERE id = ? AND legal_hold = 0", arguments: [id])
            guard db.changesCount == 1 else { throw StoreError(.conflict, "evidence record missing or on legal hold") }
            try Self.appendAudit(AuditDraft(actor: actor, action: "evidence.delete", subject: id), at: now, db)
        }
    }
}
