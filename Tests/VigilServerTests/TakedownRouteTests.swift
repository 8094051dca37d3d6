import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilStore
import VigilTakedown

@testable import VigilServer

/// A public address literal: the SSRF checks pass without DNS, and nothing is fetched.
let publicURL = "http://93.184.215.14/gallery/img.jpg"

func takedownKey(_ server: TestServer) throws -> String {
    try SQLiteBankStore(path: server.configuration.databasePath).createKey(name: "takedowns", scopes: [.takedowns]).secret
}

/// A fresh challenge and its solution.
func solvedChallenge(_ client: any TestClientProtocol) async throws -> (String, String) {
    let (challenge, bits) = try await client.execute(uri: "/report/challenge", method: .get) { response in
        (field(response, "challenge") as? String ?? "", field(response, "bits") as? Int ?? 0)
    }
    return (challenge, ProofOfWork.solve(challenge, bits: bits) ?? "")
}

func jsonBody(_ fields: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: fields))
}

@Test("the public report form: CSP with no inline script, a solved report lands as a candidate, bad submissions get clear errors")
func publicReportForm() async throws {
    var server = try TestServer()
    server.configuration.reportForm = ReportFormSettings(
        rateLimit: RateLimit(requestsPerSecond: 0.001, burst: 100), powBits: 8, maxURLBytes: 256, maxDescriptionBytes: 100,
        minimumFillSeconds: 30)
    let key = try takedownKey(server)
    try await server.run { client in
        try await client.execute(uri: "/report", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == PublicRoutes.csp)
            let html = String(buffer: response.body)
            #expect(html.contains(#"<script src="/public/report.js"></script>"#))
            #expect(html.components(separatedBy: "<script").count == 2, "one script tag, and it is external")
            #expect(!html.contains("type=\"file\""), "no upload")
        }
        try await client.execute(uri: "/public/report.js", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
        }
        let json: HTTPFields = [.contentType: "application/json"]
        var (challenge, solution) = try await solvedChallenge(client)
        var reference = ""
        try await client.execute(
            uri: "/report", method: .post, headers: json,
            body: jsonBody(["url": publicURL, "description": "seen in a forum", "challenge": challenge, "pow": solution])
        ) { response in
            #expect(response.status == .accepted)
            reference = field(response, "reference") as? String ?? ""
        }
        #expect(reference.hasPrefix("VGL-"))
        try await client.execute(uri: "/v1/takedowns?status=candidate", method: .get, headers: headers(key)) { response in
            #expect(response.status == .ok)
            let list = object(response.body)["takedowns"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["url"] as? String == publicURL)
            #expect(list.first?["source"] as? String == "public")
            #expect(list.first?["case_ref"] as? String == reference)
        }
        // The same challenge cannot be spent twice.
        try await client.execute(
            uri: "/report", method: .post, headers: json,
            body: jsonBody(["url": publicURL, "challenge": challenge, "pow": solution])
        ) { response in
            #expect(response.status == .badRequest)
            #expect(errorCode(response.body) == "bad_proof_of_work")
        }
        // SSRF: private, loopback, link-local and non-http URLs are refused before anything is stored.
        for (url, status, code) in [
            ("http://127.0.0.1/x", HTTPResponse.Status.unprocessableContent, "url_forbidden"),
            ("http://169.254.169.254/latest/meta-data", .unprocessableContent, "url_forbidden"),
            ("http://10.1.2.3:8080/a.jpg", .unprocessableContent, "url_forbidden"),
            ("http://[::1]/a", .unprocessableContent, "url_forbidden"),
            ("file:///etc/passwd", .badRequest, "bad_url"), ("http://93.184.215.14:22/", .unprocessableContent, "url_forbidden"),
        ] {
            (challenge, solution) = try await solvedChallenge(client)
            try await client.execute(
                uri: "/report", method: .post, headers: json,
                body: jsonBody(["url": url, "challenge": challenge, "pow": solution])
            ) { response in
                #expect(response.status == status, "\(url)")
                #expect(errorCode(response.body) == code, "\(url)")
            }
        }
        // Malformed and oversized submissions.
        (challenge, solution) = try await solvedChallenge(client)
        let cases: [(HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
            (json, ByteBuffer(string: "{not json"), .badRequest, "malformed"),
            (json, jsonBody(["url": 12]), .badRequest, "malformed"),
            (json, jsonBody(["description": "x", "challenge": challenge, "pow": solution]), .badRequest, "missing_url"),
            (json, jsonBody(["url": "http://93.184.215.14/" + String(repeating: "a", count: 300)]), .badRequest, "url_too_long"),
            (
                json, jsonBody(["url": publicURL, "description": String(repeating: "d", count: 101)]), .badRequest,
                "description_too_long"
            ),
            (json, ByteBuffer(string: String(repeating: " ", count: 10_000)), .contentTooLarge, "too_large"),
            (json, jsonBody(["url": publicURL]), .badRequest, "missing_challenge"),
            (
                json, jsonBody(["url": publicURL, "challenge": challenge, "pow": "not-a-solution"]), .badRequest,
                "bad_proof_of_work"
            ),
            (json, jsonBody(["url": publicURL, "challenge": challenge]), .badRequest, "bad_proof_of_work"),
            (json, jsonBody(["url": publicURL, "challenge": "v1.1.00.8.ff", "pow": "1"]), .badRequest, "bad_proof_of_work"),
            (
                json, jsonBody(["url": publicURL, "website": "http://spam", "challenge": challenge, "pow": solution]),
                .badRequest, "rejected"
            ),
            (
                [.contentType: "multipart/form-data; boundary=x"], ByteBuffer(string: "--x--"), .unsupportedMediaType,
                "unsupported_media_type"
            ),
        ]
        for (h, body, status, code) in cases {
            try await client.execute(uri: "/report", method: .post, headers: h, body: body) { response in
                #expect(response.status == status, "\(code)")
                if h[.contentType] == "application/json" {
                    #expect(errorCode(response.body) == code)
                } else {
                    // Anything but JSON is answered as the form would be: an HTML page with the message.
                    #expect(String(buffer: response.body).contains("no files are accepted"))
                }
            }
        }
        // The HTML form answers errors as a page with the message.
        try await client.execute(
            uri: "/report", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: encodeForm(["url": "http://127.0.0.1/", "challenge": challenge, "pow": solution]))
        ) { response in
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: response.body).contains("id=\"error\""))
        }
    }
}

@Test("flooding the report form from one address is rate-limited with 429 and Retry-After")
func reportFormFlood() async throws {
    var server = try TestServer()
    server.configuration.reportForm = ReportFormSettings(rateLimit: RateLimit(requestsPerSecond: 0.01, burst: 3), powBits: 4)
    try await server.run { client in
        var statuses: [HTTPResponse.Status] = []
        for _ in 0..<6 {
            let (challenge, solution) = try await solvedChallenge(client)
            try await client.execute(
                uri: "/report", method: .post, headers: [.contentType: "application/json"],
                body: jsonBody(["url": publicURL, "challenge": challenge, "pow": solution])
            ) { response in
                statuses.append(response.status)
                if response.status == .tooManyRequests {
                    #expect(errorCode(response.body) == "rate_limited")
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                }
            }
        }
        #expect(statuses == [.accepted, .accepted, .accepted, .tooManyRequests, .tooManyRequests, .tooManyRequests])
    }
}

@Test("the takedown API: scoped keys, validation, SSRF checks, list and detail; transparency is public and aggregate")
func takedownAPI() async throws {
    let server = try TestServer()
    let key = try takedownKey(server)
    let scanOnly = server.scanOnly
    try await server.run { client in
        let body = jsonBody(["url": publicURL, "contact": "abuse@host.test", "case_ref": "HOTLINE-42"])
        try await client.execute(uri: "/v1/takedowns", method: .post, headers: headers(scanOnly, json: true), body: body) {
            #expect($0.status == .forbidden)
        }
        try await client.execute(uri: "/v1/takedowns", method: .get) { #expect($0.status == .unauthorized) }
        var id = ""
        try await client.execute(uri: "/v1/takedowns", method: .post, headers: headers(key, json: true), body: body) {
            response in
            #expect(response.status == .created)
            id = field(response, "id") as? String ?? ""
            #expect(response.headers[.location] == "/v1/takedowns/\(id)")
            #expect(field(response, "status") as? String == "pending")
            #expect(field(response, "case_ref") as? String == "HOTLINE-42")
        }
        for (fields, status, code) in [
            (["url": publicURL, "contact": "not an email"], HTTPResponse.Status.badRequest, "bad_contact"),
            (["url": publicURL, "channel": "fax"], .badRequest, "bad_channel"),
            (["url": publicURL, "channel": "webhook", "contact": "nope"], .badRequest, "bad_contact"),
            (["url": "http://192.168.1.1/"], .unprocessableContent, "url_forbidden"),
        ] {
            try await client.execute(
                uri: "/v1/takedowns", method: .post, headers: headers(key, json: true), body: jsonBody(fields)
            ) { response in
                #expect(response.status == status)
                #expect(errorCode(response.body) == code)
            }
        }
        try await client.execute(uri: "/v1/takedowns/\(id)", method: .get, headers: headers(key)) { response in
            #expect(response.status == .ok)
            #expect(field(response, "url") as? String == publicURL)
            #expect(field(response, "checks") as? [Any] != nil)
        }
        try await client.execute(uri: "/v1/takedowns/nope", method: .get, headers: headers(key)) {
            #expect($0.status == .notFound)
        }
        try await client.execute(uri: "/v1/takedowns?status=bogus", method: .get, headers: headers(key)) {
            #expect($0.status == .badRequest)
        }
        try await client.execute(uri: "/v1/transparency", method: .get) { response in
            #expect(response.status == .ok)
            #expect((object(response.body)["months"] as? [Any])?.count == 12)
            #expect(object(response.body)["time_to_removal"] != nil)
        }
        try await client.execute(uri: "/v1/transparency?months=0", method: .get) { #expect($0.status == .badRequest) }
        try await client.execute(uri: "/transparency", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == PublicRoutes.csp)
            let html = String(buffer: response.body)
            #expect(html.contains("<svg") && !html.contains("<script"))
        }
        try await client.execute(uri: "/v1/transparency", method: .post) { #expect($0.status == .methodNotAllowed) }
    }
}

@Test("the console lists takedowns, queues a URL entered by hand and approves a public candidate, with CSRF")
func consoleTakedowns() async throws {
    let server = try ConsoleServer()
    let candidate = try server.store.createTakedown(
        TakedownDraft(
            url: publicURL, host: "93.184.215.14", source: .publicReport, status: .candidate,
            description: "<b>seen</b>", createdBy: "public"))
    try await server.run { client in
        let (_, b) = try await login(client, "alice")
        let browser = try #require(b)
        let (status, html) = try await page(client, browser, "/console/takedowns")
        #expect(status == .ok)
        #expect(html.contains(candidate.caseRef))
        #expect(html.contains("&lt;b&gt;seen&lt;/b&gt;") && !html.contains("<b>seen</b>"), "public text is escaped")
        #expect(!html.contains("href=\"\(publicURL)"), "reported URLs are never links")
        let (refused, _) = try await post(
            client, browser, "/console/takedowns/\(candidate.id)/review", ["decision": "approve"], csrf: "bad")
        #expect(refused == .forbidden)
        let (approved, after) = try await post(
            client, browser, "/console/takedowns/\(candidate.id)/review", ["decision": "approve", "contact": "abuse@h.test"])
        #expect(approved == .ok)
        #expect(after.contains("approved"))
        #expect(try server.store.takedown(id: candidate.id)?.status == .pending)
        let (added, list) = try await post(client, browser, "/console/takedowns", ["url": "http://93.184.215.14/other.png"])
        #expect(added == .ok && list.contains("queued"))
        let (bad, _) = try await post(client, browser, "/console/takedowns", ["url": "javascript:alert(1)"])
        #expect(bad == .badRequest)
    }
}
