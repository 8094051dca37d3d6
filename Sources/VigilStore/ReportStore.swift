import Foundation

/// Where a CyberTipline report is in its life.
public enum ReportStatus: String, Sendable, Codable, CaseIterable {
    /// Built from confirmed items; an analyst reviews it.
    case draft
    /// Submitted by a person; waiting in the outbox (also between retries).
    case queued
    /// An attempt is running.
    case sending
    /// NCMEC finished it: `ncmecReportID` and the receipt are stored.
    case finished
    /// Refused (the draft is invalid) or out of attempts; can be edited and submitted again.
    case failed
    /// NCMEC refused the credentials: nothing is sent until the service restarts with new ones.
    case blocked
}

/// A report as stored. `draft` is the report's JSON (VigilReporting's `CyberTipReport`).
public struct ReportRecord: Sendable, Equatable {
    public var id: String
    public var status: ReportStatus
    public var caseID: Int64?
    public var itemIDs: [String]
    public var draft: String
    public var createdBy: String
    public var createdAt: String
    public var updatedAt: String
    public var submittedBy: String?
    public var submittedAt: String?
    /// NCMEC's id of an unfinished report opened by an attempt (retracted before any retry).
    public var openReportID: String?
    /// NCMEC's id of the filed report.
    public var ncmecReportID: String?
    /// NCMEC's `<reportResponse>` to `/finish`.
    public var receipt: String?
    public var finishedAt: String?
    public var attempts: Int
    public var nextAttemptAt: Double?
    public var lastError: String?
}

/// What a draft is built from, per confirmed review item.
public struct ReportItemFacts: Sendable, Equatable {
    public var item: ReviewItem
    /// Reveals of this item by any reviewer: whether a person viewed the file itself.
    public var reveals: Int
    /// The scan's stored result JSON (digests, signals).
    public var scanResult: String?
    /// When the scan was submitted (the upload).
    public var scannedAt: String?
    public var evidence: EvidenceDraft?
}

/// Persistence of CyberTipline reports and their durable outbox. Every state change that matters
/// legally appends an audit entry in the same transaction: `report.drafted`, `report.queued`,
/// `report.retracted`, `report.submitted` (NCMEC finished it) and `report.failed`.
public protocol ReportStore: Sendable {
    /// Facts for drafting; every item must exist and be confirmed.
    func reportFacts(itemIDs: [String]) throws(StoreError) -> [ReportItemFacts]
    /// The confirmed items of a case.
    func confirmedItemIDs(caseID: Int64) throws(StoreError) -> [String]
    func createReport(id: String, caseID: Int64?, itemIDs: [String], draft: String, by actor: String) throws(StoreError)
        -> ReportRecord
    /// Replaces a draft (status draft or failed only).
    func updateDraft(id: String, draft: String, by actor: String) throws(StoreError) -> ReportRecord
    func report(id: String) throws(StoreError) -> ReportRecord?
    func reports(limit: Int) throws(StoreError) -> [ReportRecord]
    /// A person submits: draft or failed → queued, due now; the items' evidence goes on legal hold.
    func queueReport(id: String, by actor: String, now: Double) throws(StoreError) -> ReportRecord
    /// Queued reports due at `now`, oldest first.
    func dueReports(now: Double, limit: Int) throws(StoreError) -> [ReportRecord]
    /// After a restart: `sending` and `blocked` reports go back to the queue. Returns how many.
    func recoverReports(now: Double) throws(StoreError) -> Int
    /// queued → sending, one more attempt.
    func markSending(id: String) throws(StoreError) -> ReportRecord
    /// Records NCMEC's id for the report an attempt opened, before anything else is sent.
    func recordOpened(id: String, ncmecReportID: String) throws(StoreError)
    /// The attempt's unfinished report is gone (retracted, or unknown to NCMEC): `reason` says which.
    func recordRetracted(id: String, ncmecReportID: String, reason: String, by actor: String) throws(StoreError)
    /// Filed: the id and receipt are stored, evidence is held and kept at least until `retainUntil`.
    func recordFinished(id: String, ncmecReportID: String, receipt: String, retainUntil: String, by actor: String)
        throws(StoreError)
    func recordRetry(id: String, retryAt: Double, error: String) throws(StoreError)
    func recordFailed(id: String, error: String, by actor: String) throws(StoreError)
    func recordBlocked(id: String, error: String) throws(StoreError)
    /// An evidence record by id (where a reported file's encrypted bytes are).
    func evidenceRecord(id: String) throws(StoreError) -> EvidenceDraft?
}
