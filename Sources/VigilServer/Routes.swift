import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia
import VigilStore

/// The request handlers. Every handler checks its scope first, validates before working, and
/// answers errors as JSON with a 4xx status.
struct Routes: Sendable {
    let configuration: ServerConfiguration
    let store: SQLiteBankStore
    let matchers: MatcherCache
    let scans: ScanService
    let metrics: ServiceMetrics
    /// Wakes the async workers when a scan is queued.
    let wake: @Sendable () -> Void

    func register(on router: Router<VigilRequestContext>) {
        router.get("/healthz") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        router.get("/readyz") { _, _ in
            do {
                _ = try store.banks()
                _ = try matchers.current()
                return Response.json(.object([("status", .string("ready"))]))
            } catch {
                throw APIError(.serviceUnavailable, "not_ready", "the database or the index is unavailable")
            }
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/metrics") { _, context in try metricsText(context) }
        router.post("/v1/hash") { request, context in try await hash(request, context) }
        router.post("/v1/scan") { request, context in try await scan(request, context) }
        router.get("/v1/scans/:id") { _, context in try showScan(context) }
        router.post("/v1/lookup") { request, context in try await lookup(request, context) }
        router.get("/v1/banks") { _, context in try listBanks(context) }
        router.post("/v1/banks") { request, context in try await createBank(request, context) }
        router.get("/v1/banks/:name") { _, context in try showBank(context) }
        router.delete("/v1/banks/:name") { _, context in try deleteBank(context) }
        router.post("/v1/banks/:name/entries") { request, context in try await changeEntries(request, context) }
        router.get("/v1/banks/:name/entries") { request, context in try listEntries(request, context) }
        router.post("/v1/banks/:name/import") { request, context in try await importList(request, context) }
        router.get("/v1/audit") { request, context in try auditLog(request, context) }
    }

    // MARK: Media

    func hash(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        _ = try context.require(.scan)
        let dihedral = try flag(request, "dihedral")
        let media = try await mediaInput(request)
        let bytes: [UInt8]
        switch media {
        case .media(let b): bytes = b
        case .url(let url): bytes = try await scans.fetcher.fetch(url)
        }
        let hashed = try await scans.hash(bytes, dihedral: dihedral)
        return Response.json(hashed.record.json)
    }

    /// `POST /v1/scan`: synchronous by default; `?async=true` spools the media and answers 202.
    /// An `Idempotency-Key` makes a retry return the first request's scan.
    func scan(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.scan)
        let asynchronous = try flag(request, "async")
        let idempotencyKey = try Self.idempotencyKey(request)
        let input = try await mediaInput(request)
        if case .url(let url) = input { _ = try scans.fetcher.parse(url) }
        let fingerprint = ScanService.fingerprint(input, asynchronous: asynchronous)
        let id = UUID().uuidString.lowercased()
        var spooled: String?
        if asynchronous, case .media(let bytes) = input {
            spooled = try storeCall { () throws(StoreError) in try scans.spool.store(bytes, name: id + ".bin") }
        }
        var url: String?
        if case .url(let u) = input { url = u }
        let outcome: SubmitOutcome
        do {
            outcome = try storeCall { () throws(StoreError) in
                try store.submitScan(
                    ScanSubmission(
                        id: id, keyID: key.id, idempotencyKey: idempotencyKey, fingerprint: fingerprint,
                        asynchronous: asynchronous, spool: spooled, url: url))
            }
        } catch {
            if let spooled { scans.spool.remove(spooled) }
            throw error
        }
        switch outcome {
        case .existing(let earlier):
            if let spooled { scans.spool.remove(spooled) }
            guard earlier.fingerprint == fingerprint else {
                throw APIError(
                    .unprocessableContent, "idempotency_mismatch",
                    "this Idempotency-Key was used for a different request")
            }
            var response = try replay(earlier)
            response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return response
        case .created(let created):
            if asynchronous {
                wake()
                return queuedResponse(created)
            }
            guard let finished = await scans.run(scanID: created.id, input: input, key: key) else {
                throw APIError(.serviceUnavailable, "store_unavailable", "the scan could not be recorded")
            }
            return try replay(finished)
        }
    }

    /// The answer for a stored scan: its result, its error, or where it is in the queue.
    private func replay(_ scan: ScanRecord) throws -> Response {
        switch scan.status {
        case .done: return Response.json(text: scan.result ?? "{}")
        case .failed:
            return Response.json(
                text: scan.error ?? "{}", status: HTTPResponse.Status(code: scan.errorStatus ?? 422))
        case .queued: return queuedResponse(scan)
        case .running:
            if scan.asynchronous { return queuedResponse(scan) }
            throw APIError(.conflict, "in_progress", "a request with this Idempotency-Key is still being processed")
        }
    }

    private func queuedResponse(_ scan: ScanRecord) -> Response {
        var response = Response.json(
            .object([
                ("id", .string(scan.id)), ("status", .string(scan.status.rawValue)),
                ("location", .string("/v1/scans/\(scan.id)")),
            ]), status: .accepted)
        response.headers[.location] = "/v1/scans/\(scan.id)"
        return response
    }

    /// `GET /v1/scans/{id}`: only the key that submitted the scan (or an admin) sees it; others
    /// get 404, so ids cannot be probed.
    func showScan(_ context: VigilRequestContext) throws -> Response {
        let key = try context.require(.scan)
        let id = context.parameters.get("id") ?? ""
        guard let scan = try storeCall({ () throws(StoreError) in try store.scan(id: id) }),
            scan.keyID == key.id || key.allows(.admin)
        else { throw APIError(.notFound, "unknown_scan", "no scan with that id") }
        switch scan.status {
        case .done: return Response.json(text: scan.result ?? "{}")
        case .failed:
            let error = scan.error ?? "{}"
            return Response.json(
                text: "{\"id\":\(JSONText.quoted(scan.id)),\"status\":\"failed\",\"http_status\":\(scan.errorStatus ?? 422),"
                    + "\"error\":\(Self.errorObject(error))}")
        case .queued, .running:
            return Response.json(.object([("id", .string(scan.id)), ("status", .string(scan.status.rawValue))]))
        }
    }

    /// The inner `{"code","message"}` of a stored `{"error": {...}}` text.
    private static func errorObject(_ text: String) -> String {
        guard text.hasPrefix("{\"error\":"), text.hasSuffix("}") else { return text }
        return String(text.dropFirst("{\"error\":".count).dropLast())
    }

    /// The media of a request: a raw body (any type but JSON and multipart), a multipart form's
    /// file part, or a JSON body `{"url": "..."}`.
    private func mediaInput(_ request: Request) async throws -> ScanInput {
        let type = request.headers[.contentType]?.lowercased() ?? "application/octet-stream"
        if type.hasPrefix("application/json") {
            struct URLRequest: Decodable { var url: String }
            let body = try await decodeJSON(URLRequest.self, request)
            return .url(body.url)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the body exceeds \(configuration.maxBodyBytes) bytes")
        }
        if type.hasPrefix("multipart/form-data") {
            // The boundary is case-sensitive (browsers send mixed-case ones): not the lowercased type.
            return .media(try MultipartMedia.extract(body, contentType: request.headers[.contentType] ?? type))
        }
        // curl's --data-binary says application/x-www-form-urlencoded; the bytes are sniffed anyway.
        if type.hasPrefix("multipart/") || type.hasPrefix("text/") || type.hasPrefix("application/xml") {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "send the media as the body (application/octet-stream, image/*, video/*), as multipart/form-data, "
                    + "or a JSON body with a url")
        }
        let bytes = Array(buffer: body)
        guard !bytes.isEmpty else { throw APIError(.badRequest, "empty", "the request body is empty") }
        return .media(bytes)
    }

    private func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let value = request.uri.queryParameters[Substring(name)].map(String.init) else { return false }
        guard value == "true" || value == "false" else {
            throw APIError(.badRequest, "bad_parameter", "\(name) must be true or false")
        }
        return value == "true"
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let value = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw APIError(.badRequest, "bad_idempotency_key", "Idempotency-Key must be 1–255 printable ASCII characters")
        }
        return value
    }

    // MARK: Metrics and audit

    func metricsText(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.admin)
        let banks = try storeCall { () throws(StoreError) in try store.banks() }
        metrics.gauge("banks", "Banks", value: Double(banks.count))
        var totals: [String: Int] = [:]
        for bank in banks {
            for (kind, n) in try storeCall({ () throws(StoreError) in try store.counts(inBank: bank.id) }) {
                totals[kind.rawValue, default: 0] += n
            }
        }
        for kind in HashKind.allCases {
            metrics.gauge(
                "index_hashes", "Hashes in all banks by kind", labels: [("kind", kind.rawValue)],
                value: Double(totals[kind.rawValue] ?? 0))
        }
        let counts = try storeCall { () throws(StoreError) in try store.scanCounts() }
        for status in [ScanStatus.queued, .running] {
            metrics.gauge(
                "scan_queue", "Scans waiting or running", labels: [("status", status.rawValue)],
                value: Double(counts[status] ?? 0))
        }
        let pending = try storeCall { () throws(StoreError) in try store.pendingEventCount() }
        metrics.gauge("webhook_outbox_pending", "Webhook events not yet delivered", value: Double(pending))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }

    /// `GET /v1/audit?after=&limit=`: the hash-chained log, for admins.
    func auditLog(_ request: Request, _ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.admin)
        let (after, limit) = try paging(request)
        let entries = try storeCall { () throws(StoreError) in try store.auditEntries(after: after, limit: limit) }
        let items: [JSONValue] = entries.map { e in
            .object([
                ("seq", .int(Int(e.seq))), ("at", .string(e.at)), ("actor", .string(e.actor)), ("action", .string(e.action)),
                ("subject", JSONValue(e.subject)), ("detail", .string(e.detail)), ("previous", .string(e.previous)),
                ("sha256", .string(e.sha256)),
            ])
        }
        return Response.json(.object([("entries", .array(items)), ("next_after", JSONValue(entries.last.map { Int($0.seq) }))]))
    }

    private func paging(_ request: Request) throws -> (Int64, Int) {
        let after = try request.queryInteger("after", default: 0, in: 0...Int(Int64.max))
        let limit = try request.queryInteger("limit", default: 1000, in: 1...10_000)
        return (Int64(after), limit)
    }

    // MARK: Lookup

    struct LookupRequest: Decodable {
        var pdq: String?
        var quality: Int?
        var dihedral: [String]?
        var md5: String?
        var sha1: String?
        var sha256: String?
    }

    func lookup(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.lookup)
        let input = try await decodeJSON(LookupRequest.self, request)
        func value(_ kind: HashKind, _ text: String?) throws -> HashValue? {
            guard let text else { return nil }
            guard let v = HashValue(kind: kind, hex: text) else {
                throw APIError(.badRequest, "bad_hash", "\(kind.rawValue) must be \(kind.hexLength) hex digits")
            }
            return v
        }
        let pdq = try value(.pdq, input.pdq).flatMap(\.pdq)
        let dihedral = try input.dihedral?.map { try value(.pdq, $0)?.pdq ?? .zero }
        if let dihedral, dihedral.count != 8 { throw APIError(.badRequest, "bad_hash", "dihedral must list 8 PDQ hashes") }
        if let quality = input.quality, !(0...100).contains(quality) {
            throw APIError(.badRequest, "bad_quality", "quality must be 0–100")
        }
        let digests = try [value(.md5, input.md5), value(.sha1, input.sha1), value(.sha256, input.sha256)].compactMap { $0 }
        guard pdq != nil || !digests.isEmpty else {
            throw APIError(.badRequest, "no_hash", "give at least one of pdq, md5, sha1, sha256")
        }
        let query = MatchQuery(
            pdq: pdq.map { PDQResult(hash: $0, quality: input.quality ?? 100) }, dihedral: dihedral, digests: digests)
        let matches = try matcher().match(query)
        return Response.json(.object([("matches", .array(try resolve(matches, for: key)))]))
    }

    /// Match JSON; labels, categories and stored hashes only for keys that may read banks.
    private func resolve(_ matches: [BankMatch], for key: APIKeyRecord) throws -> [JSONValue] {
        guard key.allows(.banksRead) else { return matches.map(\.redactedJSON) }
        return try storeCall { () throws(StoreError) in try MatchResolver(store: store).resolve(matches) }.map(\.json)
    }

    private func matcher() throws -> BankMatcher { try storeCall { () throws(StoreError) in try matchers.current() } }

    // MARK: Banks

    func listBanks(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.banksRead)
        let banks = try storeCall { () throws(StoreError) -> [JSONValue] in
            var list: [JSONValue] = []
            for bank in try store.banks() { list.append(try bankJSON(bank)) }
            return list
        }
        return Response.json(.object([("banks", .array(banks))]))
    }

    struct NewBankRequest: Decodable {
        var name: String
        var source: String?
        var category: String?
        var negative: Bool?
        var threshold: Int?
    }

    func createBank(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.banksWrite)
        let input = try await decodeJSON(NewBankRequest.self, request)
        let bank = try storeCall { () throws(StoreError) in
            try store.createBank(
                NewBank(
                    name: input.name, source: input.source, category: input.category, negative: input.negative ?? false,
                    threshold: input.threshold ?? BankProfile.defaultThreshold))
        }
        audit(key, "bank.create", bank.name, [("negative", .bool(bank.negative)), ("category", JSONValue(bank.category))])
        return Response.json(try storeCall { () throws(StoreError) in try bankJSON(bank) }, status: .created)
    }

    func showBank(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.banksRead)
        let bank = try namedBank(context)
        return Response.json(try storeCall { () throws(StoreError) in try bankJSON(bank) })
    }

    func deleteBank(_ context: VigilRequestContext) throws -> Response {
        let key = try context.require(.banksWrite)
        let bank = try namedBank(context)
        try storeCall { () throws(StoreError) in try store.deleteBank(named: bank.name) }
        audit(key, "bank.delete", bank.name, [])
        return Response(status: .noContent)
    }

    struct EntryInput: Decodable {
        var kind: String
        var hash: String
        var label: String?
        var category: String?
        var remove: Bool?
    }

    struct EntriesRequest: Decodable { var entries: [EntryInput] }

    func changeEntries(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.banksWrite)
        let bank = try namedBank(context)
        let input = try await decodeJSON(EntriesRequest.self, request)
        guard input.entries.count <= 100_000 else {
            throw APIError(.contentTooLarge, "too_many_entries", "at most 100000 entries per request")
        }
        var changes: [EntryChange] = []
        for (i, entry) in input.entries.enumerated() {
            guard let kind = HashKind(rawValue: entry.kind) else {
                throw APIError(.badRequest, "bad_kind", "entries[\(i)].kind must be one of pdq, md5, sha1, sha256")
            }
            guard let hash = HashValue(kind: kind, hex: entry.hash) else {
                throw APIError(.badRequest, "bad_hash", "entries[\(i)].hash must be \(kind.hexLength) hex digits")
            }
            changes.append(EntryChange(hash: hash, label: entry.label, category: entry.category, remove: entry.remove ?? false))
        }
        let summary = try storeCall { () throws(StoreError) in
            try store.apply(changes, toBank: bank.id, addedBy: "key:\(key.name)")
        }
        audit(
            key, "bank.entries", bank.name,
            [
                ("added", .int(summary.added)), ("updated", .int(summary.updated)), ("removed", .int(summary.removed)),
            ])
        return Response.json(
            .object([
                ("added", .int(summary.added)), ("updated", .int(summary.updated)), ("removed", .int(summary.removed)),
                ("missing_removals", .int(summary.missingRemovals)),
            ]))
    }

    func listEntries(_ request: Request, _ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.banksRead)
        let bank = try namedBank(context)
        let (after, limit) = try paging(request)
        let entries = try storeCall { () throws(StoreError) in try store.entries(inBank: bank.id, after: after, limit: limit) }
        let items: [JSONValue] = entries.map { e in
            .object([
                ("id", .int(Int(e.id))), ("kind", .string(e.hash.kind.rawValue)), ("hash", .string(e.hash.hex)),
                ("label", JSONValue(e.label)), ("category", JSONValue(e.category)), ("added_at", .string(e.addedAt)),
                ("added_by", .string(e.addedBy)),
            ])
        }
        return Response.json(.object([("entries", .array(items)), ("next_after", JSONValue(entries.last.map { Int($0.id) }))]))
    }

    /// `POST /v1/banks/{name}/import?format=…`: a whole list in any supported format, streamed
    /// through the importer; bad records are reported by line and do not stop the others.
    /// `format=vpdq` imports videos (one in the vpdq text format, named by `name`, or JSON lines).
    func importList(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.banksWrite)
        let bank = try namedBank(context)
        guard let text = request.uri.queryParameters["format"].map(String.init), let format = ListFormat(rawValue: text)
        else {
            throw APIError(
                .badRequest, "bad_format", "format must be one of \(ListFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var wide: HashKind?
        if let text = request.uri.queryParameters["wide_kind"].map(String.init) {
            guard let kind = HashKind(rawValue: text), kind == .pdq || kind == .sha256 else {
                throw APIError(.badRequest, "bad_parameter", "wide_kind must be pdq or sha256")
            }
            wide = kind
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the list exceeds \(configuration.maxBodyBytes) bytes")
        }
        let bytes = Array(buffer: body)
        guard !bytes.isEmpty else { throw APIError(.badRequest, "empty", "the list is empty") }
        var importer = BankImport(store: store, bankID: bank.id, addedBy: "key:\(key.name)", defaultKind: wide)
        if let name = request.uri.queryParameters["name"].map(String.init) {
            guard (1...1000).contains(name.utf8.count) else {
                throw APIError(.badRequest, "bad_parameter", "name (1–1000 bytes) names the video of a vpdq import")
            }
            importer.videoName = name
        }
        let job = importer
        let result = await blocking { Result { () throws(StoreError) in try job.run(format, from: .bytes(bytes)) } }
        let outcome = try storeCall { () throws(StoreError) in try result.get() }
        audit(
            key, "bank.import", bank.name,
            [
                ("format", .string(format.rawValue)), ("added", .int(outcome.summary.added)),
                ("removed", .int(outcome.summary.removed)), ("rejected", .int(outcome.problems)),
            ])
        return Response.json(
            .object([
                ("added", .int(outcome.summary.added)), ("updated", .int(outcome.summary.updated)),
                ("removed", .int(outcome.summary.removed)), ("missing_removals", .int(outcome.summary.missingRemovals)),
                ("rejected", .int(outcome.problems)),
                (
                    "problems",
                    .array(outcome.firstProblems.map { .object([("line", .int($0.line)), ("message", .string($0.message))]) })
                ),
                ("complete", .bool(outcome.stopped == nil)), ("stopped", JSONValue(outcome.stopped?.message)),
            ]))
    }

    /// Records a bank or key change in the audit log (names and counts only).
    private func audit(_ key: APIKeyRecord, _ action: String, _ subject: String, _ detail: [(String, JSONValue)]) {
        try? store.appendAudit(
            AuditDraft(actor: "key:\(key.name)", action: action, subject: subject, detail: JSONValue.object(detail).serialized))
    }

    private func namedBank(_ context: VigilRequestContext) throws -> BankRecord {
        let name = context.parameters.get("name") ?? ""
        guard let bank = try storeCall({ () throws(StoreError) in try store.bank(named: name) }) else {
            throw APIError(.notFound, "unknown_bank", "no bank with that name")
        }
        return bank
    }

    private func bankJSON(_ bank: BankRecord) throws(StoreError) -> JSONValue {
        let counts = try store.counts(inBank: bank.id)
        let videos = try store.videoCounts(inBank: bank.id)
        return .object([
            ("name", .string(bank.name)), ("source", JSONValue(bank.source)), ("category", JSONValue(bank.category)),
            ("negative", .bool(bank.negative)), ("threshold", .int(bank.threshold)),
            ("entries", .int(counts.values.reduce(0, +))), ("videos", .int(videos.videos)),
            ("video_frames", .int(videos.frames)), ("version", .int(Int(bank.version))),
            ("created_at", .string(bank.createdAt)), ("updated_at", .string(bank.updatedAt)),
        ])
    }

    // MARK: Helpers

    /// Decodes a bounded JSON body; wrong content type → 415, malformed → 400.
    func decodeJSON<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        guard let contentType = request.headers[.contentType], contentType.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send application/json")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxJSONBytes)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the JSON body exceeds \(configuration.maxJSONBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, "malformed_json", "the JSON body is malformed or misses a required field")
        }
    }
}
