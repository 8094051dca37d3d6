import Foundation
import Hummingbird
import VigilStore

/// The console's administration: user management (admins) and the audit view (leads and
/// admins). Every change is made by the store in one transaction with its audit entry.
extension ConsoleRoutes {
    func registerAdministration(_ console: RouterGroup<VigilRequestContext>) {
        console.get("users") { request, _ in
            try await guarded(request) { s, _ in try usersPage(s, message: nil) }
        }
        console.post("users") { request, _ in
            try await guarded(request) { s, form in
                try requireAdmin(s)
                guard let role = ConsoleRole(rawValue: form["role"] ?? "") else {
                    throw StoreError(.invalid, "a role is analyst, lead or admin")
                }
                let hash = try await passwordHash(form["password"] ?? "")
                let user = try store.createUser(name: form["name"] ?? "", role: role, passwordHash: hash, by: s.user.actor)
                return try usersPage(s, message: "Created \(user.role.rawValue) \(user.name).")
            }
        }
        // One action per path, each audited by the store.
        let changes: [(String, String)] = [
            ("disable", "Disabled"), ("enable", "Enabled"), ("unlock", "Unlocked"), ("password", "Password reset for"),
        ]
        for (path, done) in changes {
            console.post("users/:name/\(path)") { request, context in
                try await guarded(request) { s, form in
                    try requireAdmin(s)
                    let name = context.parameters.get("name") ?? ""
                    switch path {
                    case "disable": try store.setUserDisabled(name: name, disabled: true, by: .console(s.user))
                    case "enable": try store.setUserDisabled(name: name, disabled: false, by: .console(s.user))
                    case "unlock": try store.unlockUser(name: name, by: .console(s.user))
                    default:
                        let hash = try await passwordHash(form["password"] ?? "")
                        try store.resetPassword(name: name, passwordHash: hash, by: .console(s.user))
                    }
                    return try usersPage(s, message: "\(done) \(name).")
                }
            }
        }
        console.get("audit") { request, _ in
            try await guarded(request) { s, _ in
                guard s.user.role.isLead else { throw StoreError(.forbidden, "only leads and admins see the audit log") }
                let before = request.uri.queryParameters.get("before").flatMap(Int64.init)
                return try await auditPage(s, before: before)
            }
        }
    }

    private func requireAdmin(_ session: ConsoleSession) throws {
        guard session.user.role == .admin else { throw StoreError(.forbidden, "only admins manage users") }
    }

    /// Hashes a new password (at least 12 characters) off the cooperative threads.
    private func passwordHash(_ password: String) async throws -> String {
        guard password.count >= 12, password.count <= 1024 else {
            throw StoreError(.invalid, "a password must be 12–1024 characters")
        }
        let hasher = settings.passwordHasher
        return try await blocking { Result { () throws(StoreError) in try hasher.hash(password) } }.get()
    }

    private func usersPage(_ session: ConsoleSession, message: String?) throws -> Response {
        try requireAdmin(session)
        let at = now()
        let users = try store.consoleUserStates().map { state -> [String: Any] in
            [
                "name": state.user.name, "role": state.user.role.rawValue, "disabled": state.user.disabled,
                "locked": state.lockedUntil > at, "failures": String(state.failedLogins), "createdAt": state.createdAt,
                "me": state.user.name == session.user.name,
            ]
        }
        return try page(
            "Users", "users", ["users": users, "roles": ConsoleRole.allCases.map(\.rawValue)], session, message: message)
    }

    /// The newest entries and the chain check `vigil audit verify` runs (the store's `verifyAudit`).
    private func auditPage(_ session: ConsoleSession, before: Int64?) async throws -> Response {
        let store = self.store
        let verification = try await blocking { Result { () throws(StoreError) in try store.verifyAudit() } }.get()
        let entries = try store.auditPage(before: before, limit: 100)
        var values: [String: Any] = [
            "intact": verification.intact, "entries": String(verification.entries), "head": verification.head,
            "rows": entries.map { e -> [String: Any] in
                [
                    "seq": String(e.seq), "at": e.at, "actor": e.actor, "action": e.action, "subject": e.subject ?? "",
                    "detail": e.detail == "{}" ? "" : e.detail,
                ]
            },
        ]
        if let bad = verification.firstBadSeq {
            values["firstBad"] = String(bad)
            values["problem"] = verification.problem ?? ""
        }
        if let last = entries.last, last.seq > 1, entries.count == 100 { values["older"] = String(last.seq) }
        return try page("Audit", "audit", values, session)
    }
}
