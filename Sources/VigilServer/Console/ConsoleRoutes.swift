import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import VigilMedia
import VigilReporting
import VigilStore

/// Settings of the review console.
public struct ConsoleConfiguration: Sendable {
    /// Reveals per analyst per UTC day before reveals are refused.
    public var dailyRevealCap: Int
    /// A break prompt shows after every this many reveals.
    public var breakEvery: Int
    public var claimSeconds: Double
    public var sessionSeconds: Double
    /// How long a reveal keeps an item's preview unblurred for that analyst.
    public var revealSeconds: Double
    public var lockout: LockoutPolicy
    /// Mark cookies `Secure` (set behind TLS).
    public var secureCookies: Bool
    /// How passwords set from the console (new users, resets) are hashed.
    public var passwordHasher: PasswordHasher = .standard

    /// Settings from the environment: `VIGIL_CONSOLE_SECURE_COOKIES=1` (behind TLS),
    /// `VIGIL_CONSOLE_DAILY_CAP`, `VIGIL_CONSOLE_BREAK_EVERY`; defaults otherwise.
    public static func fromEnvironment(_ environment: [String: String]) -> ConsoleConfiguration {
        var settings = ConsoleConfiguration()
        settings.secureCookies = environment["VIGIL_CONSOLE_SECURE_COOKIES"] == "1"
        if let cap = environment["VIGIL_CONSOLE_DAILY_CAP"].flatMap(Int.init), cap > 0 { settings.dailyRevealCap = cap }
        if let every = environment["VIGIL_CONSOLE_BREAK_EVERY"].flatMap(Int.init), every > 0 { settings.breakEvery = every }
        return settings
    }

    public init(
        dailyRevealCap: Int = 200, breakEvery: Int = 25, claimSeconds: Double = 900, sessionSeconds: Double = 8 * 3600,
        revealSeconds: Double = 600, lockout: LockoutPolicy = LockoutPolicy(), secureCookies: Bool = false
    ) {
        self.dailyRevealCap = dailyRevealCap
        self.breakEvery = breakEvery
        self.claimSeconds = claimSeconds
        self.sessionSeconds = sessionSeconds
        self.revealSeconds = revealSeconds
        self.lockout = lockout
        self.secureCookies = secureCookies
    }
}

/// The review console under `/console/`: server-rendered HTML, no JavaScript, a strict CSP,
/// session cookies (HttpOnly, SameSite=Strict) and a CSRF token on every form.
struct ConsoleRoutes: Sendable {
    let store: SQLiteBankStore
    let evidence: EvidenceVault
    let limits: MediaLimits
    let settings: ConsoleConfiguration
    let templates: MustacheLibrary
    /// CyberTipline drafting and submission (the report pages).
    let desk: CyberTipDesk

    static let sessionCookie = "vigil_session"
    static let loginCookie = "vigil_login_csrf"
    static let csp =
        "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'"

    /// Paths the console owns: the API's key and method checks let them through.
    static func owns(_ path: String) -> Bool { path == "/console" || path.hasPrefix("/console/") }

    init(
        store: SQLiteBankStore, evidence: EvidenceVault, limits: MediaLimits, settings: ConsoleConfiguration, desk: CyberTipDesk
    ) throws {
        self.desk = desk
        self.store = store
        self.evidence = evidence
        self.limits = limits
        self.settings = settings
        templates = try ConsoleTemplates.library()
    }

    func register(on router: Router<VigilRequestContext>) {
        let console = router.group("console")
        console.get("") { _, _ in redirect("/console/queue") }
        console.get("static/console.css") { _, _ in
            var response = Response(
                status: .ok, headers: [.contentType: "text/css"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: ConsoleTemplates.css)))
            secure(&response)
            return response
        }
        console.get("login") { request, _ in loginPage(request) }
        console.post("login") { request, _ in try await login(request) }
        console.post("logout") { request, _ in try await guarded(request) { s, _ in try logout(request, s) } }
        console.get("queue") { request, _ in try await guarded(request) { s, _ in try queue(s, message: nil) } }
        console.get("items/:id") { request, context in
            try await guarded(request) { s, _ in try itemPage(id(context), s, message: nil) }
        }
        console.get("items/:id/preview") { request, context in
            try await guarded(request) { s, _ in try await preview(id(context), s) }
        }
        console.post("items/:id/claim") { request, context in
            try await guarded(request) { s, _ in
                let item = try id(context)
                _ = try store.claim(itemID: item, user: s.user, seconds: settings.claimSeconds, now: now())
                return try itemPage(item, s, message: "Claimed for \(Int(settings.claimSeconds / 60)) minutes.")
            }
        }
        console.post("items/:id/release") { request, context in
            try await guarded(request) { s, _ in
                try store.release(itemID: try id(context), user: s.user, now: now())
                return redirect("/console/queue")
            }
        }
        console.post("items/:id/reveal") { request, context in
            try await guarded(request) { s, _ in
                let item = try id(context)
                _ = try store.reveal(itemID: item, user: s.user, dailyCap: settings.dailyRevealCap, now: now())
                return try itemPage(item, s, message: "Revealed; this counts toward your daily exposure.")
            }
        }
        // Video: stills first; playback (muted, no autoplay) only after a reveal, and counted.
        console.post("items/:id/play") { request, context in
            try await guarded(request) { s, _ in
                let item = try id(context)
                guard try videoEvidence(item, s) != nil else { throw StoreError(.invalid, "this item is not a video") }
                _ = try store.recordPlayback(
                    itemID: item, user: s.user, dailyCap: settings.dailyRevealCap, revealWindow: settings.revealSeconds,
                    now: now())
                return try itemPage(item, s, message: "Playback opened (muted); this counts toward your daily exposure.")
            }
        }
        console.get("items/:id/video") { request, context in
            try await guarded(request) { s, _ in try video(id(context), s) }
        }
        console.post("items/:id/decide") { request, context in
            try await guarded(request) { s, form in
                let item = try id(context)
                let decision: ReviewDecision
                switch form["action"] ?? "" {
                case "confirm": decision = .confirm(category: form["category"] ?? "")
                case "false_positive": decision = .falsePositive(negativeBank: form["negative_bank"])
                case "escalate": decision = .escalate
                default: throw StoreError(.invalid, "unknown decision")
                }
                let decided = try store.decide(itemID: item, user: s.user, decision: decision, now: now())
                return try queue(s, message: "Item \(decided.id) marked \(decided.status.rawValue).")
            }
        }
        console.post("items/:id/export") { request, context in
            try await guarded(request) { s, _ in try export(try id(context), s) }
        }
        console.post("items/:id/hold") { request, context in
            try await guarded(request) { s, form in
                let item = try id(context)
                guard s.user.role.isLead else { throw StoreError(.forbidden, "only leads and admins place legal holds") }
                guard let evidenceID = try store.reviewItem(id: item, for: s.user)?.evidenceID else {
                    throw StoreError(.notFound, "this item has no preserved evidence")
                }
                let held = form["held"] == "1"
                try store.setLegalHold(evidenceID: evidenceID, held: held, by: s.user.actor)
                return try itemPage(item, s, message: held ? "Legal hold placed." : "Legal hold lifted.")
            }
        }
        console.get("cases") { request, _ in try await guarded(request) { s, _ in try casesPage(s) } }
        console.post("cases") { request, _ in
            try await guarded(request) { s, form in
                let opened = try store.createCase(title: form["title"] ?? "", kind: form["kind"] ?? "", by: s.user)
                return redirect("/console/cases/\(opened.id)")
            }
        }
        console.get("cases/:id") { request, context in
            try await guarded(request) { s, _ in try casePage(caseID(context), s) }
        }
        // Case changes: one form field each, then back to the case page.
        let caseChanges: [(String, String, @Sendable (SQLiteBankStore, Int64, String, ConsoleUser) throws -> Void)] = [
            ("notes", "body", { try $0.addNote(caseID: $1, body: $2, by: $3) }),
            ("status", "status", { try $0.setCaseStatus(caseID: $1, status: $2, by: $3) }),
            ("items", "item", { try $0.addToCase(itemID: $2, caseID: $1, by: $3) }),
            ("members", "user", { try $0.addCaseMember(caseID: $1, userName: $2, by: $3) }),
        ]
        for (path, field, change) in caseChanges {
            console.post("cases/:id/\(path)") { request, context in
                try await guarded(request) { s, form in
                    let c = try caseID(context)
                    try change(store, c, form[field] ?? "", s.user)
                    return redirect("/console/cases/\(c)")
                }
            }
        }
        registerAdministration(console)
        console.get("exposure") { request, _ in
            try await guarded(request) { s, _ in
                guard s.user.role.isLead else { throw StoreError(.forbidden, "only leads and admins see exposure statistics") }
                let stats = try store.exposureStats(days: 14, now: now()).map {
                    ["user": $0.user, "day": $0.day, "reveals": String($0.reveals)]
                }
                return try page("Exposure", "exposure", ["stats": stats], s)
            }
        }
        registerTakedowns(on: console)
        registerReports(on: console)
    }

    // MARK: Sessions, CSRF and errors

    func now() -> Double { Date().timeIntervalSince1970 }

    /// Runs `body` for a logged-in user; POSTs must carry the session's CSRF token. Store errors
    /// become HTML error pages with their status; without a session, GETs go to the login page.
    func guarded(
        _ request: Request, _ body: (ConsoleSession, [String: String]) async throws -> Response
    ) async throws -> Response {
        let token = Self.cookies(request)[Self.sessionCookie]
        guard let token, let session = try? store.session(token: token, now: now()) else {
            if request.method == .get { return redirect("/console/login") }
            return errorPage(.unauthorized, "Log in first", "Your session has ended: log in again.")
        }
        var form: [String: String] = [:]
        if request.method == .post {
            form = try await Self.form(request)
            guard let sent = form["csrf"], APIKeyFormat.constantTimeEqual(sent, session.csrf) else {
                return errorPage(.forbidden, "Refused", "The form's CSRF token is missing or wrong: reload the page.")
            }
        }
        do {
            return try await body(session, form)
        } catch let error as StoreError {
            let status: HTTPResponse.Status =
                switch error.code {
                case .notFound: .notFound
                case .conflict: .conflict
                case .invalid: .badRequest
                case .forbidden: .forbidden
                default: .serviceUnavailable
                }
            return errorPage(status, "Not done", status == .serviceUnavailable ? "The database is unavailable." : error.message)
        }
    }

    func id(_ context: VigilRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), id.count <= 64 else { throw StoreError(.notFound, "no such item") }
        return id
    }

    func caseID(_ context: VigilRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw StoreError(.notFound, "no such case") }
        return id
    }

    /// The request's cookies by name.
    static func cookies(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let name = pair[0].trimmingCharacters(in: .whitespaces)
                if cookies[name] == nil { cookies[name] = pair[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return cookies
    }

    /// An `application/x-www-form-urlencoded` body (at most 64 KiB).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 << 10)
        } catch {
            throw StoreError(.invalid, "the form is larger than 64 KiB")
        }
        return parseForm(String(buffer: buffer))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(settings.secureCookies ? "; Secure" : "")"
    }

    // MARK: Pages

    private func secure(_ response: inout Response) {
        response.headers[HTTPField.Name("Content-Security-Policy")!] = Self.csp
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.cacheControl] = "no-store"
    }

    private func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        secure(&response)
        return response
    }

    func redirect(_ location: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        secure(&response)
        return response
    }

    private func layout(title: String, body: String, session: ConsoleSession?, message: String?) throws -> String {
        var context: [String: Any] = ["title": title, "body": body]
        if let message { context["message"] = message }
        if let session {
            let exposure = try store.exposure(user: session.user, now: now())
            context["user"] =
                [
                    "name": session.user.name, "role": session.user.role.rawValue, "csrf": session.csrf,
                    "lead": session.user.role.isLead, "admin": session.user.role == .admin,
                    "exposure": String(exposure), "cap": String(settings.dailyRevealCap),
                ] as [String: Any]
            context["exposure"] = String(exposure)
            context["breakPrompt"] = exposure > 0 && settings.breakEvery > 0 && exposure % settings.breakEvery == 0
        }
        return templates.render(context, withTemplate: "layout") ?? ""
    }

    func page(
        _ title: String, _ template: String, _ values: [String: Any], _ session: ConsoleSession, message: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var values = values
        values["csrf"] = session.csrf
        values["lead"] = session.user.role.isLead
        let body = templates.render(values, withTemplate: template) ?? ""
        return html(try layout(title: title, body: body, session: session, message: message), status: status)
    }

    private func errorPage(_ status: HTTPResponse.Status, _ title: String, _ text: String) -> Response {
        let body = templates.render(["title": title, "text": text], withTemplate: "error") ?? ""
        return html((try? layout(title: title, body: body, session: nil, message: nil)) ?? body, status: status)
    }

    private func loginPage(_ request: Request, status: HTTPResponse.Status = .ok, message: String? = nil) -> Response {
        let csrf = SQLiteBankStore.randomToken()
        let body = templates.render(["csrf": csrf], withTemplate: "login") ?? ""
        var response = html((try? layout(title: "Log in", body: body, session: nil, message: message)) ?? body, status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, csrf, maxAge: 3600)))
        return response
    }

    /// Login: CSRF by double submit (cookie and field), lockout after repeated failures, and a
    /// fresh session id on success: any session the client presented is ended (no fixation).
    private func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let cookies = Self.cookies(request)
        guard let sent = form["csrf"], let expected = cookies[Self.loginCookie], APIKeyFormat.constantTimeEqual(sent, expected)
        else { return errorPage(.forbidden, "Refused", "The form's CSRF token is missing or wrong: reload the page.") }
        let name = form["name"] ?? "", password = form["password"] ?? ""
        let failed = "Wrong name or password."
        guard let credentials = try store.credentials(name: name), !credentials.user.disabled else {
            // As slow as a real check, so that timing does not tell which names exist.
            // (Hashing the attempt with the configured cost costs what verifying it would.)
            let hasher = settings.passwordHasher
            _ = await blocking { try? hasher.hash(password) }
            return loginPage(request, status: .unauthorized, message: failed)
        }
        let started = now()
        if credentials.lockedUntil > started {
            return loginPage(
                request, status: .tooManyRequests, message: "Too many failed logins: this account is locked for a while.")
        }
        guard await verifyOffThread(password, credentials.passwordHash) else {
            let locked = try store.recordLoginFailure(userID: credentials.user.id, policy: settings.lockout, now: now())
            return loginPage(
                request, status: locked == nil ? .unauthorized : .tooManyRequests,
                message: locked == nil ? failed : "Too many failed logins: this account is locked for a while.")
        }
        if let old = cookies[Self.sessionCookie] { try store.deleteSession(token: old) }
        let session = try store.createSession(userID: credentials.user.id, lifetime: settings.sessionSeconds, now: now())
        var response = redirect("/console/queue")
        response.headers.append(
            HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, session.token, maxAge: Int(settings.sessionSeconds))))
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, "", maxAge: 0)))
        return response
    }

    /// scrypt is CPU- and memory-heavy: it runs on the blocking-work pool, not the cooperative threads.
    func verifyOffThread(_ password: String, _ hash: String) async -> Bool {
        await blocking { PasswordHasher.verify(password, against: hash) }
    }

    private func logout(_ request: Request, _ session: ConsoleSession) throws -> Response {
        if let token = Self.cookies(request)[Self.sessionCookie] { try store.deleteSession(token: token) }
        try store.appendAudit(AuditDraft(actor: session.user.actor, action: "logout", subject: nil))
        var response = redirect("/console/login")
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, "", maxAge: 0)))
        return response
    }

    func summary(_ item: ReviewItem) -> [String: Any] {
        [
            "id": item.id, "short": String(item.id.prefix(8)), "category": item.category ?? "—",
            "confidence": String(format: "%.2f", item.confidence), "verdict": item.verdict, "status": item.status.rawValue,
            "claimedBy": item.claimedBy ?? "", "createdAt": item.createdAt,
        ]
    }

    private func queue(_ session: ConsoleSession, message: String?) throws -> Response {
        let items = try store.reviewQueue(for: session.user, limit: 200).map(summary)
        return try page("Queue", "queue", ["items": items], session, message: message)
    }

    /// The item's evidence record when it is a video (by the format recorded at preservation);
    /// not found when `session`'s user may not see the item.
    private func videoEvidence(_ id: String, _ session: ConsoleSession) throws -> EvidenceDraft? {
        guard let item = try store.reviewItem(id: id, for: session.user) else { throw StoreError(.notFound, "no such item") }
        guard let evidenceID = item.evidenceID,
            let record = try store.evidence(scanID: item.scanID).first(where: { $0.id == evidenceID }),
            let format = record.format.flatMap(MediaFormat.init(rawValue:)), format.isVideo
        else { return nil }
        return record
    }

    private func itemPage(_ id: String, _ session: ConsoleSession, message: String?) throws -> Response {
        guard let item = try store.reviewItem(id: id, for: session.user) else { throw StoreError(.notFound, "no such item") }
        let revealed = try store.hasRevealed(itemID: id, user: session.user, window: settings.revealSeconds, now: now())
        var values = summary(item)
        values["filename"] = item.filename ?? "—"
        values["caseID"] = item.caseID.map { String($0) } ?? "—"
        values.merge(SignalView(json: item.signals).context) { _, new in new }
        values["revealed"] = revealed
        if try videoEvidence(id, session) != nil {
            values["video"] = true
            let playing = try store.hasPlayback(itemID: id, user: session.user, window: settings.revealSeconds, now: now())
            values["playing"] = revealed && playing
        }
        values["previewClass"] = revealed ? "revealed" : "blurred"
        values["open"] = item.status == .pending || (item.status == .escalated && session.user.role.isLead)
        values["categories"] = ReviewDecision.categories
        values["confirmed"] = item.status == .confirmed
        return try page("Item", "item", values, session, message: message)
    }

    /// Blurred greyscale unless this analyst revealed the item in the last few minutes.
    private func preview(_ id: String, _ session: ConsoleSession) async throws -> Response {
        guard let item = try store.reviewItem(id: id, for: session.user) else { throw StoreError(.notFound, "no such item") }
        let revealed = try store.hasRevealed(itemID: id, user: session.user, window: settings.revealSeconds, now: now())
        var png = Preview.placeholder()
        if let evidenceID = item.evidenceID,
            let record = try store.evidence(scanID: item.scanID).first(where: { $0.id == evidenceID }),
            let name = record.path.split(separator: "/").last
        {
            let bytes = try evidence.load(String(name))
            let limits = self.limits
            let rendered = await blocking { Preview.render(bytes, revealed: revealed, limits: limits) }
            if let rendered { png = rendered }
        }
        var response = Response(
            status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: png)))
        secure(&response)
        return response
    }

    /// The original video, muted by the page's `<video muted>`: only while this analyst's counted
    /// playback is live.
    private func video(_ id: String, _ session: ConsoleSession) throws -> Response {
        guard let record = try videoEvidence(id, session), let name = record.path.split(separator: "/").last else {
            throw StoreError(.notFound, "this item has no video")
        }
        guard try store.hasPlayback(itemID: id, user: session.user, window: settings.revealSeconds, now: now()) else {
            throw StoreError(.forbidden, "reveal the stills and start playback first (it counts toward your exposure)")
        }
        let bytes = try evidence.load(String(name))
        let type =
            switch MediaFormat(rawValue: record.format ?? "") {
            case .mov: "video/quicktime"
            case .matroska: "video/x-matroska"
            case .avi: "video/x-msvideo"
            default: "video/mp4"
            }
        var response = Response(
            status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        secure(&response)
        return response
    }

    /// Leads and admins only; the export is audited before the bytes leave.
    private func export(_ id: String, _ session: ConsoleSession) throws -> Response {
        let record = try store.recordExport(itemID: id, user: session.user)
        guard let name = record.path.split(separator: "/").last else { throw StoreError(.notFound, "no evidence file") }
        let bytes = try evidence.load(String(name))
        var response = Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"evidence-\(record.id).bin\"",
            ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        secure(&response)
        return response
    }

    private func casesPage(_ session: ConsoleSession) throws -> Response {
        let cases = try store.cases(for: session.user).map { c -> [String: Any] in
            ["id": String(c.id), "title": c.title, "kind": c.kind, "status": c.status, "createdAt": c.createdAt]
        }
        return try page("Cases", "cases", ["cases": cases], session)
    }

    private func casePage(_ id: Int64, _ session: ConsoleSession) throws -> Response {
        guard let found = try store.reviewCase(id: id, for: session.user) else { throw StoreError(.notFound, "no such case") }
        let (c, notes, items) = found
        let values: [String: Any] = [
            "id": String(c.id), "title": c.title, "kind": c.kind, "status": c.status, "items": items.map(summary),
            "notes": notes.map { ["author": $0.author, "body": $0.body, "createdAt": $0.createdAt] },
        ]
        return try page("Case", "case", values, session)
    }
}
