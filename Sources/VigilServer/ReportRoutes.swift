import Foundation
import Hummingbird
import NIOCore
import VigilCore
import VigilReporting
import VigilStore

/// `/v1/reports`: CyberTipline drafts from confirmed review items or cases, their XML, and
/// submission to the outbox. Every route needs the `reports` scope.
struct ReportRoutes: Sendable {
    let desk: CyberTipDesk
    let store: SQLiteBankStore
    let maxJSONBytes: Int

    func register(on router: Router<VigilRequestContext>) {
        router.post("/v1/reports") { request, context in try await create(request, context) }
        router.get("/v1/reports") { request, context in try list(request, context) }
        router.get("/v1/reports/:id") { _, context in try show(context) }
        router.patch("/v1/reports/:id") { request, context in try await edit(request, context) }
        router.post("/v1/reports/:id/submit") { _, context in try submit(context) }
    }

    struct CreateRequest: Decodable {
        var items: [String]?
        var `case`: Int64?
        var details: DraftDetails?
    }

    func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.reports)
        let input = try await decode(CreateRequest.self, request)
        guard (input.items?.isEmpty ?? true) != (input.case == nil) else {
            throw APIError(.badRequest, "invalid", "send either \"items\" (review item ids) or \"case\" (a case id)")
        }
        let record = try reporting {
            try desk.draft(itemIDs: input.items, caseID: input.case, details: input.details ?? .init(), by: "key:\(key.name)")
        }
        var response = Response.json(text: Self.json(record), status: .created)
        response.headers[.location] = "/v1/reports/\(record.id)"
        return response
    }

    func list(_ request: Request, _ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.reports)
        let limit = try request.queryInteger("limit", default: 100, in: 1...1000)
        let records = try storeCall { () throws(StoreError) in try store.reports(limit: limit) }
        return Response.json(text: "{\"reports\":[" + records.map { Self.json($0, full: false) }.joined(separator: ",") + "]}")
    }

    func show(_ context: VigilRequestContext) throws -> Response {
        _ = try context.require(.reports)
        return Response.json(text: Self.json(try record(context)))
    }

    func edit(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let key = try context.require(.reports)
        let id = try record(context).id
        let details = try await decode(DraftDetails.self, request)
        return Response.json(text: Self.json(try reporting { try desk.edit(id: id, details: details, by: "key:\(key.name)") }))
    }

    func submit(_ context: VigilRequestContext) throws -> Response {
        let key = try context.require(.reports)
        let id = try record(context).id
        let record = try reporting { try desk.submit(id: id, by: "key:\(key.name)") }
        return Response.json(text: Self.json(record), status: .accepted)
    }

    private func record(_ context: VigilRequestContext) throws -> ReportRecord {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let record = try storeCall({ () throws(StoreError) in try store.report(id: id) }) else {
            throw APIError(.notFound, "unknown_report", "no report with that id")
        }
        return record
    }

    /// Store and reporting errors as API errors: an invalid draft is 422 with every problem named.
    private func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ReportingError {
            throw APIError(.unprocessableContent, error.code.rawValue, error.message)
        } catch let error as StoreError {
            return try storeCall { () throws(StoreError) -> T in throw error }
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        guard let contentType = request.headers[.contentType], contentType.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send application/json")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxJSONBytes)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the JSON body exceeds \(maxJSONBytes) bytes")
        }
        do {
            return try ReportDrafter.decoder.decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, "malformed_json", "the JSON body is malformed or has a wrong field (\(Self.path(error)))")
        }
    }

    private static func path(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return c.codingPath.isEmpty ? "malformed" : "at " + c.codingPath.map(\.stringValue).joined(separator: ".")
        default: return "unreadable"
        }
    }

    /// A report as JSON; `full` adds the draft, the XML it sends (or its problems) and the receipt.
    static func json(_ r: ReportRecord, full: Bool = true) -> String {
        var fields: [(String, JSONValue)] = [
            ("id", .string(r.id)), ("status", .string(r.status.rawValue)), ("case", JSONValue(r.caseID.map { Int($0) })),
            ("items", .array(r.itemIDs.map(JSONValue.string))), ("created_by", .string(r.createdBy)),
            ("created_at", .string(r.createdAt)), ("submitted_by", JSONValue(r.submittedBy)),
            ("submitted_at", JSONValue(r.submittedAt)), ("ncmec_report_id", JSONValue(r.ncmecReportID)),
            ("finished_at", JSONValue(r.finishedAt)), ("attempts", .int(r.attempts)), ("last_error", JSONValue(r.lastError)),
        ]
        guard full else { return JSONValue.object(fields).serialized }
        let view = CyberTipDesk.view(r)
        fields += [
            ("problems", .array(view.problems.map(JSONValue.string))), ("xml", JSONValue(view.xml)),
            ("receipt", JSONValue(r.receipt)),
        ]
        let text = JSONValue.object(fields).serialized
        return String(text.dropLast()) + ",\"draft\":" + r.draft + "}"
    }
}
