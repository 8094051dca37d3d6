import Crypto
import Foundation
import GRDB
import VigilIndex

extension SQLiteBankStore {
    /// The review console's tables: users, sessions (only token digests are stored), review items
    /// with claims and decisions, reveals (the exposure counter), cases with members and notes.
    static func registerReviewMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-review") { db in
            try db.execute(
                sql: """
                    CREATE TABLE console_user (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('analyst', 'lead', 'admin')),
                        password TEXT NOT NULL,
                        failed_logins INTEGER NOT NULL DEFAULT 0,
                        locked_until REAL NOT NULL DEFAULT 0,
                        disabled BOOLEAN NOT NULL DEFAULT 0,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE console_session (
                        token_sha256 TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES console_user(id) ON DELETE CASCADE,
                        csrf TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    CREATE TABLE review_case (
                        id INTEGER PRIMARY KEY,
                        title TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'open',
                        created_by TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE case_member (
                        case_id INTEGER NOT NULL REFERENCES review_case(id) ON DELETE CASCADE,
                        user_id INTEGER NOT NULL REFERENCES console_user(id) ON DELETE CASCADE,
                        PRIMARY KEY (case_id, user_id)
                    );
                    CREATE TABLE case_note (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES review_case(id) ON DELETE CASCADE,
                        author TEXT NOT NULL,
                        body TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE review_item (
                        id TEXT PRIMARY KEY,
                        scan_id TEXT NOT NULL,
                        evidence_id TEXT,
                        verdict TEXT NOT NULL,
                        category TEXT,
                        category_rank INTEGER NOT NULL,
                        confidence REAL NOT NULL,
                        pdq TEXT,
                        filename TEXT,
                        signals TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending',
                        case_id INTEGER REFERENCES review_case(id),
                        claimed_by TEXT,
                        claim_expires REAL,
                        decision_category TEXT,
                        decided_by TEXT,
                        decided_at TEXT,
                        created_at TEXT NOT NULL
                    );
                    CREATE INDEX review_queue ON review_item (status, category_rank, confidence DESC, created_at);
                    CREATE TABLE review_reveal (
                        id INTEGER PRIMARY KEY,
                        item_id TEXT NOT NULL REFERENCES review_item(id),
                        user_id INTEGER NOT NULL REFERENCES console_user(id),
                        day TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    CREATE INDEX review_reveal_day ON review_reveal (user_id, day);
                    """)
        }
    }
}

extension SQLiteBankStore: ReviewStore {
    // MARK: Users and sessions

    public func createUser(name: String, role: ConsoleRole, passwordHash: String, by actor: String) throws(StoreError)
        -> ConsoleUser
    {
        guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) })
        else { throw StoreError(.invalid, "a user name must be 1–100 letters, digits or . _ - @") }
        let now = Timestamp.now()
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM console_user WHERE name = ?", arguments: [name]) != nil {
                throw StoreError(.conflict, "a user named \"\(name)\" already exists")
            }
            try db.execute(
                sql: "INSERT INTO console_user (name, role, password, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, passwordHash, now])
            let user = ConsoleUser(id: db.lastInsertedRowID, name: name, role: role)
            try Self.appendAudit(
                AuditDraft(actor: actor, action: "user.create", subject: user.actor, detail: #"{"role":"\#(role.rawValue)"}"#),
                at: now, db)
            return user
        }
    }

    public func consoleUsers() throws(StoreError) -> [ConsoleUser] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM console_user ORDER BY name").map(Self.user) }
    }

    public func credentials(name: String) throws(StoreError) -> ConsoleCredentials? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM console_user WHERE name = ?", arguments: [name]).map { row in
                ConsoleCredentials(user: Self.user(row), passwordHash: row["password"], lockedUntil: row["locked_until"])
            }
        }
    }

    public func recordLoginFailure(userID: Int64, policy: LockoutPolicy, now: Double) throws(StoreError) -> Double? {
        let at = Timestamp.now()
        return try write { db in
            try db.execute(sql: "UPDATE console_user SET failed_logins = failed_logins + 1 WHERE id = ?", arguments: [userID])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM console_user WHERE id = ?", arguments: [userID])
            else { return nil }
            let user = Self.user(row)
            let failures: Int = row["failed_logins"]
            try Self.appendAudit(
                AuditDraft(actor: user.actor, action: "login.failed", subject: user.actor, detail: #"{"failures":\#(failures)}"#),
                at: at, db)
            guard failures >= policy.maxFailures else { return nil }
            let until = now + policy.lockSeconds
            try db.execute(
                sql: "UPDATE console_user SET locked_until = ?, failed_logins = 0 WHERE id = ?", arguments: [until, userID])
            try Self.appendAudit(AuditDraft(actor: "system", action: "user.locked", subject: user.actor), at: at, db)
            return until
        }
    }

    public func createSession(userID: Int64, lifetime: Double, now: Double) throws(StoreError) -> (token: String, csrf: String) {
        let token = Self.randomToken(), csrf = Self.randomToken()
        let at = Timestamp.now()
        try write { db in
            try db.execute(sql: "UPDATE console_user SET failed_logins = 0 WHERE id = ?", arguments: [userID])
            try db.execute(sql: "DELETE FROM console_session WHERE expires_at < ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO console_session (token_sha256, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [APIKeyFormat.digest(token), userID, csrf, now, now + lifetime])
            let name = try String.fetchOne(db, sql: "SELECT name FROM console_user WHERE id = ?", arguments: [userID]) ?? "?"
            try Self.appendAudit(AuditDraft(actor: "user:\(name)", action: "login", subject: nil), at: at, db)
        }
        return (token, csrf)
    }

    public func session(token: String, now: Double) throws(StoreError) -> ConsoleSession? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT console_user.*, console_session.csrf, console_session.expires_at FROM console_session
                        JOIN console_user ON console_user.id = console_session.user_id
                        WHERE token_sha256 = ? AND expires_at > ? AND disabled = 0
                        """, arguments: [APIKeyFormat.digest(token), now])
            else { return nil }
            return ConsoleSession(user: Self.user(row), csrf: row["csrf"], expiresAt: row["expires_at"])
        }
    }

    public func deleteSession(token: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE token_sha256 = ?", arguments: [APIKeyFormat.digest(token)])
        }
    }

    // MARK: The queue

    public func enqueueReview(_ d: ReviewItemDraft) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in try Self.insertReview(d, at: now, db) }
    }

    /// Adds a review item (and its audit entry) inside the caller's transaction.
    static func insertReview(_ d: ReviewItemDraft, at now: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO review_item (id, scan_id, evidence_id, verdict, category, category_rank, confidence,
                    pdq, filename, signals, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                d.id, d.scanID, d.evidenceID, d.verdict, d.category, ReviewDecision.rank(d.category), d.confidence, d.pdq,
                d.filename, d.signals, now,
            ])
        try appendAudit(
            AuditDraft(actor: "system", action: "review.enqueue", subject: d.id, detail: #"{"scan":"\#(d.scanID)"}"#),
            at: now, db)
    }

    /// Visibility: leads and admins see everything; analysts see items in no case, or in a case they belong to.
    private static func visible(_ user: ConsoleUser) -> (sql: String, arguments: StatementArguments) {
        if user.role.isLead { return ("1", []) }
        return (
            "(case_id IS NULL OR case_id IN (SELECT case_id FROM case_member WHERE user_id = ?))", [user.id]
        )
    }

    public func reviewQueue(for user: ConsoleUser, limit: Int) throws(StoreError) -> [ReviewItem] {
        let (filter, arguments) = Self.visible(user)
        let statuses = user.role.isLead ? "('pending', 'escalated')" : "('pending')"
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM review_item WHERE status IN \(statuses) AND \(filter)
                    ORDER BY category_rank, confidence DESC, created_at, rowid LIMIT ?
                    """, arguments: arguments + ([limit] as StatementArguments)
            ).map(Self.item)
        }
    }

    public func reviewItem(id: String, for user: ConsoleUser) throws(StoreError) -> ReviewItem? {
        try read { db in try Self.item(db, id: id, for: user) }
    }

    static func item(_ db: Database, id: String, for user: ConsoleUser) throws -> ReviewItem? {
        let (filter, arguments) = visible(user)
        return try Row.fetchOne(
            db, sql: "SELECT * FROM review_item WHERE id = ? AND \(filter)", arguments: ([id] as StatementArguments) + arguments
        ).map(item)
    }

    /// The item for a change by `user`: visible to them, else not found (no hint that it exists).
    private static func itemForChange(_ db: Database, id: String, user: ConsoleUser) throws -> ReviewItem {
        guard let item = try item(db, id: id, for: user) else { throw StoreError(.notFound, "no review item with that id") }
        return item
    }

    public func claim(itemID: String, user: ConsoleUser, seconds: Double, now: Double) throws(StoreError) -> ReviewItem {
        let at = Timestamp.now()
        return try write { db in
            var item = try Self.itemForChange(db, id: itemID, user: user)
            guard item.status == .pending || (item.status == .escalated && user.role.isLead) else {
                throw StoreError(.conflict, "this item is not open for review")
            }
            if let holder = item.claimedBy, holder != user.name, (item.claimExpires ?? 0) > now {
                throw StoreError(.conflict, "another analyst has claimed this item")
            }
            try db.execute(
                sql: "UPDATE review_item SET claimed_by = ?, claim_expires = ? WHERE id = ?",
                arguments: [user.name, now + seconds, itemID])
            try Self.appendAudit(AuditDraft(actor: user.actor, action: "review.claim", subject: itemID), at: at, db)
            item.claimedBy = user.name
            item.claimExpires = now + seconds
            return item
        }
    }

    public func release(itemID: String, user: ConsoleUser, now: Double) throws(StoreError) {
        let at = Timestamp.now()
        try write { db in
            let item = try Self.itemForChange(db, id: itemID, user: user)
            guard item.isClaimed(by: user, now: now) else { throw StoreError(.conflict, "you do not hold a claim on this item") }
            try db.execute(
                sql: "UPDATE review_item SET claimed_by = NULL, claim_expires = NULL WHERE id = ?", arguments: [itemID])
            try Self.appendAudit(AuditDraft(actor: user.actor, action: "review.release", subject: itemID), at: at, db)
        }
    }

    public func decide(itemID: String, user: ConsoleUser, decision: ReviewDecision, now: Double) throws(StoreError)
        -> ReviewItem
    {
        let at = Timestamp.now()
        var negativeBank: (id: Int64, hash: HashValue)?
        let decided = try write { db in
            let item = try Self.itemForChange(db, id: itemID, user: user)
            guard item.isClaimed(by: user, now: now) else {
                throw StoreError(.conflict, "claim this item before deciding (another analyst may hold it)")
            }
            let status: ReviewStatus
            var category: String?
            var detail = "{}"
            switch decision {
            case .confirm(let c):
                guard ReviewDecision.categories.contains(c) else {
                    throw StoreError(.invalid, "a confirmation needs a category: A1, A2, B1, B2 or VIC0–VIC4")
                }
                status = .confirmed
                category = c
                detail = #"{"category":"\#(c)"}"#
            case .falsePositive(let bank):
                status = .falsePositive
                if let bank, !bank.isEmpty {
                    guard
                        let row = try Row.fetchOne(
                            db, sql: "SELECT id, negative FROM bank WHERE name = ?", arguments: [bank]),
                        (row["negative"] as Bool?) == true
                    else { throw StoreError(.invalid, "no negative bank of that name") }
                    guard let pdq = item.pdq, let hash = HashValue(kind: .pdq, hex: pdq) else {
                        throw StoreError(.invalid, "this item has no PDQ hash to add to a negative bank")
                    }
                    let bankID: Int64 = row["id"]
                    negativeBank = (bankID, hash)
                    detail = auditDetail(["negative_bank": bank])
                }
                // Nothing abusive to keep: its evidence expires now and the sweeper removes it.
                if let evidence = item.evidenceID {
                    try db.execute(
                        sql: "UPDATE evidence SET retain_until = ? WHERE id = ? AND legal_hold = 0", arguments: [at, evidence])
                }
            case .escalate:
                guard item.status == .pending else { throw StoreError(.conflict, "this item is already escalated") }
                status = .escalated
            }
            let isFinal = status != .escalated
            try db.execute(
                sql: """
                    UPDATE review_item SET status = ?, decision_category = ?, decided_by = ?, decided_at = ?,
                        claimed_by = NULL, claim_expires = NULL WHERE id = ?
                    """,
                arguments: [status.rawValue, category, isFinal ? user.name : nil, isFinal ? at : nil, itemID])
            try Self.appendAudit(
                AuditDraft(actor: user.actor, action: "review.\(status.rawValue)", subject: itemID, detail: detail), at: at, db)
            return try Self.itemForChange(db, id: itemID, user: user)
        }
        if let negativeBank {
            _ = try apply([EntryChange(hash: negativeBank.hash)], toBank: negativeBank.id, addedBy: user.actor)
            try appendAudit(
                AuditDraft(
                    actor: user.actor, action: "bank.add", subject: itemID,
                    detail: auditDetail(["bank_id": String(negativeBank.id)])))
        }
        return decided
    }

    // MARK: Exposure

    static func day(_ now: Double) -> String {
        String(Timestamp.string(Date(timeIntervalSince1970: now)).prefix(10))
    }

    public func reveal(itemID: String, user: ConsoleUser, dailyCap: Int, now: Double) throws(StoreError) -> Int {
        try countReveal(itemID: itemID, user: user, kind: .preview, dailyCap: dailyCap, now: now)
    }

    /// Counts one exposure (a reveal or a video playback) with its audit entry; refuses past the cap.
    func countReveal(itemID: String, user: ConsoleUser, kind: RevealKind, dailyCap: Int, now: Double) throws(StoreError)
        -> Int
    {
        let at = Timestamp.now()
        let day = Self.day(now)
        return try write { db in
            _ = try Self.itemForChange(db, id: itemID, user: user)
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM review_reveal WHERE user_id = ? AND day = ?", arguments: [user.id, day]) ?? 0
            guard count < dailyCap else {
                throw StoreError(.conflict, "your daily exposure cap (\(dailyCap) reveals) is reached: take a break")
            }
            try db.execute(
                sql: "INSERT INTO review_reveal (item_id, user_id, day, at, kind) VALUES (?, ?, ?, ?, ?)",
                arguments: [itemID, user.id, day, now, kind.rawValue])
            try Self.appendAudit(
                AuditDraft(
                    actor: user.actor, action: kind == .preview ? "review.reveal" : "review.play", subject: itemID,
                    detail: #"{"today":\#(count + 1)}"#),
                at: at, db)
            return count + 1
        }
    }

    public func hasRevealed(itemID: String, user: ConsoleUser, window: Double, now: Double) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM review_reveal WHERE item_id = ? AND user_id = ? AND at > ? LIMIT 1",
                arguments: [itemID, user.id, now - window]) != nil
        }
    }

    public func exposure(user: ConsoleUser, now: Double) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM review_reveal WHERE user_id = ? AND day = ?",
                arguments: [user.id, Self.day(now)]) ?? 0
        }
    }

    public func exposureStats(days: Int, now: Double) throws(StoreError) -> [ExposureStat] {
        let since = Self.day(now - Double(max(days - 1, 0)) * 86_400)
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT console_user.name, day, COUNT(*) AS n FROM review_reveal
                    JOIN console_user ON console_user.id = review_reveal.user_id
                    WHERE day >= ? GROUP BY console_user.name, day ORDER BY day DESC, console_user.name
                    """, arguments: [since]
            ).map { ExposureStat(user: $0["name"], day: $0["day"], reveals: $0["n"]) }
        }
    }

    public func recordExport(itemID: String, user: ConsoleUser) throws(StoreError) -> EvidenceDraft {
        guard user.role.isLead else { throw StoreError(.forbidden, "only leads and admins can export evidence") }
        let at = Timestamp.now()
        return try write { db in
            let item = try Self.itemForChange(db, id: itemID, user: user)
            guard let id = item.evidenceID,
                let row = try Row.fetchOne(db, sql: "SELECT * FROM evidence WHERE id = ?", arguments: [id])
            else { throw StoreError(.notFound, "this item has no preserved evidence") }
            try Self.appendAudit(
                AuditDraft(actor: user.actor, action: "evidence.export", subject: itemID, detail: auditDetail(["evidence": id])),
                at: at, db)
            return Self.evidenceRecord(row)
        }
    }

    // MARK: Cases

    public func createCase(title: String, kind: String, by user: ConsoleUser) throws(StoreError) -> ReviewCase {
        guard user.role.isLead else { throw StoreError(.forbidden, "only leads and admins can open cases") }
        guard !title.isEmpty, title.count <= 200 else { throw StoreError(.invalid, "a case title must be 1–200 characters") }
        guard ["uploader", "account", "incident"].contains(kind) else {
            throw StoreError(.invalid, "a case groups by uploader, account or incident")
        }
        let at = Timestamp.now()
        return try write { db in
            try db.execute(
                sql: "INSERT INTO review_case (title, kind, created_by, created_at) VALUES (?, ?, ?, ?)",
                arguments: [title, kind, user.name, at])
            let id = db.lastInsertedRowID
            try Self.appendAudit(AuditDraft(actor: user.actor, action: "case.create", subject: "case:\(id)"), at: at, db)
            return ReviewCase(id: id, title: title, kind: kind, status: "open", createdAt: at)
        }
    }

    private static func caseFilter(_ user: ConsoleUser) -> (String, StatementArguments) {
        user.role.isLead ? ("1", []) : ("id IN (SELECT case_id FROM case_member WHERE user_id = ?)", [user.id])
    }

    public func cases(for user: ConsoleUser) throws(StoreError) -> [ReviewCase] {
        let (filter, arguments) = Self.caseFilter(user)
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM review_case WHERE \(filter) ORDER BY id DESC", arguments: arguments)
                .map(Self.reviewCase)
        }
    }

    public func reviewCase(id: Int64, for user: ConsoleUser) throws(StoreError) -> (ReviewCase, [CaseNote], [ReviewItem])? {
        let (filter, arguments) = Self.caseFilter(user)
        return try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM review_case WHERE id = ? AND \(filter)",
                    arguments: ([id] as StatementArguments) + arguments)
            else { return nil }
            let notes = try Row.fetchAll(
                db, sql: "SELECT * FROM case_note WHERE case_id = ? ORDER BY id", arguments: [id]
            ).map { CaseNote(author: $0["author"], body: $0["body"], createdAt: $0["created_at"]) }
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM review_item WHERE case_id = ? ORDER BY created_at", arguments: [id]
            ).map(Self.item)
            return (Self.reviewCase(row), notes, items)
        }
    }

    private func caseChange(_ caseID: Int64, _ user: ConsoleUser, leadOnly: Bool, _ body: (Database) throws -> AuditDraft)
        throws(StoreError)
    {
        if leadOnly, !user.role.isLead { throw StoreError(.forbidden, "only leads and admins can change cases") }
        let (filter, arguments) = Self.caseFilter(user)
        let at = Timestamp.now()
        try write { db in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM review_case WHERE id = ? AND \(filter)",
                    arguments: ([caseID] as StatementArguments) + arguments) != nil
            else { throw StoreError(.notFound, "no case with that id") }
            try Self.appendAudit(try body(db), at: at, db)
        }
    }

    public func addNote(caseID: Int64, body: String, by user: ConsoleUser) throws(StoreError) {
        guard !body.isEmpty, body.count <= 10_000 else { throw StoreError(.invalid, "a note must be 1–10000 characters") }
        try caseChange(caseID, user, leadOnly: false) { db in
            try db.execute(
                sql: "INSERT INTO case_note (case_id, author, body, created_at) VALUES (?, ?, ?, ?)",
                arguments: [caseID, user.name, body, Timestamp.now()])
            return AuditDraft(actor: user.actor, action: "case.note", subject: "case:\(caseID)")
        }
    }

    public func setCaseStatus(caseID: Int64, status: String, by user: ConsoleUser) throws(StoreError) {
        guard ["open", "reported", "closed"].contains(status) else {
            throw StoreError(.invalid, "a case status is open, reported or closed")
        }
        try caseChange(caseID, user, leadOnly: true) { db in
            try db.execute(sql: "UPDATE review_case SET status = ? WHERE id = ?", arguments: [status, caseID])
            return AuditDraft(
                actor: user.actor, action: "case.status", subject: "case:\(caseID)", detail: auditDetail(["status": status]))
        }
    }

    public func addToCase(itemID: String, caseID: Int64, by user: ConsoleUser) throws(StoreError) {
        try caseChange(caseID, user, leadOnly: true) { db in
            try db.execute(sql: "UPDATE review_item SET case_id = ? WHERE id = ?", arguments: [caseID, itemID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no review item with that id") }
            return AuditDraft(
                actor: user.actor, action: "case.add_item", subject: "case:\(caseID)", detail: auditDetail(["item": itemID]))
        }
    }

    public func addCaseMember(caseID: Int64, userName: String, by user: ConsoleUser) throws(StoreError) {
        try caseChange(caseID, user, leadOnly: true) { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM console_user WHERE name = ?", arguments: [userName])
            else { throw StoreError.noUser(named: userName) }
            try db.execute(sql: "INSERT OR IGNORE INTO case_member (case_id, user_id) VALUES (?, ?)", arguments: [caseID, id])
            return AuditDraft(
                actor: user.actor, action: "case.add_member", subject: "case:\(caseID)",
                detail: auditDetail(["user": userName]))
        }
    }

    // MARK: Rows

    /// 256 random bits as hex: session, CSRF and login tokens.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func user(_ row: Row) -> ConsoleUser {
        ConsoleUser(
            id: row["id"], name: row["name"], role: ConsoleRole(rawValue: row["role"]) ?? .analyst, disabled: row["disabled"])
    }

    static func item(_ row: Row) -> ReviewItem {
        ReviewItem(
            id: row["id"], scanID: row["scan_id"], evidenceID: row["evidence_id"], verdict: row["verdict"],
            category: row["category"], confidence: row["confidence"], pdq: row["pdq"], filename: row["filename"],
            signals: row["signals"], status: ReviewStatus(rawValue: row["status"]) ?? .pending, caseID: row["case_id"],
            claimedBy: row["claimed_by"], claimExpires: row["claim_expires"], decisionCategory: row["decision_category"],
            decidedBy: row["decided_by"], createdAt: row["created_at"])
    }

    private static func reviewCase(_ row: Row) -> ReviewCase {
        ReviewCase(id: row["id"], title: row["title"], kind: row["kind"], status: row["status"], createdAt: row["created_at"])
    }
}

/// A flat JSON object of strings, escaped, for audit details.
func auditDetail(_ fields: KeyValuePairs<String, String>) -> String {
    "{" + fields.map { JSONText.quoted($0.key) + ":" + JSONText.quoted($0.value) }.joined(separator: ",") + "}"
}
