import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VigilIndex
import VigilMedia
import VigilStore

@testable import VigilServer

/// A server with console users (cheap scrypt parameters: the cost is stored with each hash) and
/// review items whose media is kept encrypted, as the scan path keeps it.
struct ConsoleServer {
    var configuration: ServerConfiguration
    var console = ConsoleConfiguration()
    let store: SQLiteBankStore
    let vault: EvidenceVault
    static let password = "a long enough password"

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-console-\(UUID())").path
        configuration = ServerConfiguration(dataDirectory: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try SQLiteBankStore(path: configuration.databasePath)
        vault = try EvidenceVault(
            directory: configuration.evidenceDirectory,
            key: EvidenceVault.loadKey(path: configuration.resolvedEvidenceKeyFile, create: true))
        let hash = try PasswordHasher(logN: 4, r: 1, p: 1).hash(Self.password)
        for (name, role) in [("alice", ConsoleRole.analyst), ("bob", .analyst), ("lena", .lead)] {
            _ = try store.createUser(name: name, role: role, passwordHash: hash, by: "test")
        }
    }

    /// A review item with `media` preserved as evidence.
    func addItem(
        _ id: String, category: String? = "A1", media: [UInt8] = scenePictureBMP(), format: String = "bmp",
        filename: String? = nil,
        signals: String = #"[{"type":"hash_match","bank":"ncmec","kind":"pdq","distance":12,"category":"A1"}]"#
    ) throws {
        let scan = "scan-\(id)"
        _ = try store.submitScan(ScanSubmission(id: scan, keyID: nil, idempotencyKey: nil, fingerprint: id, asynchronous: false))
        let name = try vault.store(media, name: "\(id).bin")
        try store.complete(
            ScanCompletion(
                id: scan, status: .done, result: "{}", audit: AuditDraft(actor: "test", action: "scan.review", subject: scan),
                evidence: EvidenceDraft(
                    id: "ev-\(id)", scanID: scan, sha256: "", bytes: media.count, format: format, path: "evidence/" + name,
                    retainUntil: "2099-01-01T00:00:00Z", metadata: "{}")))
        try store.enqueueReview(
            ReviewItemDraft(
                id: id, scanID: scan, evidenceID: "ev-\(id)", verdict: "review", category: category, confidence: 0.9,
                pdq: nil, filename: filename, signals: signals))
    }

    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await buildApplication(configuration, console: console).test(.router, body)
    }
}

/// A logged-in browser: its session cookie and the CSRF token of its pages.
struct Browser: Sendable {
    var session: String
    var csrf: String

    var headers: HTTPFields { [.cookie: "\(ConsoleRoutes.sessionCookie)=\(session)"] }

    func form(_ fields: [String: String], csrf: String? = nil) -> (HTTPFields, ByteBuffer) {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        var all = fields
        all["csrf"] = csrf ?? self.csrf
        return (h, ByteBuffer(string: encodeForm(all)))
    }
}

func encodeForm(_ fields: [String: String]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.sorted { $0.key < $1.key }.map {
        "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }.joined(separator: "&")
}

func cookieValue(_ response: TestResponse, _ name: String) -> String? {
    for header in response.headers[values: .setCookie] where header.hasPrefix(name + "=") {
        return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
    }
    return nil
}

func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
        let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
        let range = Range(m.range(at: 1), in: text)
    else { return nil }
    return String(text[range])
}

/// Logs in through the form; returns the response of the POST and, on success, the browser.
func login(
    _ client: any TestClientProtocol, _ name: String, password: String = ConsoleServer.password, session: String? = nil
) async throws -> (HTTPResponse.Status, Browser?) {
    let token = try await client.execute(uri: "/console/login", method: .get) { response in
        #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == ConsoleRoutes.csp)
        return cookieValue(response, ConsoleRoutes.loginCookie) ?? ""
    }
    var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    headers[.cookie] =
        "\(ConsoleRoutes.loginCookie)=\(token)" + (session.map { "; \(ConsoleRoutes.sessionCookie)=\($0)" } ?? "")
    let (status, cookie) = try await client.execute(
        uri: "/console/login", method: .post, headers: headers,
        body: ByteBuffer(string: encodeForm(["csrf": token, "name": name, "password": password]))
    ) { ($0.status, cookieValue($0, ConsoleRoutes.sessionCookie)) }
    guard status == .seeOther, let cookie else { return (status, nil) }
    let csrf = try await client.execute(
        uri: "/console/queue", method: .get, headers: [.cookie: "\(ConsoleRoutes.sessionCookie)=\(cookie)"]
    ) { firstMatch(#"name="csrf" value="([0-9a-f]+)""#, in: String(buffer: $0.body)) ?? "" }
    return (status, Browser(session: cookie, csrf: csrf))
}

func page(_ client: any TestClientProtocol, _ browser: Browser, _ uri: String) async throws -> (HTTPResponse.Status, String) {
    try await client.execute(uri: uri, method: .get, headers: browser.headers) { ($0.status, String(buffer: $0.body)) }
}

func post(
    _ client: any TestClientProtocol, _ browser: Browser, _ uri: String, _ fields: [String: String] = [:], csrf: String? = nil
)
    async throws -> (HTTPResponse.Status, String)
{
    let (headers, body) = browser.form(fields, csrf: csrf)
    return try await client.execute(uri: uri, method: .post, headers: headers, body: body) {
        ($0.status, String(buffer: $0.body))
    }
}

/// Mean squared difference between horizontal neighbours: high-frequency energy.
func edgeEnergy(_ png: ByteBuffer) throws -> Double {
    let image = try ImageDecoder().decode(Array(png.readableBytesView)).image
    var sum = 0.0
    for y in 0..<image.height {
        for x in 1..<image.width {
            let d = Double(image.pixels[3 * (y * image.width + x)]) - Double(image.pixels[3 * (y * image.width + x - 1)])
            sum += d * d
        }
    }
    return sum / Double(image.height * (image.width - 1))
}

@Test("an analyst logs in, sees the queue in priority order, reveals (counted), claims and confirms; the audit names them")
func consoleDecisionFlow() async throws {
    let server = try ConsoleServer()
    try server.addItem("item-b2", category: "B2")
    try server.addItem("item-a1", category: "A1")
    let store = server.store
    try await server.run { client in
        let (_, b) = try await login(client, "alice")
        let browser = try #require(b)
        let (status, queue) = try await page(client, browser, "/console/queue")
        #expect(status == .ok)
        let a1 = try #require(queue.range(of: "item-a1")), b2 = try #require(queue.range(of: "item-b2"))
        #expect(a1.lowerBound < b2.lowerBound)

        let (_, item) = try await page(client, browser, "/console/items/item-a1")
        #expect(item.contains(#"class="blurred""#) && item.contains("ncmec"))
        let blurred = try await client.execute(uri: "/console/items/item-a1/preview", method: .get, headers: browser.headers) {
            #expect($0.headers[.contentType] == "image/png")
            return $0.body
        }
        #expect(item.contains(#"<span id="exposure">0</span>"#))
        let (revealStatus, revealed) = try await post(client, browser, "/console/items/item-a1/reveal")
        #expect(revealStatus == .ok)
        #expect(revealed.contains(#"<span id="exposure">1</span>"#) && revealed.contains(#"class="revealed""#))
        let sharp = try await client.execute(uri: "/console/items/item-a1/preview", method: .get, headers: browser.headers) {
            $0.body
        }
        #expect(try edgeEnergy(blurred) * 4 < edgeEnergy(sharp))

        #expect(try await post(client, browser, "/console/items/item-a1/claim").0 == .ok)
        let (decided, after) = try await post(
            client, browser, "/console/items/item-a1/decide", ["action": "confirm", "category": "A2"])
        #expect(decided == .ok && after.contains("confirmed"))
        #expect(!after.contains("item-a1\""))
    }
    let entries = try store.auditEntries(after: 0, limit: 100).map { "\($0.actor) \($0.action) \($0.subject ?? "")" }
    #expect(entries.contains("user:alice review.reveal item-a1"))
    #expect(entries.contains("user:alice review.confirmed item-a1"))
    #expect(try store.verifyAudit().intact)
}

@Test("false positive and escalate decisions from the console")
func consoleOtherDecisions() async throws {
    let server = try ConsoleServer()
    try server.addItem("fp")
    try server.addItem("esc")
    try await server.run { client in
        let browser = try #require(try await login(client, "alice").1)
        #expect(try await post(client, browser, "/console/items/fp/claim").0 == .ok)
        #expect(try await post(client, browser, "/console/items/fp/decide", ["action": "false_positive"]).0 == .ok)
        #expect(try await post(client, browser, "/console/items/esc/claim").0 == .ok)
        #expect(try await post(client, browser, "/console/items/esc/decide", ["action": "escalate"]).0 == .ok)
        let lead = try #require(try await login(client, "lena").1)
        let (_, queue) = try await page(client, lead, "/console/queue")
        #expect(queue.contains("esc") && queue.contains("escalated") && !queue.contains("/console/items/fp\""))
    }
    #expect(try server.store.reviewItem(id: "fp", for: ConsoleUser(id: 3, name: "lena", role: .lead))?.status == .falsePositive)
}

@Test("an analyst cannot export evidence; a lead can, and the export is audited")
func consoleExportRoles() async throws {
    let server = try ConsoleServer()
    let media = scenePictureBMP()
    try server.addItem("x", media: media)
    try await server.run { client in
        let analyst = try #require(try await login(client, "alice").1)
        #expect(try await post(client, analyst, "/console/items/x/export").0 == .forbidden)
        #expect(try await page(client, analyst, "/console/exposure").0 == .forbidden)
        let lead = try #require(try await login(client, "lena").1)
        let (headers, body) = lead.form([:])
        try await client.execute(uri: "/console/items/x/export", method: .post, headers: headers, body: body) {
            #expect($0.status == .ok)
            #expect(Array($0.body.readableBytesView) == media)
        }
        #expect(try await page(client, lead, "/console/exposure").0 == .ok)
    }
    let exports = try server.store.auditEntries(after: 0, limit: 100).filter { $0.action == "evidence.export" }
    #expect(exports.map(\.actor) == ["user:lena"])
}

@Test("one analyst cannot act on an item another has claimed")
func consoleClaimConflict() async throws {
    let server = try ConsoleServer()
    try server.addItem("x")
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        let bob = try #require(try await login(client, "bob").1)
        #expect(try await post(client, alice, "/console/items/x/claim").0 == .ok)
        #expect(try await post(client, bob, "/console/items/x/claim").0 == .conflict)
        #expect(try await post(client, bob, "/console/items/x/decide", ["action": "confirm", "category": "A1"]).0 == .conflict)
        #expect(try await post(client, bob, "/console/items/x/release").0 == .conflict)
    }
}

@Test("forms without the session's CSRF token are refused, and so is a login without the double-submit cookie")
func consoleCSRF() async throws {
    let server = try ConsoleServer()
    try server.addItem("x")
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        #expect(try await post(client, alice, "/console/items/x/claim", csrf: "").0 == .forbidden)
        #expect(try await post(client, alice, "/console/items/x/claim", csrf: String(repeating: "0", count: 64)).0 == .forbidden)
        var headers = alice.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        #expect(
            try await client.execute(uri: "/console/items/x/claim", method: .post, headers: headers) { $0.status }
                == .forbidden)
        let token = String(repeating: "a", count: 64)
        let status = try await client.execute(
            uri: "/console/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: encodeForm(["csrf": token, "name": "alice", "password": ConsoleServer.password]))
        ) { $0.status }
        #expect(status == .forbidden)
        #expect(try server.store.reviewItem(id: "x", for: ConsoleUser(id: 1, name: "alice", role: .analyst))?.claimedBy == nil)
    }
}

@Test("login issues a fresh session id: a planted one is ignored, and an earlier session ends")
func consoleSessionFixation() async throws {
    let server = try ConsoleServer()
    try await server.run { client in
        let planted = String(repeating: "f", count: 64)
        let (status, b) = try await login(client, "alice", session: planted)
        let browser = try #require(b)
        #expect(status == .seeOther && browser.session != planted)
        #expect(try await page(client, Browser(session: planted, csrf: ""), "/console/queue").0 == .seeOther)
        // Logging in again from the same browser ends the earlier session.
        let (_, again) = try await login(client, "alice", session: browser.session)
        #expect(try #require(again).session != browser.session)
        #expect(try await page(client, browser, "/console/queue").0 == .seeOther)
        #expect(cookieFlagsOK(try await client.execute(uri: "/console/login", method: .get) { $0 }))
    }
}

func cookieFlagsOK(_ response: TestResponse) -> Bool {
    response.headers[values: .setCookie].allSatisfy { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") }
}

@Test("filenames, signals and notes render inert")
func consoleXSS() async throws {
    let server = try ConsoleServer()
    let script = "<script>alert(1)</script>"
    try server.addItem(
        "x", filename: "\(script).jpg", signals: #"[{"type":"hash_match","bank":"<img src=x onerror=alert(1)>","distance":3}]"#)
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        let (_, item) = try await page(client, alice, "/console/items/x")
        #expect(!item.contains(script) && !item.contains("<img src=x"))
        #expect(item.contains("&lt;script&gt;alert(1)&lt;/script&gt;.jpg"))
        let lead = try #require(try await login(client, "lena").1)
        #expect(try await post(client, lead, "/console/cases", ["title": script, "kind": "incident"]).0 == .seeOther)
        #expect(try await post(client, lead, "/console/cases/1/notes", ["body": script]).0 == .seeOther)
        let (_, casePage) = try await page(client, lead, "/console/cases/1")
        #expect(!casePage.contains(script) && casePage.contains("&lt;script&gt;"))
    }
}

@Test("an analyst outside a case cannot open, preview or claim its items")
func consoleIDOR() async throws {
    let server = try ConsoleServer()
    try server.addItem("secret")
    let lead = ConsoleUser(id: 3, name: "lena", role: .lead)
    let c = try server.store.createCase(title: "incident 7", kind: "incident", by: lead)
    try server.store.addToCase(itemID: "secret", caseID: c.id, by: lead)
    try server.store.addCaseMember(caseID: c.id, userName: "bob", by: lead)
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        #expect(try await page(client, alice, "/console/items/secret").0 == .notFound)
        #expect(try await page(client, alice, "/console/items/secret/preview").0 == .notFound)
        #expect(try await page(client, alice, "/console/cases/\(c.id)").0 == .notFound)
        #expect(try await post(client, alice, "/console/items/secret/claim").0 == .notFound)
        #expect(try await post(client, alice, "/console/items/secret/reveal").0 == .notFound)
        #expect(try await post(client, alice, "/console/items/secret/play").0 == .notFound)
        #expect(try await page(client, alice, "/console/items/secret/video").0 == .notFound)
        let bob = try #require(try await login(client, "bob").1)
        #expect(try await page(client, bob, "/console/items/secret").0 == .ok)
    }
}

@Test("repeated wrong passwords lock the account, even against the right password")
func consoleLockout() async throws {
    let server = try ConsoleServer()
    try await server.run { client in
        for attempt in 1...5 {
            let (status, browser) = try await login(client, "alice", password: "wrong \(attempt)")
            #expect(browser == nil)
            #expect(status == (attempt < 5 ? .unauthorized : .tooManyRequests))
        }
        let (status, browser) = try await login(client, "alice")
        #expect(status == .tooManyRequests && browser == nil)
        #expect(try await login(client, "bob").1 != nil)
    }
}

@Test("previews are greyscale and blurred: box blur lowers edge energy; the PNG decodes with libpng")
func previewPipeline() throws {
    var checker = [UInt8](repeating: 0, count: 32 * 32)
    for i in 0..<checker.count where (i % 32 / 2 + i / 32 / 2) % 2 == 1 { checker[i] = 255 }
    let png = Preview.png(width: 32, height: 32, grey: checker)
    let decoded = try ImageDecoder().decode(png).image
    #expect(decoded.width == 32 && decoded.height == 32)
    let reds = (0..<checker.count).map { decoded.pixels[3 * $0] }
    let blues = (0..<checker.count).map { decoded.pixels[3 * $0 + 2] }
    #expect(reds == checker && blues == checker)
    var soft = GreyImage(width: 32, height: 32, pixels: checker)
    soft.boxBlur(radius: 2, passes: 3)
    let blurred = Preview.png(width: 32, height: 32, grey: soft.pixels)
    #expect(try edgeEnergy(ByteBuffer(bytes: blurred)) * 10 < edgeEnergy(ByteBuffer(bytes: png)))
    let red = GreyImage(luma: RGBImage(width: 1, height: 1, pixels: [255, 0, 0]), maxSide: 8)
    #expect(red.pixels == [76])  // BT.601: 0.299 × 255
    let rendered = try #require(Preview.render(scenePictureBMP(), revealed: false, limits: .default))
    let image = try ImageDecoder().decode(rendered).image
    #expect(max(image.width, image.height) <= Preview.blurredSide)
    #expect((0..<(image.width * image.height)).allSatisfy { image.pixels[3 * $0] == image.pixels[3 * $0 + 1] })
}

@Test("a scan whose verdict is review enters the queue, its media preserved for the preview")
func scanFeedsQueue() async throws {
    let server = try ConsoleServer()
    let key = try server.store.createKey(name: "k", scopes: [.scan]).secret
    try await server.run { client in
        let md5 = try await client.execute(uri: "/v1/hash", method: .post, headers: headers(key), body: pictureBMP) {
            object($0.body)["md5"] as? String
        }
        // A Project VIC 2 bank: the shipped policy's `review` verdict.
        let bank = try server.store.createBank(NewBank(name: "vic2", category: "2"))
        _ = try server.store.apply(
            [EntryChange(hash: HashValue(kind: .md5, hex: try #require(md5)))], toBank: bank.id, addedBy: "test")
        let verdict = try await client.execute(uri: "/v1/scan", method: .post, headers: headers(key), body: pictureBMP) {
            object($0.body)["verdict"] as? String
        }
        #expect(verdict == "review")
        let browser = try #require(try await login(client, "alice").1)
        let lead = ConsoleUser(id: 3, name: "lena", role: .lead)
        let item = try #require(try server.store.reviewQueue(for: lead, limit: 10).first)
        #expect(item.category == "2" && item.evidenceID != nil && item.confidence == 1)
        let (_, html) = try await page(client, browser, "/console/items/\(item.id)")
        #expect(html.contains("vic2"))
        let png = try await client.execute(uri: "/console/items/\(item.id)/preview", method: .get, headers: browser.headers) {
            $0.body
        }
        let image = try ImageDecoder().decode(Array(png.readableBytesView)).image
        #expect(max(image.width, image.height) == Preview.blurredSide)
    }
}

@Test("the retention sweeper deletes expired evidence (file and record, audited) and keeps what is on legal hold")
func retentionSweep() throws {
    let server = try ConsoleServer()
    let lead = ConsoleUser(id: 3, name: "lena", role: .lead)
    for id in ["gone", "held"] {
        try server.addItem(id)
        _ = try server.store.claim(itemID: id, user: lead, seconds: 60, now: Date().timeIntervalSince1970)
        // A false positive's evidence expires at once.
        _ = try server.store.decide(
            itemID: id, user: lead, decision: .falsePositive(negativeBank: nil), now: Date().timeIntervalSince1970)
    }
    try server.store.setLegalHold(evidenceID: "ev-held", held: true, by: lead.actor)
    let sweeper = EvidenceSweeper(store: server.store, vault: server.vault, logger: Logger(label: "test"))
    #expect(sweeper.sweep(now: Date().addingTimeInterval(5)) == 1)
    #expect(!FileManager.default.fileExists(atPath: server.configuration.evidenceDirectory + "/gone.bin"))
    #expect(try server.vault.load("held.bin") == scenePictureBMP())
    #expect(try server.store.evidence(scanID: "scan-gone").isEmpty)
    #expect(try server.store.evidence(scanID: "scan-held").count == 1)
    let deletions = try server.store.auditEntries(after: 0, limit: 100).filter { $0.action == "evidence.delete" }
    #expect(deletions.map { "\($0.actor) \($0.subject ?? "")" } == ["system:retention ev-gone"])
    #expect(try server.store.verifyAudit().intact)
    #expect(sweeper.sweep(now: Date().addingTimeInterval(5)) == 0)
}

@Test("only leads place legal holds from the console, and the hold keeps evidence from the sweeper")
func consoleLegalHold() async throws {
    let server = try ConsoleServer()
    try server.addItem("x")
    try await server.run { client in
        let analyst = try #require(try await login(client, "alice").1)
        #expect(try await post(client, analyst, "/console/items/x/hold", ["held": "1"]).0 == .forbidden)
        let lead = try #require(try await login(client, "lena").1)
        let (status, html) = try await post(client, lead, "/console/items/x/hold", ["held": "1"])
        #expect(status == .ok && html.contains("Legal hold placed."))
    }
    let holds = try server.store.auditEntries(after: 0, limit: 100).filter { $0.action == "evidence.hold" }
    #expect(holds.map(\.actor) == ["user:lena"])
    #expect(throws: StoreError.self) { try server.store.deleteEvidence(id: "ev-x", by: "test") }
}

@Test("console settings from the environment; bad values keep the defaults")
func consoleEnvironment() {
    let set = ConsoleConfiguration.fromEnvironment([
        "VIGIL_CONSOLE_SECURE_COOKIES": "1", "VIGIL_CONSOLE_DAILY_CAP": "50", "VIGIL_CONSOLE_BREAK_EVERY": "x",
    ])
    #expect(set.secureCookies && set.dailyRevealCap == 50 && set.breakEvery == ConsoleConfiguration().breakEvery)
    #expect(!ConsoleConfiguration.fromEnvironment([:]).secureCookies)
}
