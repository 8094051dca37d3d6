import Foundation
import Testing
import VigilIndex
import VigilStore

/// RFC 7914 §11 and §12 test vectors (hashlib.scrypt / hashlib.pbkdf2_hmac agree).
struct KDFVector: Sendable, CustomTestStringConvertible {
    var password: String, salt: String, logN: Int, r: Int, p: Int, hex: String
    var testDescription: String { "scrypt(\"\(password)\", N=2^\(logN), r=\(r), p=\(p))" }
}

@Test(
    "scrypt matches RFC 7914's vectors",
    arguments: [
        KDFVector(
            password: "", salt: "", logN: 4, r: 1, p: 1,
            hex:
                "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        ),
        KDFVector(
            password: "password", salt: "NaCl", logN: 10, r: 8, p: 16,
            hex:
                "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        ),
    ])
func scryptVectors(_ v: KDFVector) throws {
    let key = try PasswordHasher.scrypt(
        password: Array(v.password.utf8), salt: Array(v.salt.utf8), logN: v.logN, r: v.r, p: v.p, length: 64)
    #expect(key.map { String(format: "%02x", $0) }.joined() == v.hex)
}

@Test("PBKDF2-HMAC-SHA256 matches RFC 7914 §11")
func pbkdf2Vector() {
    let key = PasswordHasher.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
    #expect(
        key.map { String(format: "%02x", $0) }.joined()
            == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
    )
}

@Test("password hashes verify the right password only, and out-of-range parameters are refused before allocating")
func passwordHashes() throws {
    let hasher = PasswordHasher(logN: 8, r: 8, p: 1)
    let stored = try hasher.hash("correct horse battery")
    #expect(stored.hasPrefix("scrypt$8$8$1$"))
    #expect(PasswordHasher.verify("correct horse battery", against: stored))
    #expect(!PasswordHasher.verify("correct horse batterz", against: stored))
    #expect(try hasher.hash("correct horse battery") != stored, "salted")
    #expect(!PasswordHasher.verify("x", against: "scrypt$40$8$1$AAAA$AAAA"))
    #expect(!PasswordHasher.verify("x", against: "plain"))
    #expect(throws: StoreError.self) {
        try PasswordHasher.scrypt(password: [], salt: [], logN: 30, r: 8, p: 1, length: 32)
    }
}

/// A store with an analyst pair, a lead and a few queued items.
struct ReviewFixture {
    let store: SQLiteBankStore
    let alice: ConsoleUser, bob: ConsoleUser, lead: ConsoleUser
    let now = Date().timeIntervalSince1970

    init() throws {
        store = try SQLiteBankStore()
        let hash = try PasswordHasher(logN: 4, r: 1, p: 1).hash("a password of length")
        alice = try store.createUser(name: "alice", role: .analyst, passwordHash: hash, by: "test")
        bob = try store.createUser(name: "bob", role: .analyst, passwordHash: hash, by: "test")
        lead = try store.createUser(name: "lena", role: .lead, passwordHash: hash, by: "test")
    }

    func enqueue(_ id: String, category: String?, confidence: Double) throws {
        try store.enqueueReview(
            ReviewItemDraft(
                id: id, scanID: "scan-\(id)", evidenceID: nil, verdict: "review", category: category, confidence: confidence,
                pdq: nil, filename: nil, signals: "[]"))
    }
}

@Test("the queue orders by category severity, then confidence, then age")
func queueOrder() throws {
    let f = try ReviewFixture()
    try f.enqueue("none", category: nil, confidence: 1)
    try f.enqueue("b2", category: "B2", confidence: 0.99)
    try f.enqueue("a1-low", category: "A1", confidence: 0.7)
    try f.enqueue("a1-high", category: "A1", confidence: 0.95)
    try f.enqueue("a2", category: "A2", confidence: 0.5)
    #expect(try f.store.reviewQueue(for: f.alice, limit: 10).map(\.id) == ["a1-high", "a1-low", "a2", "b2", "none"])
}

@Test("two analysts never hold one item: a live claim by another is a conflict, and deciding needs one's own claim")
func claims() throws {
    let f = try ReviewFixture()
    try f.enqueue("x", category: "A1", confidence: 1)
    _ = try f.store.claim(itemID: "x", user: f.alice, seconds: 60, now: f.now)
    #expect(throws: StoreError.self) { try f.store.claim(itemID: "x", user: f.bob, seconds: 60, now: f.now) }
    #expect(throws: StoreError.self) {
        try f.store.decide(itemID: "x", user: f.bob, decision: .confirm(category: "A1"), now: f.now)
    }
    // An expired claim can be taken over.
    _ = try f.store.claim(itemID: "x", user: f.bob, seconds: 60, now: f.now + 61)
    #expect(throws: StoreError.self) {
        try f.store.decide(itemID: "x", user: f.alice, decision: .confirm(category: "A1"), now: f.now + 62)
    }
    #expect(throws: StoreError.self) {
        try f.store.decide(itemID: "x", user: f.bob, decision: .confirm(category: "C9"), now: f.now + 62)
    }
    let decided = try f.store.decide(itemID: "x", user: f.bob, decision: .confirm(category: "B1"), now: f.now + 62)
    #expect(decided.status == .confirmed && decided.decisionCategory == "B1" && decided.decidedBy == "bob")
    #expect(try f.store.reviewQueue(for: f.alice, limit: 10).isEmpty)
    let actions = try f.store.auditEntries(after: 0, limit: 100).map { "\($0.actor) \($0.action)" }
    #expect(actions.contains("user:bob review.confirmed"))
    #expect(try f.store.verifyAudit().intact)
}

@Test("escalated items leave the analysts' queue and reach leads")
func escalation() throws {
    let f = try ReviewFixture()
    try f.enqueue("x", category: nil, confidence: 0.5)
    _ = try f.store.claim(itemID: "x", user: f.alice, seconds: 60, now: f.now)
    #expect(try f.store.decide(itemID: "x", user: f.alice, decision: .escalate, now: f.now).status == .escalated)
    #expect(try f.store.reviewQueue(for: f.alice, limit: 10).isEmpty)
    #expect(try f.store.reviewQueue(for: f.lead, limit: 10).map(\.id) == ["x"])
    #expect(throws: StoreError.self) { try f.store.claim(itemID: "x", user: f.bob, seconds: 60, now: f.now) }
    _ = try f.store.claim(itemID: "x", user: f.lead, seconds: 60, now: f.now)
    let decided = try f.store.decide(itemID: "x", user: f.lead, decision: .falsePositive(negativeBank: nil), now: f.now)
    #expect(decided.status == .falsePositive)
}

@Test("items of a case are invisible to analysts outside it")
func caseVisibility() throws {
    let f = try ReviewFixture()
    try f.enqueue("x", category: "A1", confidence: 1)
    let c = try f.store.createCase(title: "uploader 1", kind: "uploader", by: f.lead)
    try f.store.addToCase(itemID: "x", caseID: c.id, by: f.lead)
    try f.store.addCaseMember(caseID: c.id, userName: "bob", by: f.lead)
    #expect(try f.store.reviewItem(id: "x", for: f.alice) == nil)
    #expect(try f.store.reviewItem(id: "x", for: f.bob) != nil)
    #expect(try f.store.reviewCase(id: c.id, for: f.alice) == nil)
    #expect(throws: StoreError.self) { try f.store.claim(itemID: "x", user: f.alice, seconds: 60, now: f.now) }
    #expect(throws: StoreError.self) { try f.store.addNote(caseID: c.id, body: "hi", by: f.alice) }
    #expect(throws: StoreError.self) { try f.store.createCase(title: "t", kind: "incident", by: f.alice) }
    try f.store.addNote(caseID: c.id, body: "seen before", by: f.bob)
    #expect(try f.store.reviewCase(id: c.id, for: f.bob)?.1.map(\.body) == ["seen before"])
}

@Test("reveals count per analyst and day, and stop at the cap")
func exposureCap() throws {
    let f = try ReviewFixture()
    try f.enqueue("x", category: "A1", confidence: 1)
    #expect(try f.store.reveal(itemID: "x", user: f.alice, dailyCap: 2, now: f.now) == 1)
    #expect(try f.store.reveal(itemID: "x", user: f.alice, dailyCap: 2, now: f.now) == 2)
    #expect(throws: StoreError.self) { try f.store.reveal(itemID: "x", user: f.alice, dailyCap: 2, now: f.now) }
    #expect(try f.store.exposure(user: f.alice, now: f.now) == 2)
    #expect(try f.store.exposure(user: f.bob, now: f.now) == 0)
    #expect(try f.store.hasRevealed(itemID: "x", user: f.alice, window: 60, now: f.now + 1))
    #expect(try !f.store.hasRevealed(itemID: "x", user: f.alice, window: 60, now: f.now + 120))
    #expect(try f.store.exposureStats(days: 1, now: f.now).map(\.reveals) == [2])
}

@Test("repeated failures lock an account; sessions get fresh tokens and end on delete")
func lockoutAndSessions() throws {
    let f = try ReviewFixture()
    let policy = LockoutPolicy(maxFailures: 3, lockSeconds: 60)
    #expect(try f.store.recordLoginFailure(userID: f.alice.id, policy: policy, now: f.now) == nil)
    #expect(try f.store.recordLoginFailure(userID: f.alice.id, policy: policy, now: f.now) == nil)
    #expect(try f.store.recordLoginFailure(userID: f.alice.id, policy: policy, now: f.now) == f.now + 60)
    #expect(try f.store.credentials(name: "alice")?.lockedUntil == f.now + 60)
    let first = try f.store.createSession(userID: f.alice.id, lifetime: 60, now: f.now)
    let second = try f.store.createSession(userID: f.alice.id, lifetime: 60, now: f.now)
    #expect(first.token != second.token && first.csrf != second.csrf)
    #expect(try f.store.session(token: first.token, now: f.now)?.user == f.alice)
    #expect(try f.store.session(token: first.token, now: f.now + 61) == nil, "expired")
    try f.store.deleteSession(token: first.token)
    #expect(try f.store.session(token: first.token, now: f.now) == nil)
    #expect(try f.store.session(token: "chosen-by-attacker", now: f.now) == nil)
}

@Test("only leads and admins export evidence")
func exportRole() throws {
    let f = try ReviewFixture()
    try f.enqueue("x", category: "A1", confidence: 1)
    #expect(throws: StoreError.self) { try f.store.recordExport(itemID: "x", user: f.alice) }
    // The lead passes the role check; this item has no evidence.
    do {
        _ = try f.store.recordExport(itemID: "x", user: f.lead)
        Issue.record("expected not found")
    } catch {
        #expect(error.code == .notFound)
    }
}

@Test("a false positive can add the item's PDQ hash to a negative bank, audited; other banks are refused")
func falsePositiveToNegativeBank() throws {
    let f = try ReviewFixture()
    let pdq = String(repeating: "5a", count: 32)
    try f.store.enqueueReview(
        ReviewItemDraft(
            id: "x", scanID: "s", evidenceID: nil, verdict: "review", category: nil, confidence: 0.5, pdq: pdq,
            filename: nil, signals: "[]"))
    let negative = try f.store.createBank(NewBank(name: "known-fp", negative: true))
    _ = try f.store.createBank(NewBank(name: "positive"))
    _ = try f.store.claim(itemID: "x", user: f.alice, seconds: 60, now: f.now)
    #expect(throws: StoreError.self) {
        try f.store.decide(itemID: "x", user: f.alice, decision: .falsePositive(negativeBank: "positive"), now: f.now)
    }
    _ = try f.store.decide(itemID: "x", user: f.alice, decision: .falsePositive(negativeBank: "known-fp"), now: f.now)
    var hashes: [String] = []
    try f.store.forEachEntry(inBank: negative.id, kinds: [.pdq]) { hashes.append($0.hash.hex) }
    #expect(hashes == [pdq])
    #expect(try f.store.auditEntries(after: 0, limit: 100).contains { $0.action == "bank.add" && $0.actor == "user:alice" })
}
