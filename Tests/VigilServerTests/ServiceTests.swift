import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import VigilCore
import VigilHashing
import VigilIndex
import VigilServer
import VigilStore

/// The scene picture's PDQ, put into a bank named `known` with `category`.
func plantBank(_ server: TestServer, category: String?) throws {
    let store = try SQLiteBankStore(path: server.configuration.databasePath)
    var record = HashRecord(path: "")
    FileHasher(options: HashOptions()).hash(bytes: scenePictureBMP(), into: &record)
    let bank = try store.createBank(NewBank(name: "known", category: category))
    _ = try store.apply(
        [EntryChange(hash: HashValue(kind: .pdq, hex: record.pdq!.hash.hex), label: "scene")], toBank: bank.id, addedBy: "test")
}

func field(_ response: TestResponse, _ name: String) -> Any? { object(response.body)[name] }

@Test("scans: idempotency keys replay the first scan, async scans queue and resolve, scans are private to their key")
func scanLifecycle() async throws {
    let server = try TestServer()
    try plantBank(server, category: "A1")
    let (key, other) = (server.scanOnly, server.full)
    try await server.run { client in
        var first = ""
        var h = headers(key)
        h[HTTPField.Name("Idempotency-Key")!] = "upload-1"
        try await client.execute(uri: "/v1/scan", method: .post, headers: h, body: pictureBMP) { response in
            #expect(response.status == .ok)
            #expect(field(response, "verdict") as? String == "block")
            #expect(field(response, "rules") as? [String] == ["known-abuse"])
            first = field(response, "id") as? String ?? ""
        }
        try await client.execute(uri: "/v1/scan", method: .post, headers: h, body: pictureBMP) { response in
            #expect(response.status == .ok)
            #expect(field(response, "id") as? String == first, "a retry returns the same scan")
            #expect(response.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
        }
        try await client.execute(
            uri: "/v1/scan", method: .post, headers: h, body: ByteBuffer(bytes: bombPNG())
        ) { response in
            #expect(response.status == .unprocessableContent)
            #expect(errorCode(response.body) == "idempotency_mismatch")
        }
        var otherHeaders = headers(other)
        otherHeaders[HTTPField.Name("Idempotency-Key")!] = "upload-1"
        try await client.execute(uri: "/v1/scan", method: .post, headers: otherHeaders, body: pictureBMP) { response in
            #expect(response.status == .ok)
            #expect(field(response, "id") as? String != first, "idempotency keys are scoped to the API key")
        }
        var queued = ""
        try await client.execute(uri: "/v1/scan?async=true", method: .post, headers: headers(key), body: pictureBMP) {
            response in
            #expect(response.status == .accepted)
            queued = field(response, "id") as? String ?? ""
            #expect(response.headers[.location] == "/v1/scans/\(queued)")
        }
        var verdict: String?
        for _ in 0..<200 where verdict == nil {
            try await client.execute(uri: "/v1/scans/\(queued)", method: .get, headers: headers(key)) { response in
                #expect(response.status == .ok)
                if field(response, "status") as? String == "done" { verdict = field(response, "verdict") as? String }
            }
            if verdict == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(verdict == "block", "the queued scan ran")
        try await client.execute(uri: "/v1/scans/\(queued)", method: .get, headers: headers(other)) { response in
            #expect(response.status == .notFound, "another key cannot see the scan")
        }
        try await client.execute(uri: "/v1/scans/nope", method: .get, headers: headers(key)) {
            #expect($0.status == .notFound)
        }
        // A failed synchronous scan is recorded and readable too.
        try await client.execute(uri: "/v1/scan", method: .post, headers: headers(key), body: ByteBuffer(bytes: bombPNG())) {
            response in
            #expect(response.status == .unprocessableContent)
        }
        var bad = headers(key)
        bad[HTTPField.Name("Idempotency-Key")!] = "has spaces in it"
        let cases: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
            ("/v1/scan", bad, pictureBMP, .badRequest, "bad_idempotency_key"),
            ("/v1/scan?async=maybe", headers(key), pictureBMP, .badRequest, "bad_parameter"),
            ("/v1/scan", headers(key, json: true), ByteBuffer(string: "{\"url\":"), .badRequest, "malformed_json"),
            ("/v1/scan", headers(key, json: true), ByteBuffer(string: "{\"url\":\"ftp://x/y\"}"), .badRequest, "bad_url"),
        ]
        for (uri, h, body, status, code) in cases {
            try await client.execute(uri: uri, method: .post, headers: h, body: body) { response in
                #expect(response.status == status, "\(code)")
                #expect(errorCode(response.body) == code)
            }
        }
        var text = headers(key)
        text[.contentType] = "text/plain"
        try await client.execute(uri: "/v1/scan", method: .post, headers: text, body: pictureBMP) {
            #expect($0.status == .unsupportedMediaType)
        }
    }
    let store = try SQLiteBankStore(path: server.configuration.databasePath)
    #expect(try store.verifyAudit().intact)
    #expect(try store.auditEntries(after: 0, limit: 100).filter { $0.action == "scan.block" }.count == 3)
}

@Test(
    "URLs naming loopback, private, link-local or mapped addresses are refused before any connection",
    arguments: [
        "http://127.0.0.1/a.jpg", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/x", "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x", "http://[fe80::1]/x", "http://192.168.0.1:8080/x", "http://localhost/x",
        "http://0.0.0.0/x", "http://100.64.0.1/x",
    ])
func ssrfRefused(url: String) async throws {
    let server = try TestServer()
    try await server.run { client in
        for endpoint in ["/v1/scan", "/v1/hash"] {
            try await client.execute(
                uri: endpoint, method: .post, headers: headers(server.scanOnly, json: true),
                body: ByteBuffer(string: #"{"url":"\#(url)"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent, "\(url)")
                #expect(errorCode(response.body) == "url_forbidden")
            }
        }
        try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
    }
}

/// A local web server: media, redirects and a webhook receiver.
final class Origin: Sendable {
    let received = Mutex<[(headers: HTTPFields, body: [UInt8])]>([])

    func run(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/img") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/bmp"], body: .init(byteBuffer: pictureBMP))
        }
        router.get("/loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("/chain/:n") { _, context in
            let n = Int(context.parameters.get("n") ?? "0") ?? 0
            return Response(status: .found, headers: [.location: "/chain/\(n + 1)"])
        }
        router.get("/big") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0xFF, count: 3 << 20)))
        }
        router.post("/hook") { request, _ in
            let bytes = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            self.received.withLock { $0.append((request.headers, bytes)) }
            return Response(status: .noContent)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(client.port!) }
    }
}

@Test(
    "fetching follows redirects up to the cap, refuses loops and oversize bodies; a block sends a signed webhook, keeps encrypted evidence and an audit entry"
)
func fetchWebhookEvidence() async throws {
    let origin = Origin()
    try await origin.run { port in
        var configured = try TestServer(maxBodyBytes: 1 << 20)
        configured.configuration.fetch = FetchPolicy(
            allowPrivateNetworks: true, allowedPorts: nil, maxBytes: 1 << 20, timeoutSeconds: 5)
        configured.configuration.webhooks = [WebhookTarget(name: "soc", url: "http://127.0.0.1:\(port)/hook", secret: "s3cret")]
        let server = configured
        try plantBank(server, category: nil)
        let base = "http://127.0.0.1:\(port)"
        try await server.run { client in
            let cases: [(String, HTTPResponse.Status, String?)] = [
                ("/loop", .unprocessableContent, "redirect_loop"),
                ("/chain/0", .unprocessableContent, "too_many_redirects"),
                ("/big", .contentTooLarge, "too_large"),
                ("/missing", .unprocessableContent, "fetch_failed"),
                ("/img", .ok, nil),
            ]
            for (path, status, code) in cases {
                try await client.execute(
                    uri: "/v1/scan", method: .post, headers: headers(server.scanOnly, json: true),
                    body: ByteBuffer(string: #"{"url":"\#(base)\#(path)"}"#)
                ) { response in
                    #expect(response.status == status, "\(path)")
                    if let code { #expect(errorCode(response.body) == code, "\(path)") }
                    if code == nil { #expect(field(response, "verdict") as? String == "block") }
                }
            }
            var delivered: [(headers: HTTPFields, body: [UInt8])] = []
            for _ in 0..<100 where delivered.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                delivered = origin.received.withLock { $0 }
            }
            #expect(delivered.count == 1)
            if let hook = delivered.first {
                let signature = hook.headers[HTTPField.Name("Vigil-Signature")!] ?? ""
                let now = Int(Date().timeIntervalSince1970)
                #expect(WebhookSignature.verify(header: signature, body: hook.body, secret: "s3cret", now: now))
                #expect(!WebhookSignature.verify(header: signature, body: hook.body, secret: "wrong", now: now))
                #expect(!WebhookSignature.verify(header: signature, body: hook.body + [0x20], secret: "s3cret", now: now))
                #expect(hook.headers[HTTPField.Name("Vigil-Event-Type")!] == "scan.block")
                let text = String(decoding: hook.body, as: UTF8.self)
                #expect(!text.contains("scene"), "webhooks carry no labels")
            }
        }
        let store = try SQLiteBankStore(path: server.configuration.databasePath)
        let blocked = try store.auditEntries(after: 0, limit: 100).filter { $0.action == "scan.block" }
        #expect(blocked.count == 1)
        let evidence = try store.evidence(scanID: blocked.first?.subject ?? "")
        #expect(evidence.count == 1)
        let key = try EvidenceVault.loadKey(path: server.configuration.resolvedEvidenceKeyFile, create: false)
        let vault = try EvidenceVault(directory: server.configuration.evidenceDirectory, key: key)
        let name = String(evidence.first?.path.dropFirst("evidence/".count) ?? "")
        #expect(try vault.load(name) == scenePictureBMP(), "evidence decrypts to the scanned media")
        let raw = FileManager.default.contents(atPath: server.configuration.evidenceDirectory + "/" + name) ?? Data()
        #expect(raw.range(of: Data(scenePictureBMP().suffix(64))) == nil, "evidence is not stored in the clear")
    }
}

@Test("multipart uploads, bulk list import, metrics for admins and per-key rate limits")
func uploadsImportMetricsLimits() async throws {
    var configured = try TestServer()
    configured.configuration.rateLimit = RateLimit(requestsPerSecond: 0.01, burst: 12)
    let store = try SQLiteBankStore(path: configured.configuration.databasePath)
    let admin = try store.createKey(name: "admin", scopes: [.admin]).secret
    _ = try store.createBank(NewBank(name: "list"))
    let server = configured
    try await server.run { client in
        let boundary = "vigil-test-boundary"
        var form = ByteBuffer(
            string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bmp\"\r\n"
                + "Content-Type: image/bmp\r\n\r\n")
        form.writeBytes(scenePictureBMP())
        form.writeString("\r\n--\(boundary)--\r\n")
        var h = headers(server.scanOnly)
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        try await client.execute(uri: "/v1/scan", method: .post, headers: h, body: form) { response in
            #expect(response.status == .ok)
            #expect((object(response.body)["hashes"] as? [String: Any])?["format"] as? String == "bmp")
        }
        // A non-ASCII byte where a part header's name goes (this crashed MultipartKit's parser).
        var hostile = ByteBuffer(string: "--\(boundary)\r\n")
        hostile.writeBytes([0xCE, 0x1D, 0xF2, 0x81])
        hostile.writeString("E--\(boundary)--\r\n")
        try await client.execute(uri: "/v1/scan", method: .post, headers: h, body: hostile) {
            #expect($0.status == .badRequest)
            #expect(errorCode($0.body) == "bad_multipart")
        }
        h[.contentType] = "multipart/form-data"
        try await client.execute(uri: "/v1/scan", method: .post, headers: h, body: form) {
            #expect(errorCode($0.body) == "bad_multipart")
        }
        let list = ByteBuffer(
            string: String(repeating: "a", count: 64) + "\nnot a hash\n" + String(repeating: "b", count: 32) + "\n")
        try await client.execute(
            uri: "/v1/banks/list/import?format=text", method: .post, headers: headers(server.full), body: list
        ) { response in
            #expect(response.status == .ok)
            #expect(field(response, "added") as? Int == 2)
            #expect(field(response, "rejected") as? Int == 1)
            #expect((field(response, "problems") as? [[String: Any]])?.first?["line"] as? Int == 2)
        }
        try await client.execute(
            uri: "/v1/banks/list/import?format=docx", method: .post, headers: headers(server.full), body: list
        ) { #expect($0.status == .badRequest) }
        try await client.execute(
            uri: "/v1/banks/nope/import?format=text", method: .post, headers: headers(server.full), body: list
        ) { #expect($0.status == .notFound) }
        try await client.execute(uri: "/metrics", method: .get, headers: headers(server.scanOnly)) {
            #expect($0.status == .forbidden)
        }
        try await client.execute(uri: "/metrics", method: .get, headers: headers(admin)) { response in
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.contains("vigil_http_requests_total{method=\"POST\",route=\"/v1/scan\",status=\"200\"}"))
            #expect(text.contains("vigil_scans_total{verdict=\"allow\"}"))
            #expect(text.contains("vigil_index_hashes{kind=\"md5\"} 1"))
        }
        // The scan-only key has used 4 of its 12; the next 8 pass, then 429 with Retry-After.
        for _ in 0..<8 {
            try await client.execute(uri: "/v1/scans/none", method: .get, headers: headers(server.scanOnly)) {
                #expect($0.status == .notFound)
            }
        }
        try await client.execute(uri: "/v1/scans/none", method: .get, headers: headers(server.scanOnly)) { response in
            #expect(response.status == .tooManyRequests)
            #expect(errorCode(response.body) == "rate_limited")
            #expect(response.headers[.retryAfter] != nil)
        }
        try await client.execute(uri: "/v1/banks", method: .get, headers: headers(server.full)) {
            #expect($0.status == .ok, "other keys keep their own budget")
        }
    }
}
