import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilHashing
import VigilStore
import VigilTakedown

/// `/v1/takedowns` (the `takedowns` scope) and `GET /v1/transparency` (public: aggregate counts only).
struct TakedownRoutes: Sendable {
    let routes: Routes
    let settings: TakedownSettings

    var store: SQLiteBankStore { routes.store }

    func register(on router: Router<VigilRequestContext>) {
        router.post("/v1/takedowns") { request, context in try await create(request, context) }
        router.get("/v1/takedowns") { request, context in try list(request, context) }
        router.get("/v1/takedowns/:id") { _, context in try show(context) }
        router.get("/v1/transparency") { request, _ in try transparency(request) }
    }

    struct NewTakedown: Decodable {
        var url: String
        /// An abuse contact entered by hand (email), or the webhook target's name.
        var contact: String?
        var channel: String?
        var escalationContact: String?
        var caseRef: String?
        var description: String?
        enum CodingKeys: String, CodingKey {
            case url, contact, channel, description
            case escalationContact = "escalation_contact", caseRef = "case_ref"
        }
    }

    /// `POST /v1/takedowns`: the URL is checked as a fetch would be (SSRF rules), then the notice
    /// is queued (`pending`): the monitor finds the contact, sends it and re-checks.
    func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.takedowns)
        let input = try await routes.decodeJSON(NewTakedown.self, request)
        guard let channel = TakedownChannel(rawValue: input.channel ?? "email") else {
            throw APIError(.badRequest, "bad_channel", "channel must be email or webhook")
        }
        if let contact = input.contact {
            switch channel {
            case .email where !EmailAddress.isValid(contact):
                throw APIError(.badRequest, "bad_contact", "contact must be an email address")
            case .webhook where !routes.configuration.webhooks.contains(where: { $0.name == contact }):
                throw APIError(.badRequest, "bad_contact", "contact must name a configured webhook")
            default: break
            }
        } else if channel == .webhook {
            throw APIError(.badRequest, "bad_contact", "a webhook takedown names its target in contact")
        }
        if let e = input.escalationContact, !EmailAddress.isValid(e) {
            throw APIError(.badRequest, "bad_contact", "escalation_contact must be an email address")
        }
        if let ref = input.caseRef, !(1...64).contains(ref.utf8.count) || !ref.allSatisfy({ $0.isASCII && !$0.isWhitespace }) {
            throw APIError(.badRequest, "bad_case_ref", "case_ref must be 1–64 printable ASCII characters")
        }
        if let d = input.description, d.utf8.count > 4000 {
            throw APIError(.badRequest, "description_too_long", "description must be at most 4000 bytes")
        }
        let url = try await routes.scans.fetcher.vet(input.url)
        let record = try storeCall { () throws(StoreError) in
            try store.createTakedown(
                TakedownDraft(
                    url: url.absoluteString, host: url.host ?? "", source: .api, status: .pending, channel: channel,
                    contact: input.contact, escalationContact: input.escalationContact, description: input.description,
                    caseRef: input.caseRef, createdBy: "key:\(key.name)"))
        }
        var response = Response.json(Self.json(record, checks: nil), status: .created)
        response.headers[.location] = "/v1/takedowns/\(record.id)"
        return response
    }

    func list(_ request: Request, _ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.takedowns)
        var status: TakedownStatus?
        if let text = request.uri.queryParameters["status"].map(String.init) {
            guard let s = TakedownStatus(rawValue: text) else {
                throw APIError(
                    .badRequest, "bad_parameter",
                    "status must be one of \(TakedownStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = s
        }
        let limit = try request.queryInteger("limit", default: 100, in: 1...1000)
        let records = try storeCall { () throws(StoreError) in try store.takedowns(status: status, limit: limit) }
        return Response.json(.object([("takedowns", .array(records.map { Self.json($0, checks: nil) }))]))
    }

    func show(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.takedowns)
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let record = try storeCall({ () throws(StoreError) in try store.takedown(id: id) }) else {
            throw APIError(.notFound, "unknown_takedown", "no takedown with that id")
        }
        let checks = try storeCall { () throws(StoreError) in try store.takedownChecks(id: id) }
        return Response.json(Self.json(record, checks: checks))
    }

    /// `GET /v1/transparency?months=`: public aggregate numbers (no content, no hashes, no labels).
    func transparency(_ request: Request) throws -> Response {
        let months = Int(request.uri.queryParameters["months"].map(String.init) ?? "12") ?? -1
        guard (1...120).contains(months) else { throw APIError(.badRequest, "bad_parameter", "months must be 1–120") }
        let report = try storeCall { () throws(StoreError) in try store.transparencyReport(months: months) }
        return Response.json(report.json)
    }

    static func json(_ r: TakedownRecord, checks: [TakedownCheck]?) -> JSONValue {
        func time(_ t: Double?) -> JSONValue {
            t.map { JSONValue.string(Timestamp.string(Date(timeIntervalSince1970: $0))) } ?? .null
        }
        var fields: [(String, JSONValue)] = [
            ("id", .string(r.id)), ("case_ref", .string(r.caseRef)), ("url", .string(r.url)), ("host", .string(r.host)),
            ("source", .string(r.source.rawValue)), ("status", .string(r.status.rawValue)),
            ("channel", .string(r.channel.rawValue)), ("contact", JSONValue(r.contact)),
            ("contact_source", JSONValue(r.contactSource)), ("escalation_contact", JSONValue(r.escalationContact)),
            ("description", JSONValue(r.description)),
            ("hashes", .object([("sha256", JSONValue(r.sha256)), ("pdq", JSONValue(r.pdq))])),
            ("scan_id", JSONValue(r.scanID)), ("created_by", .string(r.createdBy)), ("created_at", time(r.createdAt)),
            ("sent_at", time(r.sentAt)), ("escalated_at", time(r.escalatedAt)), ("removed_at", time(r.removedAt)),
            ("removal_reason", JSONValue(r.removalReason)),
            ("time_to_removal_seconds", r.timeToRemoval.map { JSONValue.int(Int($0.rounded())) } ?? .null),
            ("checks_count", .int(r.checks)), ("last_checked_at", time(r.lastCheckedAt)),
            ("next_check_at", time(r.nextCheckAt)), ("last_error", JSONValue(r.lastError)),
        ]
        if let checks {
            fields.append(
                (
                    "checks",
                    .array(
                        checks.map { c -> JSONValue in
                            .object([
                                ("at", time(c.at)), ("outcome", .string(c.outcome.rawValue)),
                                ("http_status", JSONValue(c.httpStatus)), ("sha256", JSONValue(c.sha256)),
                                ("pdq_distance", JSONValue(c.pdqDistance)), ("detail", .string(c.detail)),
                            ])
                        })
                ))
        }
        return .object(fields)
    }
}

extension ScanService {
    /// Fetches a takedown's URL with the SSRF-safe fetcher and hashes what it serves (PDQ and
    /// SHA-256 through the scan hasher; SHA-256 alone when it is not a decodable image).
    func probe(_ text: String) async -> ProbeResult {
        guard let url = try? fetcher.parse(text), let host = url.host else { return .failed("bad_url") }
        let deadline = NIODeadline.now() + .milliseconds(Int64(fetcher.policy.timeoutSeconds * 1000))
        do {
            if try await URLFetcher.resolve(host, deadline: deadline).isEmpty { return .unresolvable }
            switch try await fetcher.retrieve(text) {
            case .status(let code): return .status(code)
            case .media(let bytes):
                let record = try? await hash(bytes, dihedral: false).record
                let sha256 =
                    record?.digests?.sha256 ?? SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                return .content(sha256: sha256, pdq: record?.pdq?.hash.hex)
            }
        } catch let error as APIError {
            return .failed(error.code)
        } catch {
            return .failed("fetch_failed")
        }
    }

    /// A URL scan whose media matched a bank becomes a takedown candidate for an analyst.
    func proposeTakedown(scanID: String, url: String, actor: String) {
        guard let scan = try? store.scan(id: scanID), scan.status == .done, let result = scan.result,
            let object = (try? JSONSerialization.jsonObject(with: Data(result.utf8))) as? [String: Any],
            let verdict = object["verdict"] as? String, verdict != "allow",
            let signals = object["signals"] as? [[String: Any]],
            signals.contains(where: { $0["type"] as? String == "hash_match" && $0["suppressed"] as? Bool != true }),
            let parsed = URL(string: url), let host = parsed.host
        else { return }
        let hashes = object["hashes"] as? [String: Any]
        _ = try? store.createTakedown(
            TakedownDraft(
                url: url, host: host, source: .scan, status: .candidate, sha256: hashes?["sha256"] as? String,
                pdq: hashes?["pdq"] as? String, scanID: scanID, createdBy: actor))
    }
}
