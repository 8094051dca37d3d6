import Foundation
import GRDB

/// A console user with the login state an admin sees.
public struct ConsoleUserState: Sendable, Equatable {
    public var user: ConsoleUser
    /// Seconds since 1970 before which logins are refused (0: not locked).
    public var lockedUntil: Double
    public var failedLogins: Int
    public var createdAt: String
}

/// What a reveal opens: the blurred preview (or a video's stills), or playback of a video. Both
/// count toward the analyst's daily exposure.
public enum RevealKind: String, Sendable, CaseIterable {
    case preview
    case playback
}

/// Who changes a console user: an admin signed in to the console, or the operator of the command
/// line (`vigil users …`), who holds the data directory and so the whole store.
public enum UserAdministrator: Sendable, Equatable {
    case console(ConsoleUser)
    case commandLine(actor: String)

    var actor: String {
        switch self {
        case .console(let user): user.actor
        case .commandLine(let actor): actor
        }
    }
}

/// User administration (admins only, every change audited and attributed) and video playback
/// reveals. Changes that end a user's access also end their sessions.
public protocol ConsoleAdministration: Sendable {
    func consoleUserStates() throws(StoreError) -> [ConsoleUserState]
    /// Disables or re-enables a user; disabling ends their sessions. An admin cannot disable themselves.
    func setUserDisabled(name: String, disabled: Bool, by admin: UserAdministrator) throws(StoreError)
    /// Replaces a user's password hash, clears the lockout and ends their sessions.
    func resetPassword(name: String, passwordHash: String, by admin: UserAdministrator) throws(StoreError)
    /// Clears a lockout and the failure count.
    func unlockUser(name: String, by admin: UserAdministrator) throws(StoreError)
    /// Counts a deliberate playback of a video item, like a reveal; refuses past the cap, and
    /// unless `user` revealed the item within the last `revealWindow` seconds.
    func recordPlayback(itemID: String, user: ConsoleUser, dailyCap: Int, revealWindow: Double, now: Double)
        throws(StoreError) -> Int
    /// Whether `user` started playback of the item within the last `window` seconds.
    func hasPlayback(itemID: String, user: ConsoleUser, window: Double, now: Double) throws(StoreError) -> Bool
    /// The newest audit entries before `seq` (all when nil), newest first.
    func auditPage(before seq: Int64?, limit: Int) throws(StoreError) -> [AuditEntry]
}

extension SQLiteBankStore: ConsoleAdministration {
    /// `v7-console`: reveals record what they opened (a preview or a video's playback).
    static func registerConsoleMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-console") { db in
            try db.execute(sql: "ALTER TABLE review_reveal ADD COLUMN kind TEXT NOT NULL DEFAULT 'preview'")
        }
    }

    public func consoleUserStates() throws(StoreError) -> [ConsoleUserState] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM console_user ORDER BY name").map { row in
                ConsoleUserState(
                    user: Self.user(row),
                    lockedUntil: row["locked_until"], failedLogins: row["failed_logins"], createdAt: row["created_at"])
            }
        }
    }

    /// Runs an admin's change to the named user in one transaction with its audit entry.
    private func userChange(
        _ name: String, by admin: UserAdministrator, action: String, detail: String = "{}",
        _ body: (Database, _ userID: Int64) throws -> Void
    ) throws(StoreError) {
        if case .console(let user) = admin, user.role != .admin { throw StoreError(.forbidden, "only admins manage users") }
        let at = Timestamp.now()
        try write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM console_user WHERE name = ?", arguments: [name]) else {
                throw StoreError.noUser(named: name)
            }
            try body(db, id)
            try Self.appendAudit(
                AuditDraft(actor: admin.actor, action: action, subject: "user:\(name)", detail: detail), at: at, db)
        }
    }

    public func setUserDisabled(name: String, disabled: Bool, by admin: UserAdministrator) throws(StoreError) {
        if disabled, case .console(let user) = admin, name == user.name {
            throw StoreError(.invalid, "you cannot disable your own account")
        }
        try userChange(name, by: admin, action: disabled ? "user.disable" : "user.enable") { db, id in
            try db.execute(sql: "UPDATE console_user SET disabled = ? WHERE id = ?", arguments: [disabled, id])
            if disabled { try db.execute(sql: "DELETE FROM console_session WHERE user_id = ?", arguments: [id]) }
        }
    }

    public func resetPassword(name: String, passwordHash: String, by admin: UserAdministrator) throws(StoreError) {
        try userChange(name, by: admin, action: "user.password_reset") { db, id in
            try db.execute(
                sql: "UPDATE console_user SET password = ?, failed_logins = 0, locked_until = 0 WHERE id = ?",
                arguments: [passwordHash, id])
            try db.execute(sql: "DELETE FROM console_session WHERE user_id = ?", arguments: [id])
        }
    }

    public func unlockUser(name: String, by admin: UserAdministrator) throws(StoreError) {
        try userChange(name, by: admin, action: "user.unlock") { db, id in
            try db.execute(sql: "UPDATE console_user SET failed_logins = 0, locked_until = 0 WHERE id = ?", arguments: [id])
        }
    }

    public func recordPlayback(itemID: String, user: ConsoleUser, dailyCap: Int, revealWindow: Double, now: Double)
        throws(StoreError) -> Int
    {
        guard try hasRevealed(itemID: itemID, user: user, window: revealWindow, now: now) else {
            throw StoreError(.conflict, "reveal the stills before playing the video")
        }
        return try countReveal(itemID: itemID, user: user, kind: .playback, dailyCap: dailyCap, now: now)
    }

    public func hasPlayback(itemID: String, user: ConsoleUser, window: Double, now: Double) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM review_reveal WHERE item_id = ? AND user_id = ? AND kind = 'playback' AND at > ? LIMIT 1",
                arguments: [itemID, user.id, now - window]) != nil
        }
    }

    public func auditPage(before seq: Int64?, limit: Int) throws(StoreError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                arguments: [seq ?? Int64.max, max(0, min(limit, 1000))]
            ).map(Self.audit)
        }
    }
}
