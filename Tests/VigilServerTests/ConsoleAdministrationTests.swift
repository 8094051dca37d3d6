import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VigilCore
import VigilIndex
import VigilMedia
import VigilStore
import VigilTestSupport

@testable import VigilServer

/// A small benign test-pattern video made with the ffmpeg CLI (installed by scripts/bootstrap):
/// `seconds` long at 5 fps, MPEG-4 part 2 in MP4, with a sine audio track (which the console mutes).
func testPatternVideo(seconds: Int = 4) throws -> [UInt8] {
    let directory = FFmpegCLI.temporaryDirectory("vigil-console")
    let path = directory + "/pattern.mp4"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let made = FFmpegCLI.run([
        [
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5", "-f", "lavfi", "-i", "sine=frequency=440", "-t",
            String(seconds), "-c:v", "mpeg4", "-q:v", "3", "-c:a", "aac", "-shortest", path,
        ]
    ])
    #expect(made, "ffmpeg failed to make the test video")
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

func pngImage(_ buffer: ByteBuffer) throws -> RGBImage {
    try ImageDecoder().decode(Array(buffer.readableBytesView)).image
}

@Test(
    "a video item shows blurred greyscale stills first; reveal and playback are each counted; playback is muted, never autoplays, and is served only after both"
)
func consoleVideoItem() async throws {
    let server = try ConsoleServer()
    let video = try testPatternVideo()
    try server.addItem("clip", media: video, format: "mp4")
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        let (_, page0) = try await page(client, alice, "/console/items/clip")
        #expect(page0.contains(#"class="blurred stills""#) && !page0.contains("<video") && !page0.contains(#"id="play""#))
        let blurred = try await client.execute(uri: "/console/items/clip/preview", method: .get, headers: alice.headers) {
            #expect($0.headers[.contentType] == "image/png")
            return $0.body
        }
        let strip = try pngImage(blurred)
        // Four stills side by side, each at most the blurred side, in grey.
        #expect(strip.height <= Preview.blurredSide && strip.width > 3 * strip.height, "\(strip.width)×\(strip.height)")
        #expect((0..<(strip.width * strip.height)).allSatisfy { strip.pixels[3 * $0] == strip.pixels[3 * $0 + 2] })
        // Before a reveal: no video bytes, and playback cannot start.
        #expect(try await page(client, alice, "/console/items/clip/video").0 == .forbidden)
        #expect(try await post(client, alice, "/console/items/clip/play").0 == .conflict)

        let (_, revealed) = try await post(client, alice, "/console/items/clip/reveal")
        #expect(revealed.contains(#"<span id="exposure">1</span>"#) && revealed.contains(#"class="revealed stills""#))
        #expect(revealed.contains(#"id="play""#) && !revealed.contains("<video"))
        let sharp = try await client.execute(uri: "/console/items/clip/preview", method: .get, headers: alice.headers) {
            $0.body
        }
        #expect(try edgeEnergy(blurred) * 4 < edgeEnergy(sharp))
        #expect(try await page(client, alice, "/console/items/clip/video").0 == .forbidden, "a reveal alone serves no video")

        let (_, playing) = try await post(client, alice, "/console/items/clip/play")
        #expect(playing.contains(#"<span id="exposure">2</span>"#))
        let tag = try #require(firstMatch(#"(<video[^>]*>)"#, in: playing))
        #expect(tag.contains(" muted") && tag.contains(#"preload="none""#) && !tag.contains("autoplay"))
        try await client.execute(uri: "/console/items/clip/video", method: .get, headers: alice.headers) {
            #expect($0.status == .ok && $0.headers[.contentType] == "video/mp4")
            #expect(Array($0.body.readableBytesView) == video)
        }
        // Another analyst's reveal does not open it for bob.
        let bob = try #require(try await login(client, "bob").1)
        #expect(try await page(client, bob, "/console/items/clip/video").0 == .forbidden)
        // An image item has no playback.
        try server.addItem("still")
        #expect(try await post(client, alice, "/console/items/still/reveal").0 == .ok)
        #expect(try await post(client, alice, "/console/items/still/play").0 == .badRequest)
    }
    let entries = try server.store.auditEntries(after: 0, limit: 200).map { "\($0.actor) \($0.action) \($0.subject ?? "")" }
    #expect(entries.contains("user:alice review.reveal clip") && entries.contains("user:alice review.play clip"))
}

@Test("the signals render as readable columns (matches, C2PA, metadata, watermarks, synthetic), every value inert")
func consoleSignalColumns() async throws {
    let server = try ConsoleServer()
    let script = "<script>alert(1)</script>"
    let signals = """
        [{"type":"hash_match","bank":"ncmec","kind":"pdq","distance":12,"category":"A1","suppressed":false},
         {"type":"negative_match","bank":"benign","kind":"md5","distance":0,"category":null,"suppressed":false},
         {"type":"synthetic","signal":{"verdict":"ai-generated","confidence":0.99,
           "evidence":[{"kind":"c2pa","detail":"Invalid C2PA manifest \(script)","strength":"strong"}]}},
         {"type":"provenance","c2pa":{"state":"Invalid","failure_codes":["assertion.dataHash.mismatch","claimSignature.mismatch"],
           "digital_source_types":["http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"],
           "claim_generator":"\(script)","signer":"CN=Example Signer","issuer":null,"signing_time":null,"manifests":[],
           "store_error":null},
          "xmp":{"digital_source_types":[],"creator_tool":"<img src=x onerror=alert(1)>","exif":null},
          "generator":[{"tool":"AUTOMATIC1111","source":"PNG parameters","parameters":{"Steps":"20"}}],
          "watermarks":[{"name":"Stable Diffusion","method":"dwtDct","agreement":48,"length":48,"p_value":3.5e-15,"detected":true}]},
         {"type":"future_kind","value":"\(script)"}]
        """
    try server.addItem("x", signals: signals)
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        let (_, html) = try await page(client, alice, "/console/items/x")
        #expect(!html.contains(script) && !html.contains("<img src=x"))
        for expected in [
            #"<td class="bank">ncmec</td>"#, #"<td class="distance">12</td>"#, #"<td class="label">A1</td>"#,
            "negative (known benign)", "<td>State</td><td>Invalid</td>",
            "<td>Failure codes</td><td>assertion.dataHash.mismatch, claimSignature.mismatch</td>",
            "<td>digitalSourceType</td><td>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</td>",
            "<td>Claim generator</td><td>&lt;script&gt;", "<td>Signer</td><td>CN=Example Signer</td>",
            "<td>XMP CreatorTool</td><td>&lt;img src=x", "AUTOMATIC1111 — parameters: Steps",
            "<td>Stable Diffusion</td><td>dwtDct</td><td>48/48</td><td>3.5e-15</td><td>yes</td>",
            "ai-generated (confidence 0.99)", "future_kind",
        ] {
            #expect(html.contains(expected), "missing \(expected)")
        }
    }
}

/// A PNG whose XMP declares an IPTC digital source type and a creator tool.
func pngWithXMP(creatorTool: String) -> [UInt8] {
    var grey = [UInt8](repeating: 0, count: 64 * 64)
    for i in grey.indices { grey[i] = UInt8((i % 64) * 3 + (i / 64 / 8 % 2) * 60) }
    let png = Preview.png(width: 64, height: 64, grey: grey)
    let xmp = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
        <rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" \
        xmlns:xmp="http://ns.adobe.com/xap/1.0/">\
        <Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>\
        <xmp:CreatorTool>\(creatorTool)</xmp:CreatorTool></rdf:Description></rdf:RDF></x:xmpmeta>
        """
    // A tEXt chunk (keyword, NUL, text) right after IHDR (8 + 25 bytes).
    let data = Array("XML:com.adobe.xmp".utf8) + [0] + Array(xmp.utf8)
    let body = Array("tEXt".utf8) + data
    let chunk = Preview.bigEndian(UInt32(data.count)) + body + Preview.bigEndian(Preview.crc32(body))
    return Array(png[0..<33]) + chunk + Array(png[33...])
}

@Test("a scanned image's XMP evidence reaches the review item and renders in the metadata column")
func scanProvenanceSignal() async throws {
    let server = try ConsoleServer()
    let key = try server.store.createKey(name: "k", scopes: [.scan]).secret
    let png = pngWithXMP(creatorTool: "&lt;b&gt;Tool&lt;/b&gt;")
    try await server.run { client in
        let md5 = try await client.execute(uri: "/v1/hash", method: .post, headers: headers(key), body: ByteBuffer(bytes: png)) {
            object($0.body)["md5"] as? String
        }
        let bank = try server.store.createBank(NewBank(name: "vic2", category: "2"))
        _ = try server.store.apply(
            [EntryChange(hash: HashValue(kind: .md5, hex: try #require(md5)))], toBank: bank.id, addedBy: "test")
        let verdict = try await client.execute(
            uri: "/v1/scan", method: .post, headers: headers(key), body: ByteBuffer(bytes: png)
        ) { object($0.body)["verdict"] as? String }
        #expect(verdict == "review")
        let item = try #require(try server.store.reviewQueue(for: ConsoleUser(id: 3, name: "lena", role: .lead), limit: 5).first)
        #expect(item.signals.contains(#""type":"provenance""#))
        let alice = try #require(try await login(client, "alice").1)
        let (_, html) = try await page(client, alice, "/console/items/\(item.id)")
        #expect(
            html.contains(
                "<td>XMP digitalSourceType</td><td>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</td>"))
        #expect(html.contains("<td>XMP CreatorTool</td><td>&lt;b&gt;Tool&lt;/b&gt;</td>"))
    }
}

@Test("no provenance signal for media without provenance evidence")
func noProvenanceSignal() {
    #expect(ProvenanceReviewSignal.json(watermarks: nil, provenance: nil) == nil)
}

@Test("admins create, disable, enable, unlock and reset users from the console, each audited under their name; others cannot")
func consoleUserManagement() async throws {
    var server = try ConsoleServer()
    server.console.passwordHasher = PasswordHasher(logN: 4, r: 1, p: 1)
    let cheap = try PasswordHasher(logN: 4, r: 1, p: 1).hash(ConsoleServer.password)
    _ = try server.store.createUser(name: "ada", role: .admin, passwordHash: cheap, by: "test")
    let newPassword = "another long password"
    try await server.run { client in
        let lead = try #require(try await login(client, "lena").1)
        #expect(try await page(client, lead, "/console/users").0 == .forbidden)
        #expect(
            try await post(client, lead, "/console/users", ["name": "eve", "role": "admin", "password": newPassword]).0
                == .forbidden)
        #expect(try await post(client, lead, "/console/users/bob/disable").0 == .forbidden)

        let ada = try #require(try await login(client, "ada").1)
        let (status, users) = try await page(client, ada, "/console/users")
        #expect(status == .ok && users.contains(#"id="user-alice""#) && users.contains("Disable"))
        #expect(
            try await post(client, ada, "/console/users", ["name": "carl", "role": "lead", "password": "short"]).0 == .badRequest)
        #expect(
            try await post(client, ada, "/console/users", ["name": "carl", "role": "lead", "password": newPassword]).0 == .ok)
        #expect(try await login(client, "carl", password: newPassword).1 != nil)
        #expect(try await post(client, ada, "/console/users/carl/disable", csrf: "").0 == .forbidden, "CSRF applies")

        // Disabling ends bob's live session and refuses his logins; enabling restores them.
        let bob = try #require(try await login(client, "bob").1)
        #expect(try await post(client, ada, "/console/users/bob/disable").0 == .ok)
        #expect(try await page(client, bob, "/console/queue").0 == .seeOther)
        #expect(try await login(client, "bob").0 == .unauthorized)
        #expect(try await post(client, ada, "/console/users/bob/enable").0 == .ok)
        #expect(try await login(client, "bob").1 != nil)
        #expect(try await post(client, ada, "/console/users/ada/disable").0 == .badRequest, "an admin cannot lock themself out")

        // A locked account opens again after an unlock.
        for attempt in 1...5 { _ = try await login(client, "alice", password: "wrong \(attempt)") }
        #expect(try await login(client, "alice").0 == .tooManyRequests)
        #expect(try await page(client, ada, "/console/users").1.contains(#"class="unlock""#))
        #expect(try await post(client, ada, "/console/users/alice/unlock").0 == .ok)
        #expect(try await login(client, "alice").1 != nil)

        // A reset replaces the password and ends the user's sessions.
        let alice = try #require(try await login(client, "alice").1)
        #expect(try await post(client, ada, "/console/users/alice/password", ["password": newPassword]).0 == .ok)
        #expect(try await page(client, alice, "/console/queue").0 == .seeOther)
        #expect(try await login(client, "alice").0 == .unauthorized)
        #expect(try await login(client, "alice", password: newPassword).1 != nil)
        #expect(try await post(client, ada, "/console/users/nobody/unlock").0 == .notFound)
    }
    let changes = try server.store.auditEntries(after: 0, limit: 500)
        .filter { $0.action.hasPrefix("user.") && $0.actor == "user:ada" }.map { "\($0.action) \($0.subject ?? "")" }
    #expect(
        changes == [
            "user.create user:carl", "user.disable user:bob", "user.enable user:bob", "user.unlock user:alice",
            "user.password_reset user:alice",
        ])
    #expect(try server.store.verifyAudit().intact)
}

@Test(
    "the command line's operator disables, enables, unlocks and resets users, audited as cli:USER; a lead in the console cannot")
func commandLineUserAdministration() throws {
    let server = try ConsoleServer()
    let store = server.store
    let operatorRole = UserAdministrator.commandLine(actor: "cli:ops")
    let alice = try #require(try store.consoleUsers().first { $0.name == "alice" })
    let lead = try #require(try store.consoleUsers().first { $0.role == .lead })
    #expect(throws: StoreError.self) { try store.setUserDisabled(name: "alice", disabled: true, by: .console(lead)) }
    _ = try store.createSession(userID: alice.id, lifetime: 3_600, now: Date().timeIntervalSince1970)
    try store.setUserDisabled(name: "alice", disabled: true, by: operatorRole)
    #expect(try store.consoleUserStates().first { $0.user.name == "alice" }?.user.disabled == true)
    try store.setUserDisabled(name: "alice", disabled: false, by: operatorRole)
    try store.unlockUser(name: "alice", by: operatorRole)
    try store.resetPassword(name: "alice", passwordHash: "scrypt$new", by: operatorRole)
    let unknown = #expect(throws: StoreError.self) { try store.unlockUser(name: "nobody", by: operatorRole) }
    #expect(unknown?.code == .notFound)
    #expect(unknown?.message.contains("nobody") == true, "the error names the user asked for")
    let changes = try store.auditEntries(after: 0, limit: 500).filter { $0.actor == "cli:ops" }.map(\.action)
    #expect(changes == ["user.disable", "user.enable", "user.unlock", "user.password_reset"])
    #expect(try store.verifyAudit().intact)
}

@Test("leads see the audit log and its verification (the code `vigil audit verify` runs); a tampered row shows as broken")
func consoleAuditView() async throws {
    let server = try ConsoleServer()
    try server.addItem("x")
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        #expect(try await page(client, alice, "/console/audit").0 == .forbidden)
        #expect(try await post(client, alice, "/console/items/x/claim").0 == .ok)
        #expect(try await post(client, alice, "/console/items/x/decide", ["action": "confirm", "category": "B1"]).0 == .ok)
        let lead = try #require(try await login(client, "lena").1)
        let (status, html) = try await page(client, lead, "/console/audit")
        #expect(status == .ok && html.contains("Chain verified"))
        #expect(
            html.contains(
                #"<td class="actor">user:alice</td><td class="action">review.confirmed</td>"# + "\n"
                    + #"<td class="subject">x</td>"#))
        let seq = try #require(
            try server.store.auditEntries(after: 0, limit: 100).first { $0.action == "review.claim" }?.seq)
        try await DatabaseQueue(path: server.configuration.databasePath).write { db in
            try db.execute(sql: "UPDATE audit SET actor = 'user:mallory' WHERE seq = ?", arguments: [seq])
        }
        let (_, broken) = try await page(client, lead, "/console/audit")
        #expect(broken.contains("Chain broken at entry \(seq):"))
    }
}

/// Each decision path through the routes, with its role and claim checks.
struct DecisionCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Who claims first (nil: nobody), who decides, with what form, and after escalation by alice?
    var claimer: String?
    var decider: String
    var fields: [String: String]
    var escalatedFirst = false
    var claimStatus: HTTPResponse.Status = .ok
    var status: HTTPResponse.Status
    var after: ReviewStatus
    var testDescription: String { name }
}

let decisionCases: [DecisionCase] = [
    DecisionCase(
        name: "confirm with a category", claimer: "alice", decider: "alice", fields: ["action": "confirm", "category": "VIC3"],
        status: .ok, after: .confirmed),
    DecisionCase(
        name: "confirm without a known category", claimer: "alice", decider: "alice",
        fields: ["action": "confirm", "category": "Z9"], status: .badRequest, after: .pending),
    DecisionCase(
        name: "false positive", claimer: "alice", decider: "alice", fields: ["action": "false_positive"], status: .ok,
        after: .falsePositive),
    DecisionCase(
        name: "false positive into a bank that is not negative", claimer: "alice", decider: "alice",
        fields: ["action": "false_positive", "negative_bank": "ncmec"], status: .badRequest, after: .pending),
    DecisionCase(
        name: "escalate", claimer: "alice", decider: "alice", fields: ["action": "escalate"], status: .ok, after: .escalated),
    DecisionCase(
        name: "unknown decision", claimer: "alice", decider: "alice", fields: ["action": "delete"], status: .badRequest,
        after: .pending),
    DecisionCase(
        name: "deciding without a claim", claimer: nil, decider: "alice", fields: ["action": "confirm", "category": "A1"],
        status: .conflict, after: .pending),
    DecisionCase(
        name: "deciding on another analyst's claim", claimer: "bob", decider: "alice",
        fields: ["action": "confirm", "category": "A1"], status: .conflict, after: .pending),
    DecisionCase(
        name: "a lead confirms an escalated item", claimer: "lena", decider: "lena",
        fields: ["action": "confirm", "category": "A2"], escalatedFirst: true, status: .ok, after: .confirmed),
    DecisionCase(
        name: "an analyst can neither claim nor decide an escalated item", claimer: "bob", decider: "bob",
        fields: ["action": "confirm", "category": "A2"], escalatedFirst: true, claimStatus: .conflict, status: .conflict,
        after: .escalated),
]

@Test("decision paths through the routes, with claims and roles", arguments: decisionCases)
func consoleDecisionPaths(_ c: DecisionCase) async throws {
    let server = try ConsoleServer()
    try server.addItem("x")
    _ = try server.store.createBank(NewBank(name: "ncmec", category: "A1"))
    try await server.run { client in
        var browsers: [String: Browser] = [:]
        for name in ["alice", "bob", "lena"] { browsers[name] = try #require(try await login(client, name).1) }
        if c.escalatedFirst {
            #expect(try await post(client, browsers["alice"]!, "/console/items/x/claim").0 == .ok)
            #expect(try await post(client, browsers["alice"]!, "/console/items/x/decide", ["action": "escalate"]).0 == .ok)
        }
        if let claimer = c.claimer {
            #expect(try await post(client, browsers[claimer]!, "/console/items/x/claim").0 == c.claimStatus)
        }
        #expect(try await post(client, browsers[c.decider]!, "/console/items/x/decide", c.fields).0 == c.status)
    }
    let lead = ConsoleUser(id: 3, name: "lena", role: .lead)
    #expect(try server.store.reviewItem(id: "x", for: lead)?.status == c.after)
    let decisions = try server.store.auditEntries(after: 0, limit: 100).filter {
        $0.action.hasPrefix("review.") && !["review.enqueue", "review.claim"].contains($0.action)
    }
    let expected: [String] =
        (c.escalatedFirst ? ["user:alice review.escalated"] : [])
        + (c.status == .ok ? ["user:\(c.decider) review.\(c.after.rawValue)"] : [])
    #expect(decisions.map { "\($0.actor) \($0.action)" } == expected)
}

@Test("the audit covers scans, decisions, reveals, exports, bank edits, user changes and deletions, each attributed")
func consoleAuditCoverage() async throws {
    var server = try ConsoleServer()
    server.console.passwordHasher = PasswordHasher(logN: 4, r: 1, p: 1)
    let key = try server.store.createKey(name: "ops", scopes: [.scan, .banksWrite, .banksRead]).secret
    let cheap = try PasswordHasher(logN: 4, r: 1, p: 1).hash(ConsoleServer.password)
    _ = try server.store.createUser(name: "ada", role: .admin, passwordHash: cheap, by: "cli:root")
    try server.addItem("x")
    try await server.run { client in
        var json = headers(key, json: true)
        json[.contentType] = "application/json"
        #expect(
            try await client.execute(
                uri: "/v1/banks", method: .post, headers: json, body: ByteBuffer(string: #"{"name":"extra","negative":true}"#)
            ) { $0.status } == .created)
        #expect(
            try await client.execute(uri: "/v1/scan", method: .post, headers: headers(key), body: pictureBMP) { $0.status } == .ok
        )
        let lena = try #require(try await login(client, "lena").1)
        #expect(try await post(client, lena, "/console/items/x/reveal").0 == .ok)
        #expect(try await post(client, lena, "/console/items/x/claim").0 == .ok)
        #expect(try await post(client, lena, "/console/items/x/decide", ["action": "false_positive"]).0 == .ok)
        #expect(try await post(client, lena, "/console/items/x/export").0 == .ok)
        let ada = try #require(try await login(client, "ada").1)
        #expect(try await post(client, ada, "/console/users/bob/disable").0 == .ok)
    }
    EvidenceSweeper(store: server.store, vault: server.vault, logger: .init(label: "test")).sweep(
        now: Date().addingTimeInterval(5))
    let entries = try server.store.auditEntries(after: 0, limit: 500).map { "\($0.actor) \($0.action)" }
    for expected in [
        "key:ops bank.create", "key:ops scan.allow", "user:lena review.reveal", "user:lena review.false_positive",
        "user:lena evidence.export", "cli:root user.create", "user:ada user.disable", "system:retention evidence.delete",
        "user:lena login",
    ] {
        #expect(entries.contains(expected), "no audit entry \(expected)")
    }
    #expect(try server.store.verifyAudit().intact)
}

@Test(
    "the daily exposure cap refuses reveals past it, break prompts show every N reveals, and leads see the counts per analyst and day"
)
func consoleExposureCapAndBreaks() async throws {
    var server = try ConsoleServer()
    server.console.dailyRevealCap = 3
    server.console.breakEvery = 2
    for id in ["a", "b", "c", "d"] { try server.addItem(id) }
    try await server.run { client in
        let alice = try #require(try await login(client, "alice").1)
        let (_, first) = try await post(client, alice, "/console/items/a/reveal")
        #expect(!first.contains(#"id="break""#))
        let (_, second) = try await post(client, alice, "/console/items/b/reveal")
        #expect(second.contains(#"id="break""#) && second.contains("Please take a break"))
        #expect(try await post(client, alice, "/console/items/c/reveal").0 == .ok)
        let (status, refused) = try await post(client, alice, "/console/items/d/reveal")
        #expect(status == .conflict && refused.contains("daily exposure cap (3 reveals)"))
        let (_, still) = try await page(client, alice, "/console/items/d")
        #expect(still.contains(#"class="blurred""#) && still.contains(#"<span id="exposure">3</span>/3"#))
        let bob = try #require(try await login(client, "bob").1)
        #expect(try await post(client, bob, "/console/items/d/reveal").0 == .ok, "the cap is per analyst")
        let lead = try #require(try await login(client, "lena").1)
        let (_, stats) = try await page(client, lead, "/console/exposure")
        let today = String(Timestamp.now().prefix(10))
        #expect(stats.contains("<tr><td>alice</td><td>\(today)</td><td>3</td></tr>"))
        #expect(stats.contains("<tr><td>bob</td><td>\(today)</td><td>1</td></tr>"))
    }
}
