import Foundation
import Hummingbird
import VigilReporting
import VigilStore

/// The console's CyberTipline pages: drafts from confirmed items and cases, a review page with
/// the exact XML that will be sent, edits, and submission (leads and admins only). Everyone sees
/// only reports whose items they may see.
extension ConsoleRoutes {
    func registerReports(on console: RouterGroup<VigilRequestContext>) {
        console.get("reports") { request, _ in try await guarded(request) { s, _ in try reportsPage(s) } }
        console.post("reports") { request, _ in
            try await guarded(request) { s, form in
                let items = (form["items"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
                let caseID = form["case"].flatMap { Int64($0) }
                if let caseID {
                    guard try store.reviewCase(id: caseID, for: s.user) != nil else {
                        throw StoreError(.notFound, "no such case")
                    }
                } else {
                    try visible(items, s.user)
                }
                let record = try reporting {
                    try desk.draft(itemIDs: caseID == nil ? items : nil, caseID: caseID, details: .init(), by: s.user.actor)
                }
                return redirect("/console/reports/\(record.id)")
            }
        }
        console.get("reports/:id") { request, context in
            try await guarded(request) { s, _ in try reportPage(try reportRecord(context, s), s, message: nil) }
        }
        console.post("reports/:id/details") { request, context in
            try await guarded(request) { s, form in
                let record = try reportRecord(context, s)
                let edited = try reporting { try desk.edit(id: record.id, details: try Self.details(form), by: s.user.actor) }
                return try reportPage(edited, s, message: "Draft updated.")
            }
        }
        console.post("reports/:id/submit") { request, context in
            try await guarded(request) { s, _ in
                guard s.user.role.isLead else { throw StoreError(.forbidden, "only leads and admins submit reports to NCMEC") }
                let record = try reportRecord(context, s)
                let queued = try reporting { try desk.submit(id: record.id, by: s.user.actor) }
                return try reportPage(queued, s, message: "Submitted: the report is queued for the CyberTipline.")
            }
        }
    }

    /// Reporting errors as console errors (an invalid draft is a 400 naming every problem).
    private func reporting<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ReportingError { throw StoreError(.invalid, error.message) }
    }

    private func visible(_ items: [String], _ user: ConsoleUser) throws {
        guard !items.isEmpty else { throw StoreError(.invalid, "name at least one confirmed item") }
        for item in items where try store.reviewItem(id: item, for: user) == nil {
            throw StoreError(.notFound, "no such item")
        }
    }

    private func reportRecord(_ context: VigilRequestContext, _ session: ConsoleSession) throws -> ReportRecord {
        guard let id = context.parameters.get("id"), id.count <= 64, let record = try store.report(id: id) else {
            throw StoreError(.notFound, "no such report")
        }
        try visible(record.itemIDs, session.user)
        return record
    }

    private func reportsPage(_ session: ConsoleSession) throws -> Response {
        let reports = try store.reports(limit: 200).filter { r in
            r.itemIDs.allSatisfy { (try? store.reviewItem(id: $0, for: session.user)) != nil }
        }.map { r -> [String: Any] in
            [
                "id": r.id, "short": String(r.id.prefix(8)), "status": r.status.rawValue, "items": String(r.itemIDs.count),
                "ncmec": r.ncmecReportID ?? "—", "createdAt": r.createdAt, "createdBy": r.createdBy,
            ]
        }
        return try page("Reports", "reports", ["reports": reports], session)
    }

    private func reportPage(_ record: ReportRecord, _ session: ConsoleSession, message: String?) throws -> Response {
        let view = CyberTipDesk.view(record)
        var values: [String: Any] = [
            "id": record.id, "status": record.status.rawValue, "ncmec": record.ncmecReportID ?? "—",
            "receipt": record.receipt ?? "", "lastError": record.lastError ?? "", "attempts": String(record.attempts),
            "submittedBy": record.submittedBy ?? "—", "createdBy": record.createdBy, "xml": view.xml ?? "",
            "problems": view.problems, "hasProblems": !view.problems.isEmpty,
            "editable": record.status == .draft || record.status == .failed,
            "incidentTypes": CyberTipReport.IncidentType.allCases.map { type -> [String: Any] in
                ["value": type.rawValue, "selected": type == view.report?.incident.type]
            },
        ]
        if let report = view.report {
            let reported = report.reported
            let event = reported?.ipCaptureEvents.first
            values["incidentTime"] = report.incident.dateTime
            values["reporterEmail"] = report.reporter.email ?? "— (configure the reporter template)"
            values["reporterName"] = [report.reporter.firstName, report.reporter.lastName].compactMap { $0 }.joined(
                separator: " ")
            values["espIdentifier"] = reported?.espIdentifier ?? ""
            values["screenName"] = reported?.screenName ?? ""
            values["reportedEmail"] = reported?.email ?? ""
            values["ipAddress"] = event?.ipAddress ?? ""
            values["ipTime"] = event?.dateTime ?? ""
            values["url"] = report.internet?.kind == .webPage ? report.internet?.values.first ?? "" : ""
            values["files"] = report.files.map { f -> [String: Any] in
                [
                    "item": f.itemId, "name": f.originalFileName, "md5": f.md5, "viewed": f.viewedByEsp ? "yes" : "no",
                    "classification": f.industryClassification ?? "—",
                    "annotations": f.annotations.map(\.rawValue).joined(separator: ", "),
                    "evidence": f.annotationEvidence.joined(separator: "; "),
                ]
            }
        }
        return try page("Report", "report", values, session, message: message)
    }

    /// The edit form: incident type and time, the reported account, one IP capture event, one URL.
    static func details(_ form: [String: String]) throws -> DraftDetails {
        func field(_ name: String) -> String? {
            guard let v = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return v
        }
        var details = DraftDetails()
        if let type = field("incident_type") {
            guard let parsed = CyberTipReport.IncidentType(rawValue: type) else {
                throw StoreError(.invalid, "unknown incident type")
            }
            details.incidentType = parsed
        }
        details.incidentDateTime = field("incident_time")
        var user = CyberTipReport.ReportedUser(
            email: field("reported_email"), espIdentifier: field("esp_identifier"), screenName: field("screen_name"))
        if let ip = field("ip_address") {
            user.ipCaptureEvents = [.init(ipAddress: ip, eventName: .upload, dateTime: field("ip_time"))]
        }
        details.reported = user
        if let url = field("url") { details.internet = .init(kind: .webPage, values: [url]) }
        return details
    }
}

/// The report pages' templates (merged into the console's library).
enum ReportTemplates {
    static let sources: [String: String] = [
        "reports": """
        <h1>CyberTipline reports</h1>
        <table id="reports"><tr><th>Report</th><th>Status</th><th>Files</th><th>NCMEC id</th><th>Drafted by</th><th>Drafted</th></tr>
        {{#reports}}<tr><td><a class="report" href="/console/reports/{{id}}">{{short}}</a></td><td>{{status}}</td><td>{{items}}</td>
        <td>{{ncmec}}</td><td>{{createdBy}}</td><td>{{createdAt}}</td></tr>{{/reports}}
        </table>{{^reports}}<p>No reports yet. Draft one from a confirmed item or a case.</p>{{/reports}}
        <h2>Draft from confirmed items</h2>
        <form method="post" action="/console/reports"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Item ids <input name="items" required></label><button id="draft">Draft report</button></form>
        """,
        "report": """
        <h1>Report {{id}}</h1>
        <dl><dt>Status</dt><dd id="report-status">{{status}}</dd><dt>NCMEC report id</dt><dd id="ncmec">{{ncmec}}</dd>
        <dt>Drafted by</dt><dd>{{createdBy}}</dd><dt>Submitted by</dt><dd>{{submittedBy}}</dd><dt>Attempts</dt><dd>{{attempts}}</dd>
        <dt>Reporter</dt><dd>{{reporterName}} &lt;{{reporterEmail}}&gt;</dd><dt>Incident time</dt><dd>{{incidentTime}}</dd></dl>
        {{#lastError}}<p class="message" id="last-error">{{lastError}}</p>{{/lastError}}
        {{#hasProblems}}<h2>Problems (fix before submitting)</h2>{{/hasProblems}}<ul id="problems">{{#problems}}<li>{{.}}</li>{{/problems}}</ul>
        <h2>Files</h2><table id="files"><tr><th>Item</th><th>File name</th><th>MD5</th><th>Viewed by us</th><th>Class</th><th>Annotations</th><th>Why</th></tr>
        {{#files}}<tr><td><a href="/console/items/{{item}}">{{item}}</a></td><td>{{name}}</td><td>{{md5}}</td><td>{{viewed}}</td>
        <td>{{classification}}</td><td>{{annotations}}</td><td>{{evidence}}</td></tr>{{/files}}</table>
        {{#editable}}<h2>Details</h2>
        <form method="post" action="/console/reports/{{id}}/details"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Incident type <select name="incident_type">{{#incidentTypes}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/incidentTypes}}</select></label>
        <label>Incident time <input name="incident_time" value="{{incidentTime}}"></label>
        <label>Account id <input name="esp_identifier" value="{{espIdentifier}}"></label>
        <label>Screen name <input name="screen_name" value="{{screenName}}"></label>
        <label>Account email <input name="reported_email" value="{{reportedEmail}}"></label>
        <label>Upload IP <input name="ip_address" value="{{ipAddress}}"></label>
        <label>Upload IP time <input name="ip_time" value="{{ipTime}}"></label>
        <label>URL <input name="url" value="{{url}}"></label>
        <button id="save">Save</button></form>
        {{#lead}}<form method="post" action="/console/reports/{{id}}/submit"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="submit">Submit to the CyberTipline</button></form>{{/lead}}{{/editable}}
        <h2>XML to be sent</h2><pre id="xml">{{xml}}</pre>
        {{#receipt}}<h2>NCMEC's receipt</h2><pre id="receipt">{{receipt}}</pre>{{/receipt}}
        """,
    ]
}
