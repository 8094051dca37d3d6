import Crypto
import Foundation
import GRDB
import Testing
import VigilStore

/// A file-backed store with `n` audit entries.
func auditedStore(_ n: Int) throws -> (SQLiteBankStore, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-audit-\(UUID()).sqlite").path
    let store = try SQLiteBankStore(path: path)
    for i in 1...n {
        try store.appendAudit(AuditDraft(actor: "key:test", action: "scan.allow", subject: "scan-\(i)", detail: "{\"n\":\(i)}"))
    }
    return (store, path)
}

/// Direct edits to the audit table, as someone with file access could make them.
enum Tamper: String, CaseIterable, Sendable {
    case editDetail, editActor, deleteMiddle, deleteLast, swapTwo, rehashEdited

    func apply(_ db: Database) throws {
        switch self {
        case .editDetail: try db.execute(sql: "UPDATE audit SET detail = '{\"n\":99}' WHERE seq = 4")
        case .editActor: try db.execute(sql: "UPDATE audit SET actor = 'key:someone-else' WHERE seq = 4")
        case .deleteMiddle: try db.execute(sql: "DELETE FROM audit WHERE seq = 4")
        case .deleteLast: try db.execute(sql: "DELETE FROM audit WHERE seq = 8")
        case .swapTwo:
            // Reorder: entries 4 and 5 trade places (and sequence numbers).
            try db.execute(sql: "UPDATE audit SET seq = -4 WHERE seq = 4")
            try db.execute(sql: "UPDATE audit SET seq = 4 WHERE seq = 5")
            try db.execute(sql: "UPDATE audit SET seq = 5 WHERE seq = -4")
        case .rehashEdited:
            // An editor who recomputes the edited entry's own hash still breaks the next link.
            let row = try Row.fetchOne(db, sql: "SELECT * FROM audit WHERE seq = 4")!
            let hash = AuditEntry.chainHash(
                previous: row["previous"], seq: 4, at: row["at"], actor: row["actor"], action: "scan.block",
                subject: row["subject"], detail: row["detail"])
            try db.execute(sql: "UPDATE audit SET action = 'scan.block', sha256 = ? WHERE seq = 4", arguments: [hash])
        }
    }

    /// The entry `vigil audit verify` must name (deleting the last entry is only detectable
    /// against an external anchor: the count or the last hash, which the verifier reports).
    var firstBad: Int64? {
        switch self {
        case .editDetail, .editActor, .swapTwo: 4
        // The break shows at the entry after the gap (the verifier says which one is missing).
        case .deleteMiddle, .rehashEdited: 5
        case .deleteLast: nil
        }
    }
}

@Test(
    "the audit chain verifies intact, and every edit, deletion or reordering is caught at the right entry",
    arguments: Tamper.allCases)
func auditTamper(_ tamper: Tamper) throws {
    let (store, path) = try auditedStore(8)
    let before = try store.verifyAudit()
    #expect(before.intact && before.entries == 8)
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in try tamper.apply(db) }
    let result = try store.verifyAudit()
    #expect(result.firstBadSeq == tamper.firstBad, "\(result.problem ?? "")")
    if tamper.firstBad == nil {
        #expect(result.entries == 7 && result.head != before.head, "truncation shows in the count and the head hash")
    }
}

@Test("evidence is encrypted at rest; a wrong key or an altered file is a clear error")
func evidenceVault() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-vault-\(UUID())").path
    let keyFile = dir + ".key"
    let key = try EvidenceVault.loadKey(path: keyFile, create: true)
    #expect(try EvidenceVault.loadKey(path: keyFile, create: false) == key, "the key file round-trips")
    let vault = try EvidenceVault(directory: dir, key: key)
    var generator = SystemRandomNumberGenerator()
    let media = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let name = try vault.store(media, name: "item.bin")
    #expect(try vault.load(name) == media)
    let raw = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
    #expect(raw.range(of: Data(media.prefix(32))) == nil)
    let wrong = try EvidenceVault(directory: dir, key: SymmetricKey(size: .bits256))
    let refused = #expect(throws: StoreError.self) { try wrong.load(name) }
    #expect(refused?.message.contains("wrong evidence key") == true, "\(refused?.message ?? "")")
    var altered = raw
    altered[altered.count / 2] ^= 1
    try altered.write(to: URL(fileURLWithPath: dir + "/" + name))
    #expect(throws: StoreError.self) { try vault.load(name) }
    // A blob moved to another record's name fails too (the name is authenticated).
    _ = try vault.store(media, name: "a.bin")
    try FileManager.default.copyItem(atPath: dir + "/a.bin", toPath: dir + "/b.bin")
    #expect(throws: StoreError.self) { try vault.load("b.bin") }
    #expect(throws: StoreError.self) { try EvidenceVault.loadKey(path: dir + "/missing.key", create: false) }
}

@Test("the scan queue: idempotent submission, claims, recovery after a crash, and the outbox's retries")
func scanQueueAndOutbox() throws {
    let store = try SQLiteBankStore()
    let submit = { (id: String, key: String?, asynchronous: Bool) throws(StoreError) in
        try store.submitScan(
            ScanSubmission(
                id: id, keyID: 1, idempotencyKey: key, fingerprint: "f", asynchronous: asynchronous, spool: "\(id).bin"))
    }
    guard case .created = try submit("a", "k1", true) else { Issue.record("a new scan"); return }
    guard case .existing(let earlier) = try submit("b", "k1", true) else { Issue.record("a replay"); return }
    #expect(earlier.id == "a")
    _ = try submit("c", nil, true)
    _ = try submit("sync", nil, false)
    #expect(try store.claimQueuedScan()?.id == "a")
    // A crash here: "a" and the synchronous scan were running.
    let recovered = try store.recoverInterruptedScans()
    #expect(recovered.requeued == 1 && recovered.failed == 1)
    #expect(try store.scan(id: "sync")?.status == .failed)
    let claimed = try store.claimQueuedScan()
    #expect(claimed?.id == "a" && claimed?.attempts == 2)
    try store.complete(
        ScanCompletion(
            id: "a", status: .done, result: "{}",
            events: [OutboxDraft(eventID: "e1", type: "scan.block", target: "soc", payload: "{}")],
            audit: AuditDraft(actor: "key:t", action: "scan.block", subject: "a")))
    #expect(try store.scan(id: "a")?.status == .done)
    let due = try store.dueEvents(now: Date().timeIntervalSince1970 + 1, limit: 10)
    #expect(due.map(\.eventID) == ["e1"])
    try store.markFailed(due[0].id, retryAt: Date().timeIntervalSince1970 + 60, error: "HTTP 500")
    #expect(try store.dueEvents(now: Date().timeIntervalSince1970 + 1, limit: 10).isEmpty, "backing off")
    #expect(try store.dueEvents(now: Date().timeIntervalSince1970 + 61, limit: 10).first?.attempts == 1)
    try store.markDelivered(due[0].id)
    #expect(try store.pendingEventCount() == 0)
    #expect(try store.verifyAudit().entries == 1)
}
