import Foundation
import Hummingbird
import VigilStore
import VigilTakedown

/// The console's takedown page: every notice with its state, times and last problem; analysts
/// approve or reject candidates (public reports, matched URL scans) and enter URLs by hand.
/// URLs are shown as text, never as links.
extension ConsoleRoutes {
    func registerTakedowns(on console: RouterGroup<VigilRequestContext>) {
        console.get("takedowns") { request, _ in
            try await guarded(request) { s, _ in try takedownsPage(s, message: nil) }
        }
        console.post("takedowns") { request, _ in
            try await guarded(request) { s, form in
                let text = (form["url"] ?? "").trimmingCharacters(in: .whitespaces)
                guard text.utf8.count <= 8192, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
                else { throw StoreError(.invalid, "the URL must be an absolute http or https URL") }
                let contact = try Self.optionalEmail(form["contact"], "the abuse contact")
                let escalation = try Self.optionalEmail(form["escalation_contact"], "the escalation contact")
                let record = try store.createTakedown(
                    TakedownDraft(
                        url: url.absoluteString, host: host, source: .analyst, status: .pending, contact: contact,
                        escalationContact: escalation, createdBy: s.user.actor))
                return try takedownsPage(s, message: "Takedown \(record.caseRef) queued.")
            }
        }
        console.post("takedowns/:id/review") { request, context in
            try await guarded(request) { s, form in
                guard let id = context.parameters.get("id"), id.count <= 64 else {
                    throw StoreError(.notFound, "no such takedown")
                }
                let approve = form["decision"] == "approve"
                let record = try store.reviewTakedown(
                    id: id, approve: approve, contact: try Self.optionalEmail(form["contact"], "the abuse contact"),
                    escalationContact: try Self.optionalEmail(form["escalation_contact"], "the escalation contact"),
                    by: s.user.actor)
                return try takedownsPage(s, message: "Takedown \(record.caseRef) \(approve ? "approved" : "rejected").")
            }
        }
    }

    private static func optionalEmail(_ text: String?, _ what: String) throws(StoreError) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard EmailAddress.isValid(text) else { throw StoreError(.invalid, "\(what) must be an email address") }
        return text
    }

    private func takedownsPage(_ session: ConsoleSession, message: String?) throws -> Response {
        func time(_ t: Double?) -> String { t.map { Timestamp.string(Date(timeIntervalSince1970: $0)) } ?? "" }
        let rows: [[String: Any]] = try store.takedowns(limit: 200).map { r in
            [
                "id": r.id, "caseRef": r.caseRef, "url": r.url, "host": r.host, "source": r.source.rawValue,
                "status": r.status.rawValue, "contact": r.contact ?? "", "description": r.description ?? "",
                "created": time(r.createdAt), "sent": time(r.sentAt), "removed": time(r.removedAt),
                "ttr": r.timeToRemoval.map { TransparencyReport.duration($0) } ?? "", "checks": String(r.checks),
                "problem": r.lastError ?? "", "candidate": r.status == .candidate,
            ]
        }
        return try page("Takedowns", "takedowns", ["takedowns": rows], session, message: message)
    }
}

/// The takedown page's template (merged into the console's library).
enum TakedownTemplates {
    static let sources: [String: String] = [
        "takedowns": """
        <h1>Takedown notices</h1>
        <table id="takedowns"><tr><th>Case</th><th>URL (do not open)</th><th>Source</th><th>Status</th><th>Contact</th>
        <th>Created</th><th>Sent</th><th>Removed</th><th>Time to removal</th><th>Checks</th><th>Problem</th><th></th></tr>
        {{#takedowns}}<tr class="takedown"><td>{{caseRef}}</td><td><code>{{url}}</code><br><small>{{description}}</small></td>
        <td>{{source}}</td><td class="status">{{status}}</td><td>{{contact}}</td><td>{{created}}</td><td>{{sent}}</td>
        <td>{{removed}}</td><td>{{ttr}}</td><td>{{checks}}</td><td>{{problem}}</td><td>{{#candidate}}
        <form method="post" action="/console/takedowns/{{id}}/review"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="decision" value="approve"><input name="contact" placeholder="abuse contact (optional)">
        <button class="approve">Approve</button></form>
        <form method="post" action="/console/takedowns/{{id}}/review"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="decision" value="reject"><button class="reject">Reject</button></form>{{/candidate}}</td></tr>{{/takedowns}}
        </table>{{^takedowns}}<p>No takedowns yet.</p>{{/takedowns}}
        <h2>Enter a URL</h2>
        <form method="post" action="/console/takedowns"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>URL <input name="url" required></label>
        <label>Abuse contact (optional: otherwise DNS and RDAP) <input name="contact"></label>
        <label>Escalation contact (optional) <input name="escalation_contact"></label>
        <button id="add-takedown">Queue notice</button></form>
        """
    ]
}
