import Crypto
import Dispatch
import Foundation
import HTTPTypes
import Logging
import ServiceLifecycle
import Synchronization
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia
import VigilProvenance
import VigilStore
import VigilWatermark

/// What a scan is given: the media, or a URL to fetch it from.
enum ScanInput: Sendable {
    case media([UInt8])
    case url(String)
}

/// The one scan pipeline of the service, shared by synchronous requests and the async workers:
/// hash → match all banks → signals → policy → actions (webhook events, evidence, audit), all
/// committed in one transaction with the result.
final class ScanService: Sendable {
    let configuration: ServerConfiguration
    let store: SQLiteBankStore
    let matchers: MatcherCache
    let evidence: EvidenceVault
    let spool: EvidenceVault
    let fetcher: URLFetcher
    let metrics: ServiceMetrics
    let logger: Logger
    private let workers: CodecPool
    /// C2PA trust anchors from the configuration (nil: signed manifests are `Valid` at most).
    let anchors: TrustAnchors?

    init(
        configuration: ServerConfiguration, store: SQLiteBankStore, matchers: MatcherCache, evidence: EvidenceVault,
        spool: EvidenceVault, fetcher: URLFetcher, metrics: ServiceMetrics, anchors: TrustAnchors?, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.matchers = matchers
        self.evidence = evidence
        self.spool = spool
        self.fetcher = fetcher
        self.metrics = metrics
        self.logger = logger
        workers = CodecPool(configuration: configuration)
        self.anchors = anchors
    }

    /// The idempotency fingerprint of a submission.
    static func fingerprint(_ input: ScanInput, asynchronous: Bool) -> String {
        var hasher = SHA256()
        hasher.update(data: Array((asynchronous ? "async:" : "sync:").utf8))
        switch input {
        case .media(let bytes):
            hasher.update(data: Array("media:".utf8))
            hasher.update(data: bytes)
        case .url(let url):
            hasher.update(data: Array("url:".utf8))
            hasher.update(data: Array(url.utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Running a scan

    /// Runs a claimed scan to its end and commits the outcome; never throws: failures are the
    /// scan's result. Returns the committed record.
    @discardableResult
    func run(scanID: String, input: ScanInput, key: APIKeyRecord) async -> ScanRecord? {
        var completion: ScanCompletion
        var verdict = "error"
        let actor = "key:\(key.name)"
        do {
            let bytes: [UInt8]
            switch input {
            case .media(let media): bytes = media
            case .url(let url): bytes = try await fetcher.fetch(url)
            }
            let hashed = try await hash(bytes)
            // The review item commits with the scan's result: a crash keeps both or neither.
            var review: ReviewItemDraft?
            var decided: Verdict
            (completion, review, decided) = try decide(scanID: scanID, hashed: hashed, bytes: bytes, key: key, actor: actor)
            completion.review = review
            verdict = decided.rawValue
        } catch {
            let apiError = error as? APIError ?? APIError(.unprocessableContent, "scan_failed", "the scan failed")
            completion = ScanCompletion(
                id: scanID, status: .failed, error: apiError.json.serialized, errorStatus: Int(apiError.status.code),
                audit: AuditDraft(
                    actor: actor, action: "scan.failed", subject: scanID,
                    detail: JSONValue.object([("code", .string(apiError.code))]).serialized))
        }
        do {
            try store.complete(completion)
        } catch {
            logger.error("cannot record a scan outcome", metadata: ["scan": "\(scanID)", "error": "\(error.code.rawValue)"])
            return nil
        }
        metrics.scan(verdict: verdict)
        if case .url(let url) = input, verdict == "block" || verdict == "review" {
            proposeTakedown(scanID: scanID, url: url, actor: actor)
        }
        return try? store.scan(id: scanID)
    }

    /// Hashes (and reads watermarks and provenance) on the blocking-work pool. Media errors become
    /// 4xx answers.
    func hash(_ bytes: [UInt8], dihedral: Bool = true) async throws -> Hashed {
        guard !bytes.isEmpty else { throw APIError(.badRequest, "empty", "the media is empty") }
        let watermarks = configuration.watermarks
        let workers = self.workers
        // A validator per scan: it checks certificate validity at its creation time.
        let validator = C2PAValidator(anchors: anchors)
        let hashed = await blocking {
            let worker = workers.take()
            defer { workers.put(worker) }
            var record = HashRecord(path: "")
            var marks = WatermarkRecord(path: "", method: .dwtDct)
            // The watermark reader works on the hasher's decode when it is full-size.
            let shared = worker.hasher(dihedral: dihedral).hash(
                bytes: bytes, into: &record,
                fullImage: watermarks ? { worker.watermarks.read(decoded: $0, into: &marks) } : nil)
            var synthetic: SyntheticSignal?
            var provenanceSignal: JSONValue?
            if record.error == nil {
                if watermarks, !shared { worker.watermarks.read(bytes: bytes, into: &marks) }
                // Images too small for the watermark grid carry no watermark evidence.
                let report = watermarks && marks.error == nil ? marks.report : nil
                // C2PA credentials, XMP source types and generator metadata join the watermark
                // evidence, validated against the configured trust anchors.
                let provenance = try? ProvenanceReport.inspect(bytes, name: "upload", validator: validator)
                if report != nil || provenance != nil {
                    synthetic = SyntheticSignal(watermarks: report, provenance: provenance)
                }
                provenanceSignal = ProvenanceReviewSignal.json(watermarks: report, provenance: provenance)
            }
            return Hashed(record: record, synthetic: synthetic, provenance: provenanceSignal)
        }
        let record = hashed.record
        if let error = record.error {
            switch MediaError.Code(record.errorCode ?? "") {
            case .unknownFormat, .unsupportedFormat: throw APIError(.unsupportedMediaType, record.errorCode!, error)
            // A video over the duration, frame or decode-time limit: the upload itself was accepted.
            case .tooLarge where record.format?.isVideo == true:
                throw APIError(.unprocessableContent, "video_limit", error)
            case .tooLarge: throw APIError(.contentTooLarge, "too_large", error)
            case .empty: throw APIError(.badRequest, "empty", error)
            case .tooManyPixels: throw APIError(.unprocessableContent, "too_many_pixels", error)
            default: throw APIError(.unprocessableContent, "undecodable", error)
            }
        }
        return hashed
    }

    private func decide(scanID: String, hashed: Hashed, bytes: [UInt8], key: APIKeyRecord, actor: String) throws
        -> (ScanCompletion, ReviewItemDraft?, Verdict)
    {
        let record = hashed.record
        let matcher = try storeCall { () throws(StoreError) in try matchers.current() }
        let matches = matcher.match(record.matchQuery)
        let videoMatches = record.vpdq.map { matcher.matchVideo($0, md5: record.digests?.md5) } ?? []
        let resolved = try storeCall { () throws(StoreError) in try MatchResolver(store: store).resolve(matches) }
        let decision = configuration.policy.decide(matches: resolved, videoMatches: videoMatches, synthetic: hashed.synthetic)
        let now = Date()
        let created = Timestamp.string(now)

        var signals: [JSONValue] = resolved.map { m in
            .object([
                ("type", .string(m.match.negative ? "negative_match" : "hash_match")), ("bank", .string(m.match.bank)),
                ("kind", .string(m.match.hash.kind.rawValue)), ("distance", .int(m.match.distance)),
                ("category", JSONValue(m.category ?? m.bankCategory)), ("suppressed", .bool(m.match.suppressed)),
            ])
        }
        signals += videoMatches.map { m in
            .object([
                ("type", .string(m.negative ? "negative_match" : "video_match")), ("bank", .string(m.bank)),
                ("kind", .string(m.match.md5Match ? "md5" : "vpdq")),
                ("query_match_percent", .double(m.match.queryMatchPercent)),
                ("compare_match_percent", .double(m.match.compareMatchPercent)),
                ("category", JSONValue(m.match.category ?? m.bankCategory)), ("suppressed", .bool(m.suppressed)),
            ])
        }
        if let synthetic = hashed.synthetic {
            signals.append(.object([("type", .string("synthetic")), ("signal", synthetic.json)]))
        }
        let matchJSON = key.allows(.banksRead) ? resolved.map(\.json) : resolved.map(\.match.redactedJSON)
        let videoJSON = key.allows(.banksRead) ? videoMatches.map(\.json) : videoMatches.map(\.redactedJSON)
        let hashes = Self.hashesJSON(record)
        let result = JSONValue.object([
            ("id", .string(scanID)), ("status", .string("done")), ("verdict", .string(decision.verdict.rawValue)),
            ("priority", .int(decision.priority)), ("rules", .array(decision.rules.map(JSONValue.string))),
            ("actions", .array(decision.actions.map { .string($0.rawValue) })), ("signals", .array(signals)),
            ("matches", .array(matchJSON)), ("video_matches", .array(videoJSON)), ("hashes", hashes),
            ("created_at", .string(created)),
        ])

        // Actions. Webhook payloads and audit details carry no labels and no list hashes.
        let banks = Array(Set(resolved.map(\.match.bank) + videoMatches.map(\.bank))).sorted()
        var events: [OutboxDraft] = []
        let type = "scan.\(decision.verdict.rawValue)"
        if decision.actions.contains(.webhook) || configuration.webhooks.contains(where: { $0.events?.contains(type) == true }) {
            let eventID = UUID().uuidString.lowercased()
            let payload = JSONValue.object([
                ("id", .string(eventID)), ("type", .string(type)), ("created_at", .string(created)),
                (
                    "scan",
                    .object([
                        ("id", .string(scanID)), ("verdict", .string(decision.verdict.rawValue)),
                        ("priority", .int(decision.priority)), ("rules", .array(decision.rules.map(JSONValue.string))),
                        ("banks", .array(banks.map(JSONValue.string))), ("hashes", hashes),
                    ])
                ),
            ]).serialized
            for target in configuration.webhooks where target.wants(type) {
                events.append(OutboxDraft(eventID: eventID, type: type, target: target.name, payload: payload))
            }
        }
        var evidenceDraft: EvidenceDraft?
        // Media that needs a human decision is kept (encrypted) for the review console.
        if decision.actions.contains(.preserve) || decision.verdict != .allow {
            let id = UUID().uuidString.lowercased()
            let name = try storeCall { () throws(StoreError) in try evidence.store(bytes, name: id + ".bin") }
            let retainUntil = Timestamp.string(
                now.addingTimeInterval(Double(configuration.retentionDays) * 86_400))
            evidenceDraft = EvidenceDraft(
                id: id, scanID: scanID, sha256: record.digests?.sha256 ?? "", bytes: bytes.count,
                format: record.format?.rawValue, path: "evidence/" + name, retainUntil: retainUntil,
                metadata: JSONValue.object([
                    ("verdict", .string(decision.verdict.rawValue)), ("rules", .array(decision.rules.map(JSONValue.string))),
                    ("banks", .array(banks.map(JSONValue.string))), ("submitted_by", .string(actor)),
                ]).serialized)
        }
        let audit = AuditDraft(
            actor: actor, action: "scan.\(decision.verdict.rawValue)", subject: scanID,
            detail: JSONValue.object([
                ("rules", .array(decision.rules.map(JSONValue.string))),
                ("actions", .array(decision.actions.map { .string($0.rawValue) })),
                ("banks", .array(banks.map(JSONValue.string))), ("matches", .int(resolved.count)),
                ("video_matches", .int(videoMatches.count)),
                ("evidence", JSONValue(evidenceDraft?.id)),
            ]).serialized)
        let completion = ScanCompletion(
            id: scanID, status: .done, result: result.serialized, events: events, audit: audit, evidence: evidenceDraft)
        return (
            completion,
            Self.reviewDraft(
                scanID: scanID, verdict: decision.verdict, resolved: resolved, record: record, evidenceID: evidenceDraft?.id,
                signals: signals + (hashed.provenance.map { [$0] } ?? []), videoMatches: videoMatches),
            decision.verdict
        )
    }

    static func hashesJSON(_ r: HashRecord) -> JSONValue {
        .object([
            ("md5", JSONValue(r.digests?.md5)), ("sha1", JSONValue(r.digests?.sha1)), ("sha256", JSONValue(r.digests?.sha256)),
            ("pdq", JSONValue(r.pdq?.hash.hex)), ("quality", JSONValue(r.pdq?.quality)),
            ("format", JSONValue(r.format?.rawValue)), ("width", JSONValue(r.width)), ("height", JSONValue(r.height)),
            ("video_frames", JSONValue(r.vpdq?.count)),
        ])
    }

    // MARK: The async queue

    /// Claims and runs queued scans until none is left; returns how many ran.
    func drainQueue() async -> Int {
        var ran = 0
        while let scan = (try? store.claimQueuedScan()) ?? nil {
            ran += 1
            let key =
                (try? store.keys())?.first(where: { $0.id == scan.keyID })
                ?? APIKeyRecord(id: scan.keyID ?? 0, name: "unknown", prefix: "", scopes: [], createdAt: "", revoked: true)
            let input: ScanInput
            if let url = scan.url {
                input = .url(url)
            } else if let name = scan.spool, let bytes = try? spool.load(name) {
                input = .media(bytes)
            } else {
                try? store.complete(
                    ScanCompletion(
                        id: scan.id, status: .failed,
                        error: APIError(.unprocessableContent, "spool_lost", "the queued media could not be read").json
                            .serialized, errorStatus: 422,
                        audit: AuditDraft(actor: "key:\(key.name)", action: "scan.failed", subject: scan.id)))
                continue
            }
            await run(scanID: scan.id, input: input, key: key)
            if let name = scan.spool { spool.remove(name) }
        }
        return ran
    }

    /// After a restart: running async scans go back to the queue, interrupted synchronous ones
    /// fail, and spooled files with no queued scan are deleted.
    func recover() throws(StoreError) {
        let (requeued, failed) = try store.recoverInterruptedScans()
        if requeued + failed > 0 {
            logger.notice("recovered interrupted scans", metadata: ["requeued": "\(requeued)", "failed": "\(failed)"])
        }
        let inUse = try store.spoolsInUse()
        for name in spool.names() where !inUse.contains(name) {
            // Old enough that no submission can still be between writing its spool and its row.
            let path = spool.directory + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                Date().timeIntervalSince(modified) > 60
            {
                spool.remove(name)
            }
        }
    }
}

/// A hash record and the synthetic-media signal read alongside it.
struct Hashed: Sendable {
    var record: HashRecord
    var synthetic: SyntheticSignal?
    /// The structured provenance evidence shown beside the media in the review console.
    var provenance: JSONValue? = nil
}

/// Codec state (decoders, scratch buffers) reused across requests: one set per concurrently
/// running hash, created on demand.
final class CodecPool: @unchecked Sendable {
    final class Worker {
        let exact: FileHasher
        let plain: FileHasher
        let watermarks: FileWatermarkReader

        init(_ configuration: ServerConfiguration) {
            let fast = configuration.fastHashing ? HashOptions.defaultFastShortSide : nil
            exact = FileHasher(
                options: HashOptions(
                    limits: configuration.limits, dihedral: true, fastShortSide: fast, videoLimits: configuration.videoLimits))
            plain = FileHasher(
                options: HashOptions(
                    limits: configuration.limits, dihedral: false, fastShortSide: fast, videoLimits: configuration.videoLimits))
            watermarks = FileWatermarkReader(options: WatermarkOptions(limits: configuration.limits))
        }

        func hasher(dihedral: Bool) -> FileHasher { dihedral ? exact : plain }
    }

    private let configuration: ServerConfiguration
    private let lock = NSLock()
    private var idle: [Worker] = []

    init(configuration: ServerConfiguration) { self.configuration = configuration }

    func take() -> Worker {
        lock.withLock { idle.popLast() } ?? Worker(configuration)
    }

    func put(_ worker: Worker) {
        lock.withLock { if idle.count < 16 { idle.append(worker) } }
    }
}

/// A cheap in-memory nudge from request handlers to idle workers.
final class WakeSignal: Sendable {
    private let generation = Mutex<UInt64>(0)

    func wake() { generation.withLock { $0 &+= 1 } }
    var current: UInt64 { generation.withLock { $0 } }
}

/// Runs queued scans: `workers` loops claiming from the database queue. An idle worker looks at
/// the queue when nudged, and at least once a second (scans queued by another node, or before a
/// restart).
struct ScanWorkerService: Service {
    let scans: ScanService
    let workers: Int
    let signal: WakeSignal

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for _ in 0..<workers {
                group.addTask {
                    var seen = signal.current
                    var lastLook = ContinuousClock.now
                    while !Task.isShuttingDownGracefully && !Task.isCancelled {
                        let now = ContinuousClock.now
                        let nudged = signal.current != seen
                        guard nudged || now - lastLook >= .seconds(1) else {
                            try? await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        seen = signal.current
                        lastLook = now
                        _ = await scans.drainQueue()
                    }
                }
            }
        }
    }
}

/// Maps store errors to HTTP statuses.
func storeCall<T>(_ body: () throws(StoreError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        switch error.code {
        case .notFound: throw APIError(.notFound, "not_found", error.message)
        case .conflict: throw APIError(.conflict, "conflict", error.message)
        case .invalid: throw APIError(.badRequest, "invalid", error.message)
        default: throw APIError(.serviceUnavailable, "store_unavailable", "the database is unavailable")
        }
    }
}
