import Crypto
import Foundation

/// Where a scan is in its life.
public enum ScanStatus: String, Sendable, Codable {
    /// Accepted (`?async=true`), its media spooled, waiting for a worker.
    case queued
    /// Being processed (a synchronous request, or a worker that claimed it).
    case running
    /// Finished with a result.
    case done
    /// Finished with an error (undecodable media, a refused URL…).
    case failed
}

/// A scan as stored. `result` and `error` are JSON texts, returned to the caller as they are.
public struct ScanRecord: Sendable, Equatable {
    public var id: String
    public var keyID: Int64?
    public var idempotencyKey: String?
    /// SHA-256 of what was submitted; a retry with the same idempotency key must match it.
    public var fingerprint: String
    public var status: ScanStatus
    public var asynchronous: Bool
    /// The encrypted spooled media of a queued scan (a path relative to the data directory).
    public var spool: String?
    public var url: String?
    public var result: String?
    public var error: String?
    /// The HTTP status of `error`.
    public var errorStatus: Int?
    public var attempts: Int
    public var createdAt: String
    public var updatedAt: String
}

/// A new scan: synchronous ones start `running`; asynchronous ones `queued` with their media spooled.
public struct ScanSubmission: Sendable {
    public var id: String
    public var keyID: Int64?
    public var idempotencyKey: String?
    public var fingerprint: String
    public var asynchronous: Bool
    public var spool: String?
    public var url: String?

    public init(
        id: String, keyID: Int64?, idempotencyKey: String?, fingerprint: String, asynchronous: Bool, spool: String? = nil,
        url: String? = nil
    ) {
        self.id = id
        self.keyID = keyID
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
        self.asynchronous = asynchronous
        self.spool = spool
        self.url = url
    }
}

/// The answer to a submission: a new scan, or the one an earlier request with the same key made.
public enum SubmitOutcome: Sendable, Equatable {
    case created(ScanRecord)
    case existing(ScanRecord)
}

/// A webhook event to deliver, fanned out to one target.
public struct OutboxDraft: Sendable, Equatable {
    /// The event's id: the same on every retry and every target, so receivers can drop duplicates.
    public var eventID: String
    public var type: String
    public var target: String
    public var payload: String

    public init(eventID: String, type: String, target: String, payload: String) {
        self.eventID = eventID
        self.type = type
        self.target = target
        self.payload = payload
    }
}

/// A pending webhook delivery.
public struct OutboxEvent: Sendable, Equatable {
    public var id: Int64
    public var eventID: String
    public var type: String
    public var target: String
    public var payload: String
    public var attempts: Int
}

/// A decision or change worth a trail. `detail` is JSON with no media content and no list contents.
public struct AuditDraft: Sendable, Equatable {
    public var actor: String
    public var action: String
    public var subject: String?
    public var detail: String

    public init(actor: String, action: String, subject: String?, detail: String = "{}") {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// One link of the hash-chained audit log.
public struct AuditEntry: Sendable, Equatable {
    public var seq: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var subject: String?
    public var detail: String
    public var previous: String
    public var sha256: String

    /// The chain rule: SHA-256 over the previous link's hash and this entry's fields, each
    /// length-prefixed so that no two different entries serialise alike.
    public static func chainHash(
        previous: String, seq: Int64, at: String, actor: String, action: String, subject: String?, detail: String
    ) -> String {
        var data = Data()
        for field in [previous, String(seq), at, actor, action, subject ?? "\u{0}", detail] {
            let bytes = Array(field.utf8)
            data.append(contentsOf: withUnsafeBytes(of: UInt64(bytes.count).bigEndian, Array.init))
            data.append(contentsOf: bytes)
        }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The all-zero hash the first entry links to.
    public static let genesis = String(repeating: "0", count: 64)
}

/// The outcome of walking the audit chain.
public struct AuditVerification: Sendable, Equatable {
    public var entries: Int
    /// The first entry that breaks the chain (edited, out of order, or following a deleted one).
    public var firstBadSeq: Int64?
    public var problem: String?
    /// The last entry's hash: record it elsewhere to detect truncation later.
    public var head: String = AuditEntry.genesis

    public var intact: Bool { firstBadSeq == nil }
}

/// An evidence record: an encrypted copy of blocked media, kept until `retainUntil`.
public struct EvidenceDraft: Sendable, Equatable {
    public var id: String
    public var scanID: String
    /// SHA-256 of the plaintext media.
    public var sha256: String
    public var bytes: Int
    public var format: String?
    /// The encrypted blob, relative to the data directory.
    public var path: String
    public var retainUntil: String
    /// Non-content metadata as JSON (verdict, rule, banks).
    public var metadata: String

    public init(
        id: String, scanID: String, sha256: String, bytes: Int, format: String?, path: String, retainUntil: String,
        metadata: String
    ) {
        self.id = id
        self.scanID = scanID
        self.sha256 = sha256
        self.bytes = bytes
        self.format = format
        self.path = path
        self.retainUntil = retainUntil
        self.metadata = metadata
    }
}

/// Everything one finished scan writes, committed in one transaction: its result, the webhook
/// events, the audit entry, the evidence record and the review item. A crash leaves all of it or none.
public struct ScanCompletion: Sendable {
    public var id: String
    public var status: ScanStatus
    public var result: String?
    public var error: String?
    public var errorStatus: Int?
    public var events: [OutboxDraft]
    public var audit: AuditDraft
    public var evidence: EvidenceDraft?
    /// The item this scan adds to the review console's queue.
    public var review: ReviewItemDraft?

    public init(
        id: String, status: ScanStatus, result: String? = nil, error: String? = nil, errorStatus: Int? = nil,
        events: [OutboxDraft] = [], audit: AuditDraft, evidence: EvidenceDraft? = nil, review: ReviewItemDraft? = nil
    ) {
        self.id = id
        self.status = status
        self.result = result
        self.error = error
        self.errorStatus = errorStatus
        self.events = events
        self.audit = audit
        self.evidence = evidence
        self.review = review
    }
}

/// Persistence of the service's scans, durable queue, webhook outbox, evidence and audit trail.
public protocol ServiceStore: Sendable {
    /// Records a new scan, or returns the scan an earlier submission with the same key made
    /// (`idempotencyKey` is scoped to the API key).
    func submitScan(_ submission: ScanSubmission) throws(StoreError) -> SubmitOutcome
    func scan(id: String) throws(StoreError) -> ScanRecord?
    /// Claims the oldest queued scan (→ running, one more attempt), or nil.
    func claimQueuedScan() throws(StoreError) -> ScanRecord?
    /// After a restart: queued scans that were running go back to the queue; synchronous ones
    /// (whose caller never got an answer, and whose media was never kept) are failed.
    func recoverInterruptedScans() throws(StoreError) -> (requeued: Int, failed: Int)
    func complete(_ completion: ScanCompletion) throws(StoreError)
    /// The spool files that queued or running scans still need.
    func spoolsInUse() throws(StoreError) -> Set<String>
    func scanCounts() throws(StoreError) -> [ScanStatus: Int]

    /// Undelivered events due at `now` (seconds since 1970), oldest first.
    func dueEvents(now: Double, limit: Int) throws(StoreError) -> [OutboxEvent]
    func markDelivered(_ id: Int64) throws(StoreError)
    func markFailed(_ id: Int64, retryAt: Double?, error: String) throws(StoreError)
    func pendingEventCount() throws(StoreError) -> Int

    func appendAudit(_ draft: AuditDraft) throws(StoreError)
    func auditEntries(after seq: Int64, limit: Int) throws(StoreError) -> [AuditEntry]
    func verifyAudit() throws(StoreError) -> AuditVerification

    func evidence(scanID: String) throws(StoreError) -> [EvidenceDraft]
}
