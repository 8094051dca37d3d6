import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilReporting
import VigilStore

@testable import VigilServer

extension ConsoleServer {
    /// A confirmed item whose scan recorded an MD5, confirmed by alice (revealed first when `reveal`).
    func confirmedItem(_ id: String, reveal: Bool) throws {
        let scan = "scan-\(id)"
        _ = try store.submitScan(ScanSubmission(id: scan, keyID: nil, idempotencyKey: nil, fingerprint: id, asynchronous: false))
        let name = try vault.store(scenePictureBMP(), name: "\(id).bin")
        try store.complete(
            ScanCompletion(
                id: scan, status: .done, result: #"{"hashes":{"md5":"0123456789abcdef0123456789abcdef"}}"#,
                audit: AuditDraft(actor: "test", action: "scan.review", subject: scan),
                evidence: EvidenceDraft(
                    id: "ev-\(id)", scanID: scan, sha256: "", bytes: 1, format: "bmp", path: "evidence/" + name,
                    retainUntil: "2099-01-01T00:00:00Z", metadata: "{}"),
                review: ReviewItemDraft(
                    id: id, scanID: scan, evidenceID: "ev-\(id)", verdict: "review", category: "A1", confidence: 1, pdq: nil,
                    filename: "<b>x.bmp", signals: "[]")))
        let alice = try #require(try store.credentials(name: "alice")).user
        let now = Date().timeIntervalSince1970
        _ = try store.claim(itemID: id, user: alice, seconds: 600, now: now)
        if reveal { _ = try store.reveal(itemID: id, user: alice, dailyCap: 100, now: now) }
        _ = try store.decide(itemID: id, user: alice, decision: .confirm(category: "A1"), now: now)
    }
}

func reportServer(email: String? = "safety@example.org") throws -> (ConsoleServer, reports: String, scanOnly: String) {
    var server = try ConsoleServer()
    server.configuration.cybertip.reporter = .init(
        firstName: "Rae", lastName: "Porter", email: email, companyTemplate: "Example Photos Inc.")
    let reports = try server.store.createKey(name: "reporter", scopes: [.reports]).secret
    let scanOnly = try server.store.createKey(name: "scanner", scopes: [.scan]).secret
    return (server, reports, scanOnly)
}

@Test("/v1/reports: the reports scope is required; drafts from confirmed items carry the XML; submit queues once")
func reportAPI() async throws {
    let (server, key, scanOnly) = try reportServer()
    try server.confirmedItem("item-1", reveal: true)
    try server.addItem("item-pending")
    let store = server.store
    try await server.run { client in
        let create = ByteBuffer(string: #"{"items":["item-1"],"details":{"reported":{"screen_name":"up<l>oader"}}}"#)
        try await client.execute(uri: "/v1/reports", method: .post, headers: headers(scanOnly, json: true), body: create) {
            #expect($0.status == .forbidden)
        }
        let id = try await client.execute(uri: "/v1/reports", method: .post, headers: headers(key, json: true), body: create) {
            response in
            #expect(response.status == .created)
            let body = object(response.body)
            #expect(body["status"] as? String == "draft")
            #expect((body["problems"] as? [Any])?.isEmpty == true)
            let xml = body["xml"] as? String ?? ""
            #expect(xml.contains("<screenName>up&lt;l&gt;oader</screenName>"))
            #expect(response.headers[.location] == "/v1/reports/\(body["id"] as? String ?? "")")
            return body["id"] as? String ?? ""
        }
        // Only confirmed items are reported; unknown and malformed requests are clear errors.
        try await client.execute(
            uri: "/v1/reports", method: .post, headers: headers(key, json: true),
            body: ByteBuffer(string: #"{"items":["item-pending"]}"#)
        ) { #expect($0.status == .conflict) }
        try await client.execute(
            uri: "/v1/reports", method: .post, headers: headers(key, json: true), body: ByteBuffer(string: #"{"items":[]}"#)
        ) { #expect($0.status == .badRequest) }
        try await client.execute(
            uri: "/v1/reports", method: .post, headers: headers(key, json: true),
            body: ByteBuffer(string: #"{"items":["item-1"],"details":{"incident_type":"nonsense"}}"#)
        ) { #expect($0.status == .badRequest) }
        try await client.execute(uri: "/v1/reports/nope", method: .get, headers: headers(key)) { #expect($0.status == .notFound) }
        // Edit, then submit: queued (202) with preservation started; a second submission conflicts.
        try await client.execute(
            uri: "/v1/reports/\(id)", method: .patch, headers: headers(key, json: true),
            body: ByteBuffer(string: #"{"incident_date_time":"2026-11-01T12:00:00+01:00"}"#)
        ) { response in
            #expect(response.status == .ok)
            #expect((object(response.body)["xml"] as? String)?.contains("2026-11-01T12:00:00+01:00") == true)
        }
        try await client.execute(uri: "/v1/reports/\(id)/submit", method: .post, headers: headers(key)) { response in
            #expect(response.status == .accepted)
            #expect(object(response.body)["status"] as? String == "queued")
        }
        try await client.execute(uri: "/v1/reports/\(id)/submit", method: .post, headers: headers(key)) {
            #expect($0.status == .conflict)
        }
        try await client.execute(uri: "/v1/reports", method: .get, headers: headers(key)) { response in
            #expect((object(response.body)["reports"] as? [Any])?.count == 1)
        }
        try await client.execute(uri: "/v1/reports/\(id)", method: .delete, headers: headers(key)) {
            #expect($0.status == .methodNotAllowed)
        }
    }
    #expect(throws: StoreError.self) { try store.deleteEvidence(id: "ev-item-1", by: "test") }
    let actions = try store.auditEntries(after: 0, limit: 200).map(\.action)
    #expect(actions.contains("report.drafted") && actions.contains("report.queued"))
}

@Test("submitting without the reporter's email is refused with 422 naming the field")
func reportAPIMissingEmail() async throws {
    let (server, key, _) = try reportServer(email: nil)
    try server.confirmedItem("item-1", reveal: false)
    try await server.run { client in
        let id = try await client.execute(
            uri: "/v1/reports", method: .post, headers: headers(key, json: true),
            body: ByteBuffer(string: #"{"items":["item-1"]}"#)
        ) { response in
            #expect((object(response.body)["problems"] as? [String])?.contains { $0.contains("reporter.email") } == true)
            #expect(object(response.body)["xml"] is NSNull)
            return object(response.body)["id"] as? String ?? ""
        }
        try await client.execute(uri: "/v1/reports/\(id)/submit", method: .post, headers: headers(key)) { response in
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("reporter.email"))
        }
    }
}

@Test("console: an analyst drafts from a confirmed item and sees the escaped XML; only a lead submits; CSRF and CSP hold")
func reportConsole() async throws {
    let (server, _, _) = try reportServer()
    try server.confirmedItem("item-1", reveal: true)
    try await server.run { client in
        let (_, a) = try await login(client, "alice")
        let alice = try #require(a)
        let (_, item) = try await page(client, alice, "/console/items/item-1")
        #expect(item.contains(#"id="draft-report""#))
        let (headers, body) = alice.form(["items": "item-1"])
        let location = try await client.execute(uri: "/console/reports", method: .post, headers: headers, body: body) {
            response in
            #expect(response.status == .seeOther)
            return response.headers[.location] ?? ""
        }
        #expect(location.hasPrefix("/console/reports/"))
        let (status, report) = try await page(client, alice, location)
        #expect(status == .ok)
        #expect(report.contains("<td>&lt;b&gt;x.bmp</td>"), "the file name renders inert")
        #expect(!report.contains("<b>x"))
        #expect(report.contains("&lt;incidentType&gt;"), "the XML to be sent is shown, escaped")
        #expect(!report.contains(#"id="submit""#), "analysts get no submit button")
        #expect(try await post(client, alice, location + "/submit").0 == .forbidden)
        #expect(try await post(client, alice, location + "/details", ["screen_name": "u1"], csrf: "0").0 == .forbidden)
        let (saved, edited) = try await post(
            client, alice, location + "/details", ["screen_name": "u1", "ip_address": "192.0.2.1"])
        #expect(saved == .ok && edited.contains("&lt;screenName&gt;u1&lt;/screenName&gt;"))

        let (_, l) = try await login(client, "lena")
        let lena = try #require(l)
        let (submitted, queued) = try await post(client, lena, location + "/submit")
        #expect(submitted == .ok)
        #expect(queued.contains(#"<dd id="report-status">queued</dd>"#))
        try await client.execute(uri: location, method: .get, headers: lena.headers) { response in
            #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == ConsoleRoutes.csp)
        }
    }
}

@Test("the OpenAPI document describes the report routes and the reports scope")
func reportOpenAPI() throws {
    let document = try #require(
        try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
    let paths = try #require(document["paths"] as? [String: Any])
    for path in ["/v1/reports", "/v1/reports/{id}", "/v1/reports/{id}/submit"] { #expect(paths[path] != nil, "\(path)") }
    #expect(OpenAPIDocument.json.contains("scope reports"))
}

@Test("CyberTipline configuration: exttest by default, env and file applied, the password never printed")
func cybertipConfiguration() throws {
    var configuration = ServerConfiguration()
    #expect(configuration.cybertip.baseURL == "https://exttest.cybertip.org/ispws")
    #expect(try configuration.cybertip.credentials() == nil)
    try configuration.apply(environment: [
        "VIGIL_CYBERTIP_USERNAME": "esp", "VIGIL_CYBERTIP_PASSWORD": "hunter2-secret",
        "VIGIL_CYBERTIP_REPORTER_EMAIL": "safety@example.org",
    ])
    let credentials = try #require(try configuration.cybertip.credentials())
    #expect(credentials.username == "esp")
    #expect(!"\(credentials)".contains("hunter2") && !"\(configuration.cybertip)".contains("hunter2"))
    #expect(configuration.cybertip.reporter.email == "safety@example.org")

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cybertip-conf-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let passwordFile = dir.appendingPathComponent("pw").path
    try "from-file\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
    let file = dir.appendingPathComponent("vigil.json").path
    try
        #"{"cybertip":{"url":"https://report.cybertip.org/ispws","username":"esp2","password_file":"\#(passwordFile)","reporter":{"first_name":"Rae","email":"r@example.org"}}}"#
        .write(toFile: file, atomically: true, encoding: .utf8)
    var fromFile = ServerConfiguration()
    try fromFile.apply(file: file)
    let fileCredentials = try #require(try fromFile.cybertip.credentials())
    #expect(fileCredentials.password == "from-file" && fileCredentials.baseURL == "https://report.cybertip.org/ispws")
    #expect(fromFile.cybertip.reporter.firstName == "Rae")
    try #"{"cybertip":{"url":"ftp://x"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
    var bad = ServerConfiguration()
    #expect(throws: (any Error).self) { try bad.apply(file: file) }
}
