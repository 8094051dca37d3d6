import Foundation

/// What a console user may do. Analysts review; leads also export evidence, manage cases and see
/// exposure statistics; admins also manage users.
public enum ConsoleRole: String, Sendable, CaseIterable, Codable {
    case analyst, lead, admin

    /// Leads and admins: export evidence, see every case, see exposure statistics.
    public var isLead: Bool { self != .analyst }
}

/// A console user as stored (the password hash never leaves the store but for verification).
public struct ConsoleUser: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: ConsoleRole
    public var disabled: Bool

    public init(id: Int64, name: String, role: ConsoleRole, disabled: Bool = false) {
        self.id = id
        self.name = name
        self.role = role
        self.disabled = disabled
    }

    /// The audit log's name for this person.
    public var actor: String { "user:\(name)" }
}

/// What the store needs to check a login: the user, the stored hash and the lockout state.
public struct ConsoleCredentials: Sendable {
    public var user: ConsoleUser
    public var passwordHash: String
    /// Seconds since 1970 before which logins are refused.
    public var lockedUntil: Double
}

/// Lockout after repeated failures: `maxFailures` wrong passwords in a row lock the account for `lockSeconds`.
public struct LockoutPolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var lockSeconds: Double

    public init(maxFailures: Int = 5, lockSeconds: Double = 900) {
        self.maxFailures = maxFailures
        self.lockSeconds = lockSeconds
    }
}

/// A live console session: who, and the CSRF token bound to it.
public struct ConsoleSession: Sendable, Equatable {
    public var user: ConsoleUser
    public var csrf: String
    public var expiresAt: Double
}

/// A new review item, fed by a scan whose verdict is `review` or `block`.
public struct ReviewItemDraft: Sendable, Equatable {
    public var id: String
    public var scanID: String
    public var evidenceID: String?
    public var verdict: String
    /// The strongest category among the matches (A1, A2, B1, B2, …), if any.
    public var category: String?
    /// 0…1: how close the best match is.
    public var confidence: Double
    public var pdq: String?
    public var filename: String?
    /// Signals as JSON (matches with distance and bank, provenance, watermarks); no list labels.
    public var signals: String

    public init(
        id: String, scanID: String, evidenceID: String?, verdict: String, category: String?, confidence: Double,
        pdq: String?, filename: String?, signals: String
    ) {
        self.id = id
        self.scanID = scanID
        self.evidenceID = evidenceID
        self.verdict = verdict
        self.category = category
        self.confidence = confidence
        self.pdq = pdq
        self.filename = filename
        self.signals = signals
    }
}

/// Where an item is in review.
public enum ReviewStatus: String, Sendable, CaseIterable, Codable {
    case pending, escalated, confirmed
    case falsePositive = "false_positive"
}

/// A review item with its claim and decision.
public struct ReviewItem: Sendable, Equatable {
    public var id: String
    public var scanID: String
    public var evidenceID: String?
    public var verdict: String
    public var category: String?
    public var confidence: Double
    public var pdq: String?
    public var filename: String?
    public var signals: String
    public var status: ReviewStatus
    public var caseID: Int64?
    public var claimedBy: String?
    public var claimExpires: Double?
    public var decisionCategory: String?
    public var decidedBy: String?
    public var createdAt: String

    /// Whether `user` holds a live claim at `now`.
    public func isClaimed(by user: ConsoleUser, now: Double) -> Bool {
        claimedBy == user.name && (claimExpires ?? 0) > now
    }
}

/// An analyst's decision on a claimed item.
public enum ReviewDecision: Sendable, Equatable {
    /// Confirmed abusive, with a category: A1/A2/B1/B2 or Project VIC 0–4 (`VIC0`…`VIC4`).
    case confirm(category: String)
    /// Not abusive; optionally add the item's PDQ hash to a negative bank.
    case falsePositive(negativeBank: String?)
    /// Needs a lead.
    case escalate

    /// The categories `confirm` accepts.
    public static let categories = ["A1", "A2", "B1", "B2", "VIC0", "VIC1", "VIC2", "VIC3", "VIC4"]

    /// The queue's order of categories: the most severe first; unknown ones last.
    public static func rank(_ category: String?) -> Int {
        guard let category, let i = ["A1", "A2", "B1", "B2"].firstIndex(of: category.uppercased()) else { return 9 }
        return i
    }
}

/// A case: items grouped by uploader, account or incident, with members, notes and a status.
public struct ReviewCase: Sendable, Equatable {
    public var id: Int64
    public var title: String
    /// uploader, account or incident.
    public var kind: String
    public var status: String
    public var createdAt: String
}

public struct CaseNote: Sendable, Equatable {
    public var author: String
    public var body: String
    public var createdAt: String
}

/// One analyst's reveals on one UTC day.
public struct ExposureStat: Sendable, Equatable {
    public var user: String
    public var day: String
    public var reveals: Int
}

/// Persistence of the review console: users, sessions, the queue with claims and decisions,
/// exposure counts and cases. Every change appends an audit entry in the same transaction.
public protocol ReviewStore: Sendable {
    func createUser(name: String, role: ConsoleRole, passwordHash: String, by actor: String) throws(StoreError) -> ConsoleUser
    func consoleUsers() throws(StoreError) -> [ConsoleUser]
    func credentials(name: String) throws(StoreError) -> ConsoleCredentials?
    /// Counts a failed login; at `policy.maxFailures` in a row the account locks. Returns the lock end, if locked.
    func recordLoginFailure(userID: Int64, policy: LockoutPolicy, now: Double) throws(StoreError) -> Double?
    /// A new session with a fresh token (never one the client chose), clearing failure counts.
    /// Returns the secret token and its CSRF token.
    func createSession(userID: Int64, lifetime: Double, now: Double) throws(StoreError) -> (token: String, csrf: String)
    func session(token: String, now: Double) throws(StoreError) -> ConsoleSession?
    func deleteSession(token: String) throws(StoreError)

    func enqueueReview(_ draft: ReviewItemDraft) throws(StoreError)
    /// Open items `user` may see, by category rank, confidence (highest first), then age.
    func reviewQueue(for user: ConsoleUser, limit: Int) throws(StoreError) -> [ReviewItem]
    /// The item, or nil when it does not exist or `user` may not see it (another case's item).
    func reviewItem(id: String, for user: ConsoleUser) throws(StoreError) -> ReviewItem?
    /// Claims an open item for `seconds`; a live claim by someone else is a conflict.
    func claim(itemID: String, user: ConsoleUser, seconds: Double, now: Double) throws(StoreError) -> ReviewItem
    func release(itemID: String, user: ConsoleUser, now: Double) throws(StoreError)
    /// Records a decision on an item `user` holds a live claim on.
    func decide(itemID: String, user: ConsoleUser, decision: ReviewDecision, now: Double) throws(StoreError) -> ReviewItem
    /// Counts a deliberate reveal; refuses past `dailyCap` reveals today. Returns today's count.
    func reveal(itemID: String, user: ConsoleUser, dailyCap: Int, now: Double) throws(StoreError) -> Int
    /// Whether `user` revealed the item within the last `window` seconds.
    func hasRevealed(itemID: String, user: ConsoleUser, window: Double, now: Double) throws(StoreError) -> Bool
    func exposure(user: ConsoleUser, now: Double) throws(StoreError) -> Int
    func exposureStats(days: Int, now: Double) throws(StoreError) -> [ExposureStat]
    /// Audits an evidence export (leads and admins only) and returns the evidence record.
    func recordExport(itemID: String, user: ConsoleUser) throws(StoreError) -> EvidenceDraft

    func createCase(title: String, kind: String, by user: ConsoleUser) throws(StoreError) -> ReviewCase
    func cases(for user: ConsoleUser) throws(StoreError) -> [ReviewCase]
    func reviewCase(id: Int64, for user: ConsoleUser) throws(StoreError) -> (ReviewCase, [CaseNote], [ReviewItem])?
    func addNote(caseID: Int64, body: String, by user: ConsoleUser) throws(StoreError)
    func setCaseStatus(caseID: Int64, status: String, by user: ConsoleUser) throws(StoreError)
    func addToCase(itemID: String, caseID: Int64, by user: ConsoleUser) throws(StoreError)
    func addCaseMember(caseID: Int64, userName: String, by user: ConsoleUser) throws(StoreError)
}
