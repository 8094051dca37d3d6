import AsyncHTTPClient
import Foundation
import Logging
import Testing
import VigilReporting
import VigilStore

/// Integration tests of the outbox against the local CyberTipline double (a separate Python
/// process that checks Basic auth, validates every XML body with `xmllint --schema` against the
/// fixture, keeps the report life cycle, and injects response codes).
@Suite("CyberTipline outbox against the test double", .serialized)
struct OutboxTests {
    /// A seeded store, the double, a client and an outbox wired together.
    final class Rig: @unchecked Sendable {
        let seeded: SeededStore
        let double: CyberTipDouble
        let http: HTTPClient
        var outbox: CyberTipOutbox
        let desk: CyberTipDesk

        init(password: String = CyberTipDouble.password, reporter: CyberTipReport.Reporter = reporter) throws {
            seeded = try SeededStore()
            double = try CyberTipDouble()
            // The process-wide client: never shut down, so no test can leak one.
            http = HTTPClient.shared
            let credentials = CyberTipCredentials(baseURL: double.baseURL, username: CyberTipDouble.user, password: password)
            outbox = CyberTipOutbox(
                store: seeded.store, vault: seeded.vault, client: CyberTipClient(credentials: credentials, client: http),
                logger: Logger(label: "test"))
            outbox.backoff = { _ in 0 }
            desk = CyberTipDesk(store: seeded.store, reporter: reporter)
        }

        var client: CyberTipClient {
            CyberTipClient(
                credentials: CyberTipCredentials(
                    baseURL: double.baseURL, username: CyberTipDouble.user, password: CyberTipDouble.password), client: http)
        }

        /// Two confirmed items (one revealed, one AI-generated and never revealed), drafted and submitted.
        func submittedReport() throws -> ReportRecord {
            let a = try seeded.confirmedItem(seed: 1, reveal: true)
            let b = try seeded.confirmedItem(seed: 2, reveal: false, synthetic: true, category: "B1")
            let draft = try desk.draft(
                itemIDs: [a, b], caseID: nil,
                details: DraftDetails(
                    reported: .init(
                        espIdentifier: "acct-9", screenName: "uploader",
                        ipCaptureEvents: [.init(ipAddress: "198.51.100.4", eventName: .upload, dateTime: "2026-11-20T10:00:00Z")])
                ),
                by: "user:ana")
            return try desk.submit(id: draft.id, by: seeded.lead.actor)
        }

        func current(_ id: String) throws -> ReportRecord { try seeded.store.report(id: id)! }

        func close() {
            double.stop()
            seeded.cleanUp()
        }
    }

    @Test("happy path: submit, upload, fileinfo, finish; NCMEC's id and receipt stored, evidence held, audited")
    func happyPath() async throws {
        let rig = try Rig()
        defer { rig.close() }
        #expect(try await rig.client.status().code == 0)
        let report = try rig.submittedReport()
        #expect(report.status == .queued)
        #expect(await rig.outbox.send(report) == .finished)

        let state = try rig.double.state()
        #expect(state.invalid.isEmpty, "\(state.invalid.map(\.message))")
        #expect(state.finished.count == 1)
        let filed = try #require(state.reports[state.finished[0]])
        #expect(filed.files.count == 2)
        #expect(filed.xml.contains("<espIdentifier>acct-9</espIdentifier>"))
        #expect(filed.xml.contains("<email>safety@example.org</email>"))
        let details = filed.files.values.compactMap(\.details)
        #expect(details.count == 2)
        // The revealed item was viewed; the other was not, and is annotated generativeAi (its C2PA signal).
        let viewed = try #require(details.first { $0.contains("<originalFileName>upload-1.png</originalFileName>") })
        let synthetic = try #require(details.first { $0.contains("<originalFileName>upload-2.png</originalFileName>") })
        #expect(viewed.contains("<fileViewedByEsp>true</fileViewedByEsp>"))
        #expect(viewed.contains("<industryClassification>A1</industryClassification>"))
        #expect(!viewed.contains("generativeAi"))
        #expect(synthetic.contains("<fileViewedByEsp>false</fileViewedByEsp>"))
        #expect(synthetic.contains("<generativeAi/>"))
        #expect(synthetic.contains("<industryClassification>B1</industryClassification>"))
        // NCMEC's MD5 of the uploaded bytes is the one we declared.
        for file in filed.files.values { #expect(file.details?.contains(file.md5) == true) }

        let stored = try rig.current(report.id)
        #expect(stored.status == .finished)
        #expect(stored.ncmecReportID == state.finished[0])
        #expect(stored.receipt?.contains("<responseCode>0</responseCode>") == true)
        // Preservation: the reported evidence is on legal hold (the sweeper cannot delete it).
        #expect(throws: StoreError.self) { try rig.seeded.store.deleteEvidence(id: "evidence-1", by: "test") }
        let actions = try rig.seeded.store.auditEntries(after: 0, limit: 500).map(\.action)
        for action in ["report.drafted", "report.queued", "report.submitted"] { #expect(actions.contains(action)) }
        #expect(try rig.seeded.store.verifyAudit().intact)
    }

    struct Injected: Sendable, CustomTestStringConvertible {
        var endpoint: String
        var code: Int
        /// The status after the first attempt.
        var first: ReportStatus
        /// The status after a second attempt (the fault is gone), or nil to stop after the first.
        var second: ReportStatus?
        /// Finished reports the double holds at the end.
        var finished: Int
        var testDescription: String { "\(code) at /\(endpoint)" }
    }

    @Test(
        "each response code is handled",
        arguments: [
            // Server and save failures: retried; a report opened before the failure is retracted first.
            Injected(endpoint: "submit", code: 1000, first: .queued, second: .finished, finished: 1),
            Injected(endpoint: "upload", code: 1100, first: .queued, second: .finished, finished: 1),
            Injected(endpoint: "fileinfo", code: 1110, first: .queued, second: .finished, finished: 1),
            Injected(endpoint: "finish", code: 1111, first: .queued, second: .finished, finished: 1),
            Injected(endpoint: "upload", code: 500, first: .queued, second: .finished, finished: 1),
            // Authentication: the report is blocked, nothing more is sent.
            Injected(endpoint: "submit", code: 2000, first: .blocked, second: nil, finished: 0),
            Injected(endpoint: "finish", code: 3000, first: .blocked, second: nil, finished: 0),
            // The draft is invalid: failed, for a person to fix.
            Injected(endpoint: "submit", code: 4000, first: .failed, second: nil, finished: 0),
            Injected(endpoint: "fileinfo", code: 4100, first: .failed, second: nil, finished: 0),
            Injected(endpoint: "submit", code: 4110, first: .failed, second: nil, finished: 0),
            // The report or file vanished (expired): start over.
            Injected(endpoint: "upload", code: 5001, first: .queued, second: .finished, finished: 1),
            Injected(endpoint: "fileinfo", code: 5002, first: .queued, second: .finished, finished: 1),
            // Retracted under us: start over. Already finished: done.
            Injected(endpoint: "finish", code: 5101, first: .queued, second: .finished, finished: 1),
            Injected(endpoint: "finish", code: 5102, first: .finished, second: nil, finished: 0),
        ])
    func responseCodes(_ injected: Injected) async throws {
        let rig = try Rig()
        defer { rig.close() }
        let report = try rig.submittedReport()
        try rig.double.fail(injected.endpoint, code: injected.code)
        #expect(await rig.outbox.send(report) == injected.first)
        var stored = try rig.current(report.id)
        #expect(stored.status == injected.first)
        if injected.first != .finished {
            #expect(stored.lastError?.contains(String(injected.code)) == true || injected.code == 500)
        }
        if let second = injected.second {
            #expect(await rig.outbox.send(stored) == second)
            stored = try rig.current(report.id)
        }
        let state = try rig.double.state()
        #expect(state.finished.count == injected.finished)
        #expect(state.invalid.isEmpty)
        // Never an unfinished report left open behind a finished or failed draft.
        if stored.status == .finished || stored.status == .failed {
            #expect(!state.reports.values.contains { $0.status == "open" } || injected.code == 5102)
        }
        let actions = try rig.seeded.store.auditEntries(after: 0, limit: 500).map(\.action)
        if injected.first == .failed { #expect(actions.contains("report.failed")) }
        if stored.status == .finished { #expect(actions.contains("report.submitted")) }
    }

    @Test("wrong credentials block the report and stop the outbox's pass")
    func wrongPassword() async throws {
        let rig = try Rig(password: "wrong")
        defer { rig.close() }
        let report = try rig.submittedReport()
        let pass = await rig.outbox.sendDue()
        #expect(pass.blocked)
        let stored = try rig.current(report.id)
        #expect(stored.status == .blocked)
        #expect(stored.lastError?.contains("3000") == true)
        #expect(try rig.double.state().reports.isEmpty)
        // A restart (with fixed credentials) puts it back in the queue.
        #expect(try rig.seeded.store.recoverReports(now: Date().timeIntervalSince1970) == 1)
        #expect(try rig.current(report.id).status == .queued)
    }

    @Test("crash after NCMEC finished but before we recorded it: the retry's retract answers 5102 and no second report is filed")
    func finishedThenCrashed() async throws {
        let rig = try Rig()
        defer { rig.close() }
        let report = try rig.submittedReport()
        try rig.double.fail("finish", code: 1000)
        #expect(await rig.outbox.send(report) == .queued)
        let open = try #require(try rig.current(report.id).openReportID)
        // The earlier attempt's /finish reached NCMEC; its answer was lost with the process.
        #expect(try await rig.client.finish(reportID: open).code == 0)
        #expect(try rig.seeded.store.recoverReports(now: 0) == 0)
        #expect(await rig.outbox.send(try rig.current(report.id)) == .finished)
        let state = try rig.double.state()
        #expect(state.finished == [open])
        #expect(state.reports.count == 1, "no second report was submitted")
        #expect(try rig.current(report.id).ncmecReportID == open)
    }

    @Test("crash mid-report: the unfinished report is retracted and the draft resubmitted, once")
    func crashedMidReport() async throws {
        let rig = try Rig()
        defer { rig.close() }
        let report = try rig.submittedReport()
        // Emulate a crash after /submit answered: the attempt is 'sending' with an open id.
        var sending = try rig.seeded.store.markSending(id: report.id)
        let xml = try CyberTipXML.report(try ReportDrafter.decode(sending.draft))
        let opened = try await rig.client.submit(xml)
        try rig.seeded.store.recordOpened(id: report.id, ncmecReportID: opened.reportID!)
        // Restart.
        #expect(try rig.seeded.store.recoverReports(now: Date().timeIntervalSince1970) == 1)
        sending = try rig.current(report.id)
        #expect(sending.status == .queued)
        #expect(await rig.outbox.send(sending) == .finished)
        let state = try rig.double.state()
        #expect(state.finished.count == 1)
        #expect(state.reports[opened.reportID!]?.status == "retracted")
        let actions = try rig.seeded.store.auditEntries(after: 0, limit: 500).map(\.action)
        #expect(actions.filter { $0 == "report.retracted" }.count == 1)
        #expect(actions.filter { $0 == "report.submitted" }.count == 1)
    }

    @Test("retries stop after max attempts: the report fails and is audited")
    func givesUp() async throws {
        let rig = try Rig()
        defer { rig.close() }
        rig.outbox.maxAttempts = 2
        let report = try rig.submittedReport()
        try rig.double.fail("submit", code: 1000, times: 5)
        #expect(await rig.outbox.send(report) == .queued)
        #expect(await rig.outbox.send(try rig.current(report.id)) == .failed)
        #expect(try rig.current(report.id).lastError?.contains("gave up") == true)
    }

    @Test("a draft without the reporter's email is refused at submission, naming the field; nothing is sent")
    func noReporterEmail() async throws {
        var incomplete = reporter
        incomplete.email = nil
        let rig = try Rig(reporter: incomplete)
        defer { rig.close() }
        let item = try rig.seeded.confirmedItem(seed: 3, reveal: true)
        let draft = try rig.desk.draft(itemIDs: [item], caseID: nil, details: .init(), by: "user:ana")
        #expect(CyberTipDesk.view(draft).problems.contains { $0.contains("reporter.email") })
        #expect(throws: ReportingError.self) { try rig.desk.submit(id: draft.id, by: "user:lee") }
        #expect(try rig.current(draft.id).status == .draft)
    }

    @Test("drafts come only from confirmed items; a case drafts its confirmed items")
    func draftingRules() async throws {
        let rig = try Rig()
        defer { rig.close() }
        let store = rig.seeded.store
        let confirmed = try rig.seeded.confirmedItem(seed: 4, reveal: false)
        let reviewCase = try store.createCase(title: "uploader 9", kind: "uploader", by: rig.seeded.lead)
        try store.addToCase(itemID: confirmed, caseID: reviewCase.id, by: rig.seeded.lead)
        let fromCase = try rig.desk.draft(itemIDs: nil, caseID: reviewCase.id, details: .init(), by: "user:lee")
        #expect(fromCase.itemIDs == [confirmed])
        #expect(fromCase.caseID == reviewCase.id)
        #expect(throws: StoreError.self) { try rig.desk.draft(itemIDs: ["nope"], caseID: nil, details: .init(), by: "x") }
        let empty = try store.createCase(title: "empty", kind: "account", by: rig.seeded.lead)
        #expect(throws: StoreError.self) { try rig.desk.draft(itemIDs: nil, caseID: empty.id, details: .init(), by: "x") }
    }
}
