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

    func register(on router: Router<VigilRequestContext>) {
        router.get("/healthz") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        router.get("/readyz") { _, _ in
            do {
                _ = try store.banks()
                return Response.json(.object([("status", .string("ready"))]))
            } catch {
                throw APIError(.serviceUnavailable, "not_ready", "the database is unavailable")
            }
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.post("/v1/hash") { request, context in try await hash(request, context) }
        router.post("/v1/scan") { request, context in try await scan(request, context) }
        router.post("/v1/lookup") { request, context in try await lookup(request, context) }
        router.get("/v1/banks") { _, context in try listBanks(context) }
        router.post("/v1/banks") { request, context in try await createBank(request, context) }
        router.get("/v1/banks/:name") { _, context in try showBank(context) }
        router.delete("/v1/banks/:name") { _, context in try deleteBank(context) }
        router.post("/v1/banks/:name/entries") { request, context in try await changeEntries(request, context) }
        router.get("/v1/banks/:name/entries") { request, context in try listEntries(request, context) }
    }

    // MARK: Media

    func hash(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        _ = try context.require(.scan)
        let dihedral = request.uri.queryParameters["dihedral"].map(String.init)
        guard dihedral == nil || dihedral == "true" || dihedral == "false" else {
            throw APIError(.badRequest, "bad_parameter", "dihedral must be true or false")
        }
        let record = try await hashBody(request, dihedral: dihedral == "true")
        return Response.json(record.json)
    }

    func scan(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.scan)
        let record = try await hashBody(request, dihedral: true)
        let matches = try matcher().match(record.matchQuery)
        let positive = matches.filter { !$0.negative && !$0.suppressed }
        let verdict = positive.isEmpty ? "allow" : "block"
        let resolved = try resolve(matches, for: key)
        return Response.json(
            .object([
                ("id", .string(UUID().uuidString.lowercased())), ("verdict", .string(verdict)), ("signals", .array([])),
                ("matches", .array(resolved)), ("hashes", hashesJSON(record)),
            ]))
    }

    /// Reads the raw body (bounded), then hashes it; media errors become 4xx answers.
    private func hashBody(_ request: Request, dihedral: Bool) async throws -> HashRecord {
        if let type = request.headers[.contentType], type.hasPrefix("application/json") || type.hasPrefix("multipart/") {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "send the media itself as the request body (application/octet-stream or image/*)")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the body exceeds \(configuration.maxBodyBytes) bytes")
        }
        let bytes = Array(buffer: body)
        guard !bytes.isEmpty else { throw APIError(.badRequest, "empty", "the request body is empty") }
        // Decoding and hashing are CPU-bound and block: run them on Dispatch's pool, never on
        // Swift concurrency's cooperative threads (two of them on this machine).
        let options = HashOptions(limits: configuration.limits, dihedral: dihedral)
        let record = await withCheckedContinuation { (continuation: CheckedContinuation<HashRecord, Never>) in
            DispatchQueue.global().async {
                var record = HashRecord(path: "")
                FileHasher(options: options).hash(bytes: bytes, into: &record)
                continuation.resume(returning: record)
            }
        }
        if let error = record.error {
            switch MediaError.Code(record.errorCode ?? "") {
            case .unknownFormat, .unsupportedFormat: throw APIError(.unsupportedMediaType, record.errorCode!, error)
            case .tooLarge: throw APIError(.contentTooLarge, "too_large", error)
            case .empty: throw APIError(.badRequest, "empty", error)
            case .tooManyPixels: throw APIError(.unprocessableContent, "too_many_pixels", error)
            default: throw APIError(.unprocessableContent, "undecodable", error)
            }
        }
        return record
    }

    private func hashesJSON(_ r: HashRecord) -> JSONValue {
        .object([
            ("md5", JSONValue(r.digests?.md5)), ("sha1", JSONValue(r.digests?.sha1)), ("sha256", JSONValue(r.digests?.sha256)),
            ("pdq", JSONValue(r.pdq?.hash.hex)), ("quality", JSONValue(r.pdq?.quality)),
            ("format", JSONValue(r.format?.rawValue)), ("width", JSONValue(r.width)), ("height", JSONValue(r.height)),
        ])
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
        guard key.allows(.banksRead) else {
            return matches.map { m in
                .object([
                    ("bank", .string(m.bank)), ("entry", .int(Int(m.entry))), ("kind", .string(m.hash.kind.rawValue)),
                    ("distance", .int(m.distance)), ("variant", .string(m.variant.description)),
                    ("negative", .bool(m.negative)), ("suppressed", .bool(m.suppressed)),
                ])
            }
        }
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
        _ = try context.require(.banksWrite)
        let input = try await decodeJSON(NewBankRequest.self, request)
        let bank = try storeCall { () throws(StoreError) in
            try store.createBank(
                NewBank(
                    name: input.name, source: input.source, category: input.category, negative: input.negative ?? false,
                    threshold: input.threshold ?? BankProfile.defaultThreshold))
        }
        return Response.json(try storeCall { () throws(StoreError) in try bankJSON(bank) }, status: .created)
    }

    func showBank(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.banksRead)
        let bank = try namedBank(context)
        return Response.json(try storeCall { () throws(StoreError) in try bankJSON(bank) })
    }

    func deleteBank(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.banksWrite)
        let bank = try namedBank(context)
        try storeCall { () throws(StoreError) in try store.deleteBank(named: bank.name) }
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
        return Response.json(
            .object([
                ("added", .int(summary.added)), ("updated", .int(summary.updated)), ("removed", .int(summary.removed)),
                ("missing_removals", .int(summary.missingRemovals)),
            ]))
    }

    func listEntries(_ request: Request, _ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.banksRead)
        let bank = try namedBank(context)
        let after = Int64(request.uri.queryParameters["after"].map(String.init) ?? "0") ?? -1
        let limit = Int(request.uri.queryParameters["limit"].map(String.init) ?? "1000") ?? -1
        guard after >= 0, (1...10_000).contains(limit) else {
            throw APIError(.badRequest, "bad_paging", "after must be ≥ 0 and limit 1–10000")
        }
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

    private func namedBank(_ context: VigilRequestContext) throws -> BankRecord {
        let name = context.parameters.get("name") ?? ""
        guard let bank = try storeCall({ () throws(StoreError) in try store.bank(named: name) }) else {
            throw APIError(.notFound, "unknown_bank", "no bank with that name")
        }
        return bank
    }

    private func bankJSON(_ bank: BankRecord) throws(StoreError) -> JSONValue {
        let counts = try store.counts(inBank: bank.id)
        return .object([
            ("name", .string(bank.name)), ("source", JSONValue(bank.source)), ("category", JSONValue(bank.category)),
            ("negative", .bool(bank.negative)), ("threshold", .int(bank.threshold)),
            ("entries", .int(counts.values.reduce(0, +))), ("version", .int(Int(bank.version))),
            ("created_at", .string(bank.createdAt)), ("updated_at", .string(bank.updatedAt)),
        ])
    }

    // MARK: Helpers

    /// Decodes a bounded JSON body; wrong content type → 415, malformed → 400.
    private func decodeJSON<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
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

    /// Maps store errors to HTTP statuses.
    private func storeCall<T>(_ body: () throws(StoreError) -> T) throws -> T {
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
}
