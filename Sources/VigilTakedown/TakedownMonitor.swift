import Foundation
import Logging
import ServiceLifecycle
import VigilHashing
import VigilStore

/// How takedowns are sent, re-checked and escalated.
public struct TakedownSettings: Sendable, Codable, Equatable {
    /// Nil: email notices cannot be sent (webhook notices still can).
    public var smtp: SMTPSettings?
    /// The RDAP service queried for abuse contacts; nil: contacts only by hand.
    public var rdapBase: String?
    /// Seconds between re-checks of a sent notice's URL.
    public var recheckSeconds: Double
    /// Days after the first notice before the escalation notice goes out.
    public var escalateAfterDays: Double
    /// Where escalations go when a takedown names no escalation contact of its own.
    public var escalationContact: String?
    /// Seconds before a step that failed (no contact, relay down) is tried again.
    public var retrySeconds: Double
    /// A re-fetched image within this PDQ distance of the first-seen one is the same material.
    public var pdqThreshold: Int
    /// The sender's name in notices.
    public var organisation: String
    /// How often the monitor looks for due work.
    public var pollSeconds: Double

    public init(
        smtp: SMTPSettings? = nil, rdapBase: String? = "https://rdap.org", recheckSeconds: Double = 6 * 3600,
        escalateAfterDays: Double = 3, escalationContact: String? = nil, retrySeconds: Double = 900, pdqThreshold: Int = 31,
        organisation: String = "Vigil", pollSeconds: Double = 5
    ) {
        self.smtp = smtp
        self.rdapBase = rdapBase
        self.recheckSeconds = recheckSeconds
        self.escalateAfterDays = escalateAfterDays
        self.escalationContact = escalationContact
        self.retrySeconds = retrySeconds
        self.pdqThreshold = pdqThreshold
        self.organisation = organisation
        self.pollSeconds = pollSeconds
    }

    enum CodingKeys: String, CodingKey {
        case smtp, organisation
        case rdapBase = "rdap_base", recheckSeconds = "recheck_seconds", escalateAfterDays = "escalate_after_days"
        case escalationContact = "escalation_contact", retrySeconds = "retry_seconds", pdqThreshold = "pdq_threshold"
        case pollSeconds = "poll_seconds"
    }

    /// Missing fields keep their defaults; `"rdap_base": null` turns RDAP off.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TakedownSettings()
        smtp = try c.decodeIfPresent(SMTPSettings.self, forKey: .smtp)
        rdapBase = c.contains(.rdapBase) ? try c.decodeIfPresent(String.self, forKey: .rdapBase) : d.rdapBase
        recheckSeconds = try c.decodeIfPresent(Double.self, forKey: .recheckSeconds) ?? d.recheckSeconds
        escalateAfterDays = try c.decodeIfPresent(Double.self, forKey: .escalateAfterDays) ?? d.escalateAfterDays
        escalationContact = try c.decodeIfPresent(String.self, forKey: .escalationContact)
        retrySeconds = try c.decodeIfPresent(Double.self, forKey: .retrySeconds) ?? d.retrySeconds
        pdqThreshold = try c.decodeIfPresent(Int.self, forKey: .pdqThreshold) ?? d.pdqThreshold
        organisation = try c.decodeIfPresent(String.self, forKey: .organisation) ?? d.organisation
        pollSeconds = try c.decodeIfPresent(Double.self, forKey: .pollSeconds) ?? d.pollSeconds
    }

    /// A message naming the first bad setting, or nil.
    public func problem() -> String? {
        guard recheckSeconds > 0, retrySeconds > 0, pollSeconds > 0, escalateAfterDays > 0 else {
            return "takedown intervals must be positive"
        }
        guard (0...256).contains(pdqThreshold) else { return "takedown.pdq_threshold must be 0–256" }
        if let smtp {
            guard EmailAddress.isValid(smtp.from), (1...65_535).contains(smtp.port), !smtp.host.isEmpty else {
                return "takedown.smtp needs a host, a port 1–65535 and a valid from address"
            }
        }
        if let contact = escalationContact, !EmailAddress.isValid(contact) {
            return "takedown.escalation_contact must be an email address"
        }
        if let base = rdapBase, !(base.hasPrefix("https://") || base.hasPrefix("http://")) {
            return "takedown.rdap_base must be an http(s) URL"
        }
        return nil
    }
}

/// What fetching a takedown's URL found.
public enum ProbeResult: Sendable, Equatable {
    /// Media was served and hashed (PDQ nil when it is not a decodable image).
    case content(sha256: String, pdq: String?)
    /// A non-2xx answer.
    case status(Int)
    /// The host no longer resolves.
    case unresolvable
    /// No decisive answer (timeout, connection refused, refused by the SSRF checks…).
    case failed(String)
}

/// Decides what a re-check means. Pure: tested without I/O.
public enum RemovalDecision {
    /// 404 and 410 (gone), 451 (blocked for legal reasons), a host that no longer resolves, or
    /// different content: removed. The same SHA-256, or a PDQ within `threshold` of the first-seen
    /// hash (a re-encode), is still present. Anything else is decided later.
    public static func check(_ probe: ProbeResult, sha256: String?, pdq: String?, threshold: Int, at: Double) -> TakedownCheck {
        switch probe {
        case .status(let code) where [404, 410, 451].contains(code):
            return TakedownCheck(at: at, outcome: .removed, httpStatus: code, detail: "http_\(code)")
        case .status(let code):
            return TakedownCheck(at: at, outcome: .unreachable, httpStatus: code, detail: "http_\(code)")
        case .unresolvable:
            return TakedownCheck(at: at, outcome: .removed, detail: "dns_gone")
        case .failed(let why):
            return TakedownCheck(at: at, outcome: .unreachable, detail: why)
        case .content(let newSHA, let newPDQ):
            if let sha256, sha256 == newSHA {
                return TakedownCheck(at: at, outcome: .present, httpStatus: 200, sha256: newSHA, detail: "same_sha256")
            }
            var distance: Int?
            if let a = pdq.flatMap({ PDQHash(hex: $0) }), let b = newPDQ.flatMap({ PDQHash(hex: $0) }) {
                distance = a.distance(to: b)
            }
            if let distance, distance <= threshold {
                return TakedownCheck(
                    at: at, outcome: .present, httpStatus: 200, sha256: newSHA, pdqDistance: distance,
                    detail: "pdq_within_threshold")
            }
            // Without any first-seen hash nothing can be compared: the content is taken as present.
            if sha256 == nil && pdq == nil {
                return TakedownCheck(at: at, outcome: .present, httpStatus: 200, sha256: newSHA, detail: "no_baseline")
            }
            return TakedownCheck(
                at: at, outcome: .changed, httpStatus: 200, sha256: newSHA, pdqDistance: distance, detail: "content_changed")
        }
    }
}

/// Sends notices, re-checks their URLs and escalates, over the takedown table. Its I/O is
/// injected: the server gives it the SSRF-safe fetcher with the scan hasher (`probe`), the
/// abuse-contact finder, the SMTP client and the webhook targets.
public struct TakedownMonitor: Sendable {
    public let store: SQLiteBankStore
    public let settings: TakedownSettings
    public let probe: @Sendable (String) async -> ProbeResult
    public let finder: AbuseContactFinder
    /// Webhook target names that exist.
    public let webhookTargets: Set<String>
    public let logger: Logger
    /// Sends one email (message, recipients); the default uses `SMTPClient`.
    public let mail: @Sendable (String, [String]) async throws -> Void

    public init(
        store: SQLiteBankStore, settings: TakedownSettings, probe: @escaping @Sendable (String) async -> ProbeResult,
        finder: AbuseContactFinder, webhookTargets: Set<String>, logger: Logger,
        mail: (@Sendable (String, [String]) async throws -> Void)? = nil
    ) {
        self.store = store
        self.settings = settings
        self.probe = probe
        self.finder = finder
        self.webhookTargets = webhookTargets
        self.logger = logger
        let smtp = settings.smtp
        self.mail =
            mail ?? { message, recipients in
                guard let smtp else { throw SMTPError(stage: "config", "no SMTP relay is configured") }
                try await SMTPClient(settings: smtp).send(message, to: recipients)
            }
    }

    /// One pass over due takedowns; returns how many were worked on.
    @discardableResult
    public func runDue(now: Double = Date().timeIntervalSince1970, limit: Int = 16) async -> Int {
        let due: [TakedownRecord]
        do {
            due = try store.dueTakedowns(now: now, limit: limit)
        } catch {
            logger.error("takedown table unavailable", metadata: ["error": "\(error.code.rawValue)"])
            return 0
        }
        for record in due { await step(record, now: now) }
        return due.count
    }

    /// The next step of one takedown: send it, or re-check it (and escalate when overdue).
    public func step(_ record: TakedownRecord, now: Double) async {
        do {
            switch record.status {
            case .pending: try await send(record, now: now)
            case .sent, .escalated: try await recheck(record, now: now)
            default: return
            }
        } catch {
            let why = (error as? SMTPError)?.description ?? (error as? StoreError)?.message ?? "\(type(of: error))"
            logger.warning("takedown step failed", metadata: ["takedown": "\(record.id)", "why": "\(why)"])
            try? store.noteTakedownProblem(id: record.id, why, retryAt: now + settings.retrySeconds)
        }
    }

    private func send(_ record: TakedownRecord, now: Double) async throws {
        // The first-seen hashes, when the takedown did not come from a scan: what re-checks compare to.
        var sha256 = record.sha256, pdq = record.pdq
        if sha256 == nil {
            let baseline = await probe(record.url)
            let check = RemovalDecision.check(baseline, sha256: nil, pdq: nil, threshold: settings.pdqThreshold, at: now)
            if check.outcome == .removed {
                // Already gone before any notice: recorded, with no time to removal.
                try store.recordTakedownCheck(id: record.id, check, nextCheck: now)
                return
            }
            if case .content(let s, let p) = baseline {
                sha256 = s
                pdq = p
            }
        }
        var contact = record.contact, source = record.contactSource ?? "manual"
        if contact == nil, record.channel == .email, let found = await finder.find(host: record.host) {
            contact = found.contact
            source = found.source
        }
        guard let contact else {
            try store.noteTakedownProblem(
                id: record.id, "no abuse contact found: enter one by hand", retryAt: now + settings.retrySeconds)
            return
        }
        let notice = TakedownNotice(
            record: record, escalation: false, organisation: settings.organisation, sha256: sha256, pdq: pdq)
        let events = try await deliver(notice, channel: record.channel, to: contact, now: now)
        try store.markTakedownSent(
            id: record.id, contact: contact, contactSource: record.channel == .webhook ? "webhook" : source, sha256: sha256,
            pdq: pdq, events: events, now: now, nextCheck: now + settings.recheckSeconds)
    }

    private func recheck(_ record: TakedownRecord, now: Double) async throws {
        let check = RemovalDecision.check(
            await probe(record.url), sha256: record.sha256, pdq: record.pdq, threshold: settings.pdqThreshold, at: now)
        let next = now + settings.recheckSeconds
        try store.recordTakedownCheck(id: record.id, check, nextCheck: next)
        guard check.outcome == .present || check.outcome == .unreachable, record.status == .sent,
            let sentAt = record.sentAt, now - sentAt >= settings.escalateAfterDays * 86_400
        else { return }
        var notice = TakedownNotice(record: record, escalation: true, organisation: settings.organisation)
        notice.firstNotice = Date(timeIntervalSince1970: sentAt)
        if let contact = record.escalationContact ?? settings.escalationContact {
            let events = try await deliver(notice, channel: .email, to: contact, now: now)
            try store.markTakedownEscalated(id: record.id, contact: contact, events: events, now: now, nextCheck: next)
        } else if record.channel == .webhook, let target = record.contact {
            let events = try await deliver(notice, channel: .webhook, to: target, now: now)
            try store.markTakedownEscalated(id: record.id, contact: target, events: events, now: now, nextCheck: next)
        } else {
            try store.noteTakedownProblem(id: record.id, "overdue, but no escalation contact is configured", retryAt: next)
        }
    }

    /// Emails the notice now, or returns the webhook event to queue with the state change.
    private func deliver(_ notice: TakedownNotice, channel: TakedownChannel, to contact: String, now: Double) async throws
        -> [OutboxDraft]
    {
        switch channel {
        case .email:
            guard let smtp = settings.smtp else { throw SMTPError(stage: "config", "no SMTP relay is configured") }
            try await mail(notice.email(from: smtp.from, to: contact, now: Date(timeIntervalSince1970: now)), [contact])
            return []
        case .webhook:
            guard webhookTargets.contains(contact) else {
                throw StoreError(.invalid, "no webhook named \(contact) is configured")
            }
            let eventID = UUID().uuidString.lowercased()
            let type = notice.escalation ? "takedown.escalation" : "takedown.notice"
            return [
                OutboxDraft(
                    eventID: eventID, type: type, target: contact,
                    payload: notice.webhookPayload(eventID: eventID, now: Date(timeIntervalSince1970: now)))
            ]
        }
    }
}

/// Runs the monitor every `pollSeconds` until graceful shutdown.
public struct TakedownService: Service {
    public let monitor: TakedownMonitor

    public init(monitor: TakedownMonitor) { self.monitor = monitor }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let worked = await monitor.runDue()
            if worked == 0 { try? await Task.sleep(for: .milliseconds(Int(monitor.settings.pollSeconds * 1000))) }
        }
    }
}
