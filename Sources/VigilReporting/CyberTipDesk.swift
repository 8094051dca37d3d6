import Foundation
import VigilStore

/// Drafting and submission, shared by the API and the console: drafts from confirmed items or a
/// case's confirmed items, edits, and the submission that queues a valid draft for the outbox.
/// Who may see which items is checked by the caller.
public struct CyberTipDesk: Sendable {
    let store: any ReportStore
    let reporter: CyberTipReport.Reporter

    public init(store: any ReportStore, reporter: CyberTipReport.Reporter) {
        self.store = store
        self.reporter = reporter
    }

    /// A new draft from `itemIDs`, or from the confirmed items of `caseID`.
    public func draft(itemIDs: [String]?, caseID: Int64?, details: DraftDetails, by actor: String) throws -> ReportRecord {
        var ids = itemIDs ?? []
        if let caseID, ids.isEmpty {
            ids = try store.confirmedItemIDs(caseID: caseID)
            guard !ids.isEmpty else { throw StoreError(.conflict, "case \(caseID) has no confirmed items to report") }
        }
        guard !ids.isEmpty else { throw StoreError(.invalid, "name the items (or the case) to report") }
        let facts = try store.reportFacts(itemIDs: ids)
        let report = ReportDrafter.draft(facts, reporter: reporter, details: details)
        return try store.createReport(
            id: UUID().uuidString.lowercased(), caseID: caseID, itemIDs: ids, draft: ReportDrafter.encode(report), by: actor)
    }

    /// Applies `details` to a draft (or a failed report).
    public func edit(id: String, details: DraftDetails, by actor: String) throws -> ReportRecord {
        guard let record = try store.report(id: id) else { throw StoreError(.notFound, "no report with that id") }
        let edited = ReportDrafter.edit(try ReportDrafter.decode(record.draft), with: details)
        return try store.updateDraft(id: id, draft: ReportDrafter.encode(edited), by: actor)
    }

    /// Queues a draft for sending after checking it the way NCMEC would (reporter email, MD5s…).
    public func submit(id: String, by actor: String) throws -> ReportRecord {
        guard let record = try store.report(id: id) else { throw StoreError(.notFound, "no report with that id") }
        var report = try ReportDrafter.decode(record.draft)
        // The reporter is the configured template at submission time (it may have been completed since drafting).
        if report.reporter != reporter {
            report.reporter = reporter
            _ = try store.updateDraft(id: id, draft: ReportDrafter.encode(report), by: actor)
        }
        try report.validate()
        return try store.queueReport(id: id, by: actor, now: Date().timeIntervalSince1970)
    }

    /// A stored report for display: its draft, the `<report>` XML it sends, or what stops it.
    public static func view(_ record: ReportRecord) -> (report: CyberTipReport?, xml: String?, problems: [String]) {
        guard let report = try? ReportDrafter.decode(record.draft) else { return (nil, nil, ["the stored draft cannot be read"]) }
        let problems = report.problems()
        return (report, problems.isEmpty ? try? CyberTipXML.report(report) : nil, problems)
    }
}
