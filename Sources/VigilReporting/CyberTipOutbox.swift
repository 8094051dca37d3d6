import Foundation
import Logging
import ServiceLifecycle
import VigilStore

/// The durable CyberTipline outbox: sends queued reports through the ESP web service flow
/// (`/submit` → per file `/upload` + `/fileinfo` → `/finish`), state in the database, so a restart
/// resumes where it stopped.
///
/// Never two finished reports for one draft: NCMEC's id is stored the moment `/submit` answers,
/// and every later attempt first retracts that unfinished report (5101 already retracted and
/// 5001 unknown mean it is gone; 5102 already finished means the earlier attempt filed it, so
/// the draft is done) before submitting afresh.
///
/// Response codes: 1000/1100/1110/1111, HTTP failures and unreachable hosts retry with
/// exponential backoff up to `maxAttempts`; 2000/3000 block the report and stop the outbox until
/// a restart (an operator must fix the credentials); 4000/4100/4110 fail the draft (an analyst
/// must fix it); 5001/5002 and 5101 mid-flow start over; 5102 is success.
public struct CyberTipOutbox: Service {
    public static let actor = "service:cybertip"

    let store: any ReportStore
    let vault: EvidenceVault
    let client: CyberTipClient
    let logger: Logger
    public var pollInterval: Duration = .seconds(1)
    public var maxAttempts = 12
    /// Seconds before retry number `attempts + 1`.
    public var backoff: @Sendable (Int) -> Double = { attempts in min(3600, 5 * pow(2, Double(max(0, attempts - 1)))) }
    /// Reported evidence is kept at least this long after NCMEC files the report.
    public var retentionDays = 365

    public init(store: any ReportStore, vault: EvidenceVault, client: CyberTipClient, logger: Logger) {
        self.store = store
        self.vault = vault
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        do {
            let recovered = try store.recoverReports(now: Date().timeIntervalSince1970)
            if recovered > 0 { logger.notice("cybertip: resuming interrupted reports", metadata: ["reports": "\(recovered)"]) }
        } catch {
            logger.error("cybertip: the report outbox is unavailable")
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pass = await sendDue()
            if pass.blocked {
                logger.critical("cybertip: NCMEC refused the credentials; no report is sent until a restart with new ones")
                try? await gracefulShutdown()
                return
            }
            if pass.attempted == 0 { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) } }
        }
    }

    /// One pass over due reports: how many were attempted, and whether the credentials were refused.
    public func sendDue(now: Double = Date().timeIntervalSince1970) async -> (attempted: Int, blocked: Bool) {
        let due: [ReportRecord]
        do {
            due = try store.dueReports(now: now, limit: 8)
        } catch {
            logger.error("cybertip: the report outbox is unavailable")
            return (0, false)
        }
        for (i, report) in due.enumerated() {
            if await send(report) == .blocked { return (i + 1, true) }
        }
        return (due.count, false)
    }

    /// Why an attempt stopped.
    enum Stop: Error {
        case answered(ReportResponse, step: String)
        case failed(ReportingError, step: String)
    }

    /// One attempt at one report; returns the status it ends in.
    @discardableResult
    public func send(_ queued: ReportRecord) async -> ReportStatus {
        let report: ReportRecord
        do {
            report = try store.markSending(id: queued.id)
        } catch {
            return queued.status
        }
        var openID = report.openReportID
        do {
            let draft = try ReportDrafter.decode(report.draft)
            if let stale = openID {
                let answer = try await call("retract") { () async throws(ReportingError) in
                    try await client.retract(reportID: stale)
                }
                switch answer.outcome {
                case .ok, .alreadyRetracted, .missing:
                    try store.recordRetracted(
                        id: report.id, ncmecReportID: stale, reason: "resubmitting (\(answer.code))", by: Self.actor)
                    openID = nil
                case .alreadyFinished:
                    return try finished(report, ncmecID: stale, answer)
                default: throw Stop.answered(answer, step: "retract")
                }
            }
            let reportXML = try CyberTipXML.report(draft)
            let opened = try await expect("submit") { () async throws(ReportingError) in try await client.submit(reportXML) }
            guard let ncmecID = opened.reportID else {
                throw Stop.failed(ReportingError(.protocolError, "/submit answered no reportId"), step: "submit")
            }
            try store.recordOpened(id: report.id, ncmecReportID: ncmecID)
            openID = ncmecID
            for file in draft.files {
                let bytes = try evidenceBytes(file)
                let uploaded = try await expect("upload") { () async throws(ReportingError) in
                    try await client.upload(reportID: ncmecID, fileName: file.originalFileName, bytes: bytes)
                }
                guard let fileID = uploaded.fileID else {
                    throw Stop.failed(ReportingError(.protocolError, "/upload answered no fileId"), step: "upload")
                }
                if let hash = uploaded.hash, hash.lowercased() != file.md5.lowercased() {
                    throw Stop.failed(
                        ReportingError(.transport, "/upload: NCMEC's MD5 of file \(file.itemId) differs from ours"),
                        step: "upload")
                }
                let details = try CyberTipXML.fileDetails(reportID: ncmecID, fileID: fileID, file: file)
                _ = try await expect("fileinfo") { () async throws(ReportingError) in try await client.fileInfo(details) }
            }
            let done = try await call("finish") { () async throws(ReportingError) in try await client.finish(reportID: ncmecID) }
            guard done.outcome == .ok || done.outcome == .alreadyFinished else { throw Stop.answered(done, step: "finish") }
            return try finished(report, ncmecID: done.reportID ?? ncmecID, done)
        } catch let stop as Stop {
            return await handle(stop, report, openID: openID)
        } catch let error as StoreError {
            logger.error(
                "cybertip: cannot record progress", metadata: ["report": "\(report.id)", "error": "\(error.code.rawValue)"])
            try? store.recordRetry(
                id: report.id, retryAt: Date().timeIntervalSince1970 + backoff(report.attempts), error: "database")
            return .queued
        } catch let error as ReportingError {
            return await handle(.failed(error, step: "draft"), report, openID: openID)
        } catch {
            return await handle(.failed(ReportingError(.transport, "\(type(of: error))"), step: "send"), report, openID: openID)
        }
    }

    private func finished(_ report: ReportRecord, ncmecID: String, _ answer: ReportResponse) throws -> ReportStatus {
        let until = Timestamp.string(Date().addingTimeInterval(Double(retentionDays) * 86_400))
        try store.recordFinished(id: report.id, ncmecReportID: ncmecID, receipt: answer.raw, retainUntil: until, by: Self.actor)
        logger.notice("cybertip: report filed", metadata: ["report": "\(report.id)", "ncmec_report_id": "\(ncmecID)"])
        return .finished
    }

    private func handle(_ stop: Stop, _ report: ReportRecord, openID: String?) async -> ReportStatus {
        let message: String
        let retry: Bool
        switch stop {
        case .answered(let answer, let step):
            message = "/\(step) answered \(answer.code) \(answer.description)"
            switch answer.outcome {
            case .authentication:
                try? store.recordBlocked(id: report.id, error: message + " (check the CyberTipline credentials)")
                logger.error("cybertip: credentials refused", metadata: ["report": "\(report.id)", "code": "\(answer.code)"])
                return .blocked
            case .invalidDraft:
                return await fail(report, message + ": the draft must be corrected", openID: openID)
            case .ok, .retry, .missing, .alreadyRetracted, .alreadyFinished:
                retry = true
            }
        case .failed(let error, let step):
            message = "/\(step): \(error.message)"
            retry = error.code == .transport || error.code == .protocolError
            if !retry { return await fail(report, message, openID: openID) }
        }
        if retry, report.attempts >= maxAttempts {
            return await fail(report, message + " (gave up after \(report.attempts) attempts)", openID: openID)
        }
        let at = Date().timeIntervalSince1970 + backoff(report.attempts)
        logger.warning(
            "cybertip: attempt failed, will retry",
            metadata: ["report": "\(report.id)", "attempt": "\(report.attempts)", "why": "\(message)"])
        do { try store.recordRetry(id: report.id, retryAt: at, error: message) } catch { return .sending }
        return .queued
    }

    /// A refused draft: its open report is retracted first (best effort: when that fails, the id
    /// stays recorded and a later submission retracts it before anything else).
    private func fail(_ report: ReportRecord, _ message: String, openID: String?) async -> ReportStatus {
        if let openID, let answer = try? await client.retract(reportID: openID),
            [.ok, .alreadyRetracted, .missing].contains(answer.outcome)
        {
            try? store.recordRetracted(id: report.id, ncmecReportID: openID, reason: "draft refused", by: Self.actor)
        }
        logger.error("cybertip: report failed", metadata: ["report": "\(report.id)"])
        try? store.recordFailed(id: report.id, error: message, by: Self.actor)
        return .failed
    }

    private func evidenceBytes(_ file: CyberTipReport.ReportFile) throws -> [UInt8] {
        guard let id = file.evidenceId, let record = try store.evidenceRecord(id: id),
            let name = record.path.split(separator: "/").last
        else {
            throw Stop.failed(
                ReportingError(.missingEvidence, "file \(file.itemId): its preserved evidence is gone"), step: "upload")
        }
        do {
            return try vault.load(String(name))
        } catch {
            throw Stop.failed(
                ReportingError(.missingEvidence, "file \(file.itemId): its evidence cannot be read"), step: "upload")
        }
    }

    /// A call whose every answer the caller inspects; client errors become `Stop.failed`.
    private func call(_ step: String, _ body: () async throws(ReportingError) -> ReportResponse) async throws -> ReportResponse {
        do { return try await body() } catch { throw Stop.failed(error, step: step) }
    }

    /// A call that must answer 0.
    private func expect(_ step: String, _ body: () async throws(ReportingError) -> ReportResponse) async throws -> ReportResponse
    {
        let answer = try await call(step, body)
        guard answer.outcome == .ok else { throw Stop.answered(answer, step: step) }
        return answer
    }
}
