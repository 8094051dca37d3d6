import Crypto
import Foundation
import Logging
import Synchronization
import Testing
import VigilCore
import VigilHashing
import VigilStore
import VigilTakedown

let shaA = String(repeating: "a1", count: 32)
let shaB = String(repeating: "b2", count: 32)
let pdqA = String(repeating: "0f", count: 32)
/// pdqA with 8 bits flipped (within the threshold), and with 128 flipped (another picture).
let pdqNear = "ff" + String(repeating: "0f", count: 31)
let pdqFar = String(repeating: "f0", count: 32)

@Test(
    "removal decisions: 404/410/451 and a vanished host are removed, other statuses and errors wait, content is compared",
    arguments: [
        (ProbeResult.status(404), CheckOutcome.removed, "http_404"), (.status(410), .removed, "http_410"),
        (.status(451), .removed, "http_451"), (.status(503), .unreachable, "http_503"),
        (.status(403), .unreachable, "http_403"), (.unresolvable, .removed, "dns_gone"),
        (.failed("fetch_timeout"), .unreachable, "fetch_timeout"),
        (.content(sha256: shaA, pdq: pdqA), .present, "same_sha256"),
        (.content(sha256: shaB, pdq: pdqNear), .present, "pdq_within_threshold"),
        (.content(sha256: shaB, pdq: pdqFar), .changed, "content_changed"),
        (.content(sha256: shaB, pdq: nil), .changed, "content_changed"),
    ])
func removalDecisions(probe: ProbeResult, outcome: CheckOutcome, detail: String) {
    let check = RemovalDecision.check(probe, sha256: shaA, pdq: pdqA, threshold: 31, at: 100)
    #expect(check.outcome == outcome)
    #expect(check.detail == detail)
    #expect(check.at == 100)
}

@Test("without a first-seen hash, served content counts as present")
func removalWithoutBaseline() {
    #expect(
        RemovalDecision.check(.content(sha256: shaB, pdq: nil), sha256: nil, pdq: nil, threshold: 31, at: 1).outcome == .present)
}

@Test(
    "nearest-rank percentiles",
    arguments: [
        ([Double](), 50.0, Double?.none), ([5], 50, 5), ([5], 90, 5), ([1, 2, 3, 4], 50, 2), ([4, 3, 2, 1], 90, 4),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5),
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 90, 100),
    ])
func percentiles(values: [Double], p: Double, expected: Double?) {
    #expect(Percentile.nearestRank(values, p) == expected)
}

@Test("the proof of work: a solution passes once; forged, reused, insufficient and hasty submissions are refused")
func proofOfWork() throws {
    let work = ProofOfWork(secret: Array("k".utf8), bits: 10, minimumFillSeconds: 3)
    let now = 1_000_000.0
    let challenge = work.challenge(now: now)
    let solution = try #require(ProofOfWork.solve(challenge, bits: 10))
    #expect(work.verify(challenge, solution: solution, now: now + 1) == nil)
    #expect(work.verify(challenge, solution: solution, now: now + 1) == .reused)
    let other = work.challenge(now: now)
    let wrong = try #require(
        (0..<10_000).map(String.init).first {
            ProofOfWork.leadingZeroBits(SHA256.hash(data: Array("\(other):\($0)".utf8))) < 10
        })
    #expect(work.verify(other, solution: wrong, now: now + 1) == .insufficient)
    #expect(work.verify(other, solution: nil, now: now + 1) == .tooFast, "no-JS submissions need the minimum fill time")
    #expect(work.verify(other, solution: nil, now: now + 5) == nil)
    var parts = work.challenge(now: now).split(separator: ".").map(String.init)
    parts[3] = "0"
    #expect(work.verify(parts.joined(separator: "."), solution: "0", now: now) == .forged, "the difficulty is signed")
    #expect(work.verify("v1.x", solution: "1", now: now) == .malformed)
    let late = work.challenge(now: now)
    #expect(work.verify(late, solution: ProofOfWork.solve(late, bits: 10), now: now + 7200) == .expired)
    let elsewhere = ProofOfWork(secret: Array("other".utf8), bits: 10)
    let foreign = elsewhere.challenge(now: now)
    #expect(work.verify(foreign, solution: ProofOfWork.solve(foreign, bits: 10), now: now) == .forged)
}

@Test("RDAP: the abuse entity's email is found at any depth; other roles are ignored")
func rdapParsing() throws {
    let text = """
        {"objectClassName":"ip network","entities":[
          {"roles":["registrant"],"vcardArray":["vcard",[["version",{},"text","4.0"],["email",{},"text","owner@net.test"]]],
           "entities":[{"roles":["abuse"],"vcardArray":["vcard",[["fn",{},"text","Abuse"],["email",{},"text","abuse@net.test"]]]}]}
        ]}
        """
    let json = try JSONSerialization.jsonObject(with: Data(text.utf8))
    #expect(RDAPResponse.abuseEmail(json) == "abuse@net.test")
    let none = try JSONSerialization.jsonObject(with: Data(#"{"entities":[{"roles":["technical"]}]}"#.utf8))
    #expect(RDAPResponse.abuseEmail(none) == nil)
    #expect(RDAPResponse.abuseEmail(["entities": "junk"]) == nil)
}

/// Scripted I/O for the monitor: the probe answers in turn, sent mail is collected.
final class Scripted: Sendable {
    let answers: Mutex<[ProbeResult]>
    let mail = Mutex<[(String, [String])]>([])
    init(_ answers: [ProbeResult]) { self.answers = Mutex(answers) }

    func probe(_ url: String) -> ProbeResult {
        answers.withLock { $0.isEmpty ? .failed("no script") : $0.removeFirst() }
    }
}

func monitor(_ store: SQLiteBankStore, _ scripted: Scripted, escalateAfterDays: Double = 3) -> TakedownMonitor {
    TakedownMonitor(
        store: store,
        settings: TakedownSettings(
            smtp: SMTPSettings(host: "127.0.0.1", from: "notices@hotline.test"), rdapBase: nil, recheckSeconds: 3600,
            escalateAfterDays: escalateAfterDays, escalationContact: "lead@registry.test", organisation: "Test Hotline"),
        probe: { scripted.probe($0) }, finder: AbuseContactFinder(resolve: { _ in [] }, rdap: nil), webhookTargets: [],
        logger: Logger(label: "test"), mail: { message, to in scripted.mail.withLock { $0.append((message, to)) } })
}

@Test("a notice is sent with the baseline hashes, re-checked until removed, and the time to removal recorded")
func noticeLifecycle() async throws {
    let store = try SQLiteBankStore()
    let scripted = Scripted([
        .content(sha256: shaA, pdq: pdqA), .content(sha256: shaA, pdq: pdqA), .content(sha256: shaB, pdq: pdqNear),
        .status(404),
    ])
    let m = monitor(store, scripted)
    let t0 = 2_000_000_000.0
    let created = try store.createTakedown(
        TakedownDraft(
            url: "http://host.test/x.png", host: "host.test", source: .api, status: .pending, contact: "abuse@host.test",
            createdBy: "key:t"), now: t0)
    #expect(await m.runDue(now: t0) == 1)
    var record = try #require(try store.takedown(id: created.id))
    #expect(record.status == .sent)
    #expect(record.sha256 == shaA && record.pdq == pdqA, "the baseline is taken when the notice goes out")
    let sent = scripted.mail.withLock { $0 }
    #expect(sent.count == 1)
    #expect(sent.first?.1 == ["abuse@host.test"])
    #expect(sent.first?.0.contains(created.caseRef) == true)
    #expect(await m.runDue(now: t0 + 1800) == 0, "not due before the re-check interval")
    #expect(await m.runDue(now: t0 + 3600) == 1)
    #expect(try store.takedown(id: created.id)?.status == .sent, "the same bytes: still present")
    #expect(await m.runDue(now: t0 + 7200) == 1)
    #expect(try store.takedown(id: created.id)?.status == .sent, "a re-encode within the PDQ threshold: still present")
    #expect(await m.runDue(now: t0 + 10_800) == 1)
    record = try #require(try store.takedown(id: created.id))
    #expect(record.status == .removed)
    #expect(record.removalReason == "http_404")
    #expect(record.timeToRemoval == 10_800)
    let checks = try store.takedownChecks(id: created.id)
    #expect(checks.map(\.outcome) == [.removed, .present, .present])
    let actions = try store.auditEntries(after: 0, limit: 100).map(\.action)
    #expect(actions.contains("takedown.sent") && actions.contains("takedown.removed"))
    #expect(try store.transparencyReport(now: Date(timeIntervalSince1970: t0)).removals.medianSeconds == 10_800)
}

@Test("an unanswered notice escalates once after N days, to the escalation contact, and is audited")
func escalation() async throws {
    let store = try SQLiteBankStore()
    let present = ProbeResult.content(sha256: shaA, pdq: pdqA)
    let scripted = Scripted([present, present, present, present, .content(sha256: shaB, pdq: pdqFar)])
    let m = monitor(store, scripted, escalateAfterDays: 1)
    let t0 = 2_000_000_000.0
    let created = try store.createTakedown(
        TakedownDraft(
            url: "http://host.test/y.png", host: "host.test", source: .api, status: .pending, contact: "abuse@host.test",
            createdBy: "key:t"), now: t0)
    await m.runDue(now: t0)
    await m.runDue(now: t0 + 3600)
    #expect(try store.takedown(id: created.id)?.status == .sent)
    await m.runDue(now: t0 + 86_400)
    let record = try #require(try store.takedown(id: created.id))
    #expect(record.status == .escalated)
    #expect(record.escalationContact == "lead@registry.test")
    let mail = scripted.mail.withLock { $0 }
    #expect(mail.count == 2)
    #expect(mail.last?.1 == ["lead@registry.test"])
    #expect(mail.last?.0.contains("Subject: ESCALATION: ") == true)
    await m.runDue(now: t0 + 90_000)
    #expect(scripted.mail.withLock { $0.count } == 2, "escalation happens once")
    await m.runDue(now: t0 + 93_600)
    let removed = try #require(try store.takedown(id: created.id))
    #expect(removed.status == .removed && removed.removalReason == "content_changed")
    #expect(removed.timeToRemoval == 93_600)
    #expect(try store.auditEntries(after: 0, limit: 100).filter { $0.action == "takedown.escalated" }.count == 1)
}

@Test("without an abuse contact the notice waits with a clear problem; a candidate is not sent until approved")
func contactsAndCandidates() async throws {
    let store = try SQLiteBankStore()
    let scripted = Scripted([.content(sha256: shaA, pdq: nil), .content(sha256: shaA, pdq: nil)])
    let m = monitor(store, scripted)
    let t0 = 2_000_000_000.0
    let waiting = try store.createTakedown(
        TakedownDraft(url: "http://h.test/", host: "h.test", source: .analyst, status: .pending, createdBy: "user:a"), now: t0)
    let candidate = try store.createTakedown(
        TakedownDraft(url: "http://c.test/", host: "c.test", source: .publicReport, status: .candidate, createdBy: "public"),
        now: t0)
    await m.runDue(now: t0)
    let record = try #require(try store.takedown(id: waiting.id))
    #expect(record.status == .pending)
    #expect(record.lastError?.contains("no abuse contact") == true)
    #expect(try store.takedown(id: candidate.id)?.status == .candidate)
    #expect(scripted.mail.withLock { $0.isEmpty })
    _ = try store.reviewTakedown(id: candidate.id, approve: true, contact: "abuse@c.test", by: "user:a", now: t0 + 1)
    await m.runDue(now: t0 + 2)
    #expect(try store.takedown(id: candidate.id)?.status == .sent)
    #expect(throws: StoreError.self) {
        try store.reviewTakedown(id: candidate.id, approve: false, contact: nil, by: "user:a")
    }
}

@Test("transparency counts scans, matches by bank, decisions, reports, notices, removals and exposure by month")
func transparencyCounts() throws {
    let store = try SQLiteBankStore()
    let now = Date()
    for (i, banks) in [["known"], ["known", "other"], []].enumerated() {
        let id = "scan-\(i)"
        _ = try store.submitScan(ScanSubmission(id: id, keyID: nil, idempotencyKey: nil, fingerprint: id, asynchronous: false))
        let review: ReviewItemDraft? =
            banks.isEmpty
            ? nil
            : ReviewItemDraft(
                id: "item-\(i)", scanID: id, evidenceID: nil, verdict: "review", category: nil, confidence: 1, pdq: nil,
                filename: nil,
                signals: JSONValue.array(banks.map { .object([("type", .string("hash_match")), ("bank", .string($0))]) })
                    .serialized)
        try store.complete(
            ScanCompletion(
                id: id, status: .done, result: "{}",
                audit: AuditDraft(
                    actor: "key:t", action: banks.isEmpty ? "scan.allow" : "scan.review", subject: id,
                    detail: JSONValue.object([("banks", .array(banks.map(JSONValue.string)))]).serialized), review: review))
    }
    let user = try store.createUser(name: "ana", role: .analyst, passwordHash: "x", by: "test")
    let t = now.timeIntervalSince1970
    _ = try store.reveal(itemID: "item-0", user: user, dailyCap: 10, now: t)
    _ = try store.claim(itemID: "item-0", user: user, seconds: 60, now: t)
    _ = try store.decide(itemID: "item-0", user: user, decision: .confirm(category: "A1"), now: t)
    _ = try store.claim(itemID: "item-1", user: user, seconds: 60, now: t)
    _ = try store.decide(itemID: "item-1", user: user, decision: .falsePositive(negativeBank: nil), now: t)
    try store.appendAudit(AuditDraft(actor: "user:ana", action: "report.submitted", subject: "r1"))
    let takedown = try store.createTakedown(
        TakedownDraft(url: "http://h.test/", host: "h.test", source: .api, status: .pending, contact: "a@h.test", createdBy: "k"),
        now: t - 500)
    try store.markTakedownSent(
        id: takedown.id, contact: "a@h.test", contactSource: "manual", sha256: shaA, pdq: nil, events: [], now: t - 400,
        nextCheck: t)
    try store.recordTakedownCheck(
        id: takedown.id, TakedownCheck(at: t - 100, outcome: .removed, detail: "http_404"), nextCheck: t)

    let report = try store.transparencyReport(months: 3, now: now)
    #expect(report.months.count == 3)
    let month = try #require(report.months.last)
    #expect(month.scans == 3)
    #expect(month.matchesByBank == ["known": 2, "other": 1])
    #expect(month.confirmed == 1 && month.falsePositives == 1)
    #expect(month.reportsFiled == 1)
    #expect(month.noticesSent == 1)
    #expect(month.removals.count == 1 && month.removals.medianSeconds == 300 && month.removals.p90Seconds == 300)
    #expect(month.reveals == 1 && month.reviewers == 1)
    let known = try #require(report.banks.first { $0.bank == "known" })
    #expect(known.confirmed == 1 && known.falsePositives == 1 && known.falsePositiveRate == 0.5)
    let other = try #require(report.banks.first { $0.bank == "other" })
    #expect(other.confirmed == 0 && other.falsePositiveRate == 1)
    #expect(report.totals.scans == 3)
    let json = report.json.serialized
    #expect(json.contains("\"notices_sent\":1") && json.contains("\"median_seconds\":300"))
    let html = report.html(stylesheet: "/s.css")
    #expect(html.contains("<svg") && !html.contains("<script"))
}
