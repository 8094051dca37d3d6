import Foundation
import VigilCore
import VigilStore

/// A takedown notice: the URL, the hashes and the case reference, never the content itself.
public struct TakedownNotice: Sendable, Equatable {
    public var caseRef: String
    public var url: String
    public var host: String
    public var sha256: String?
    public var pdq: String?
    /// When the material was first reported to or seen by Vigil.
    public var firstSeen: Date
    /// True for the second notice after the first went unanswered.
    public var escalation: Bool
    /// When the first notice went out (escalations cite it).
    public var firstNotice: Date?
    /// Who sends the notice (the organisation's name).
    public var organisation: String

    public init(record: TakedownRecord, escalation: Bool, organisation: String, sha256: String? = nil, pdq: String? = nil) {
        caseRef = record.caseRef
        url = record.url
        host = record.host
        self.sha256 = sha256 ?? record.sha256
        self.pdq = pdq ?? record.pdq
        firstSeen = Date(timeIntervalSince1970: record.createdAt)
        self.escalation = escalation
        firstNotice = record.sentAt.map { Date(timeIntervalSince1970: $0) }
        self.organisation = organisation
    }

    public var subject: String {
        (escalation ? "ESCALATION: " : "") + "Abuse report \(caseRef): suspected child sexual abuse material at \(host)"
    }

    /// The plain-text body (ASCII: the URL is percent-encoded by the time it is stored).
    public var body: String {
        var lines = [
            escalation
                ? "This is an escalation of an earlier notice that has not led to removal."
                : "We have identified suspected child sexual abuse material (CSAM) hosted at the URL below.",
            "",
            "Case reference: \(caseRef)",
            "Reported URL:   \(url)",
            "Host:           \(host)",
            "First observed: \(Timestamp.string(firstSeen))",
        ]
        if let firstNotice, escalation { lines.append("First notice:   \(Timestamp.string(firstNotice))") }
        if let sha256 { lines.append("SHA-256:        \(sha256)") }
        if let pdq { lines.append("PDQ:            \(pdq)") }
        lines += [
            "",
            "No content is attached to this notice. Please remove or disable access to the material,",
            "preserve the related records as the law that applies to you requires, and do not forward",
            "the material itself. The URL is re-checked automatically; removal is recorded when it",
            "answers 404/410 or serves different content.",
            "",
            "Please reply quoting the case reference \(caseRef).",
            "",
            "-- ",
            "\(organisation) (sent by Vigil)",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The whole RFC 5322 message. Header values are checked for line breaks (no injection).
    public func email(from: String, to: String, now: Date = Date(), messageID: String = UUID().uuidString.lowercased())
        -> String
    {
        let domain = from.split(separator: "@").last.map(String.init) ?? "vigil.localhost"
        let headers: [(String, String)] = [
            ("From", from), ("To", to), ("Subject", subject), ("Date", Self.rfc5322Date(now)),
            ("Message-ID", "<\(messageID)@\(domain)>"), ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit"),
            ("Auto-Submitted", "auto-generated"), ("X-Vigil-Case", caseRef),
        ]
        var out = ""
        for (name, value) in headers {
            let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            out += "\(name): \(clean)\r\n"
        }
        return out + "\r\n" + body
    }

    /// The webhook payload of the notice.
    public func webhookPayload(eventID: String, now: Date = Date()) -> String {
        JSONValue.object([
            ("id", .string(eventID)), ("type", .string(escalation ? "takedown.escalation" : "takedown.notice")),
            ("created_at", .string(Timestamp.string(now))), ("case_ref", .string(caseRef)), ("url", .string(url)),
            ("host", .string(host)), ("hashes", .object([("sha256", JSONValue(sha256)), ("pdq", JSONValue(pdq))])),
            ("first_observed", .string(Timestamp.string(firstSeen))),
        ]).serialized
    }

    /// `Thu, 26 Nov 2026 02:19:14 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(days[c.weekday! - 1]), \(two(c.day!)) \(months[c.month! - 1]) \(c.year!) "
            + "\(two(c.hour!)):\(two(c.minute!)):\(two(c.second!)) +0000"
    }
}
