import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilIndex
import VigilStore
import VigilTakedown

/// The pages `vigil serve` offers the public, without an API key: the report form (`/report`,
/// URLs only, never uploads) and the transparency page (`/transparency`), with their static
/// script and stylesheet under `/public/`. A strict CSP: scripts and styles only from this origin.
struct PublicRoutes: Sendable {
    let routes: Routes
    let settings: ReportFormSettings
    let work: ProofOfWork
    let limiter: RateLimiter<String>

    static let csp =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    /// Paths served without an API key.
    static func owns(_ path: String) -> Bool {
        ["/report", "/report/challenge", "/transparency", "/public/report.js", "/public/vigil.css", "/v1/transparency"]
            .contains(path)
    }

    init(routes: Routes, settings: ReportFormSettings, secret: [UInt8]) {
        self.routes = routes
        self.settings = settings
        work = ProofOfWork(secret: secret, bits: settings.powBits, minimumFillSeconds: settings.minimumFillSeconds)
        limiter = RateLimiter<String>(limit: settings.rateLimit)
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/public/report.js") { _, _ in asset(Self.script, type: "text/javascript; charset=utf-8") }
        router.get("/public/vigil.css") { _, _ in asset(Self.stylesheet, type: "text/css; charset=utf-8") }
        router.get("/transparency") { _, _ in
            let report = try storeCall { () throws(StoreError) in try routes.store.transparencyReport() }
            return html(report.html(stylesheet: "/public/vigil.css"))
        }
        router.get("/report") { _, _ in
            guard settings.enabled else { throw APIError(.notFound, "not_found", "no such endpoint") }
            return html(formPage(message: nil))
        }
        router.get("/report/challenge") { _, _ in
            guard settings.enabled else { throw APIError(.notFound, "not_found", "no such endpoint") }
            return Response.json(.object([("challenge", .string(work.challenge())), ("bits", .int(work.bits))]))
        }
        router.post("/report") { request, context in
            guard settings.enabled else { throw APIError(.notFound, "not_found", "no such endpoint") }
            let wantsJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
            do {
                let reference = try await submit(request, context, json: wantsJSON)
                if wantsJSON {
                    return Response.json(
                        .object([("status", .string("received")), ("reference", .string(reference))]), status: .accepted)
                }
                return html(
                    Self.page(
                        "Report received",
                        "<h1>Thank you</h1><p id=\"received\">Your report was received (reference <code>"
                            + MarkupText.escape(reference)
                            + "</code>). An analyst reviews it; nothing you sent is shown to anyone else.</p>"),
                    status: .accepted)
            } catch let error as APIError where !wantsJSON {
                var response = html(formPage(message: error.message), status: error.status)
                if let retry = error.retryAfter { response.headers[.retryAfter] = String(retry) }
                return response
            }
        }
    }

    /// Validates a submission in order of cost: rate limit, size, fields, proof of work, the
    /// URL's SSRF checks (a DNS lookup). Returns the new candidate's case reference.
    private func submit(_ request: Request, _ context: VigilRequestContext, json: Bool) async throws -> String {
        if let wait = limiter.take(clientKey(request, context)) {
            throw APIError(
                .tooManyRequests, "rate_limited", "too many reports from your address: try again later",
                retryAfter: max(1, Int(wait.rounded(.up))))
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard json || type.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "send the report as a form (application/x-www-form-urlencoded) or as JSON; no files are accepted")
        }
        let limit = settings.maxURLBytes + settings.maxDescriptionBytes * 3 + 2048
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the report is larger than \(limit) bytes")
        }
        var fields: [String: String]
        if json {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] else {
                throw APIError(.badRequest, "malformed", "the body is not a JSON object")
            }
            fields = [:]
            for (name, value) in object {
                guard let text = value as? String else {
                    throw APIError(.badRequest, "malformed", "\(name.prefix(40)) must be a string")
                }
                fields[name] = text
            }
        } else {
            fields = ConsoleRoutes.parseForm(String(buffer: body))
        }
        if let trap = fields["website"], !trap.isEmpty {
            throw APIError(.badRequest, "rejected", "the report was refused")
        }
        guard let url = fields["url"]?.trimmingCharacters(in: .whitespacesAndNewlines), !url.isEmpty else {
            throw APIError(.badRequest, "missing_url", "give the URL where you saw the material")
        }
        guard url.utf8.count <= settings.maxURLBytes else {
            throw APIError(.badRequest, "url_too_long", "the URL is longer than \(settings.maxURLBytes) bytes")
        }
        let description = fields["description"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard description.utf8.count <= settings.maxDescriptionBytes else {
            throw APIError(
                .badRequest, "description_too_long", "the description is longer than \(settings.maxDescriptionBytes) bytes")
        }
        guard !description.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) else {
            throw APIError(.badRequest, "malformed", "the description contains control characters")
        }
        guard let challenge = fields["challenge"], !challenge.isEmpty else {
            throw APIError(.badRequest, "missing_challenge", "the form's challenge is missing: reload the form")
        }
        let solution = fields["pow"].flatMap { $0.isEmpty ? nil : $0 }
        if let failure = work.verify(challenge, solution: solution) {
            let message =
                switch failure {
                case .expired: "the form has expired: reload it and submit again"
                case .tooFast: "the form was submitted too quickly: wait a few seconds and submit again"
                case .reused: "this form was already submitted: reload it to send another report"
                default: "the proof of work is missing or wrong: reload the form and submit again"
                }
            throw APIError(.badRequest, "bad_proof_of_work", message)
        }
        let checked = try await routes.scans.fetcher.vet(url)
        let record = try storeCall { () throws(StoreError) in
            try routes.store.createTakedown(
                TakedownDraft(
                    url: checked.absoluteString, host: checked.host ?? "", source: .publicReport, status: .candidate,
                    description: description.isEmpty ? nil : description, createdBy: "public"))
        }
        return record.caseRef
    }

    /// The client's address: the peer, or the last `X-Forwarded-For` entry when a proxy is trusted.
    private func clientKey(_ request: Request, _ context: VigilRequestContext) -> String {
        if settings.trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return String(last.prefix(64))
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    private func formPage(message: String?) -> String {
        let error = message.map { "<p class=\"error\" id=\"error\">\(MarkupText.escape($0))</p>" } ?? ""
        return Self.page(
            "Report a URL",
            """
            <h1>Report child sexual abuse material</h1>
            <p>Give the address (URL) where you saw it. <strong>Do not upload, copy or send the material itself.</strong>
            Reports are reviewed by trained analysts, who ask the host to remove it.</p>\(error)
            <form id="report-form" method="post" action="/report">
            <input type="hidden" name="challenge" value="\(MarkupText.escape(work.challenge()))">
            <input type="hidden" name="pow" value="">
            <label>URL <input name="url" type="url" required maxlength="\(settings.maxURLBytes)"></label>
            <label>What did you see? (optional) <textarea name="description" maxlength="\(settings.maxDescriptionBytes)"></textarea></label>
            <label class="trap">Leave this empty <input name="website" tabindex="-1" autocomplete="off"></label>
            <button id="submit">Send report</button> <span id="pow-status"></span>
            </form><script src="/public/report.js"></script>
            """)
    }

    static func page(_ title: String, _ body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(MarkupText.escape(title)) · Vigil</title>
        <link rel="stylesheet" href="/public/vigil.css"></head><body><main>\(body)</main></body></html>

        """
    }

    private func secure(_ response: inout Response) {
        response.headers[HTTPField.Name("Content-Security-Policy")!] = Self.csp
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    }

    private func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        secure(&response)
        return response
    }

    private func asset(_ text: String, type: String) -> Response {
        var response = Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        secure(&response)
        return response
    }

    /// Solves the form's challenge before submitting (SubtleCrypto SHA-256). Without JavaScript the
    /// form still works: the honeypot and the minimum fill time apply instead.
    static let script = """
        "use strict";
        (function () {
          var form = document.getElementById("report-form");
          if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
          var status = document.getElementById("pow-status");
          var solving = false;
          function zeros(d) {
            var c = 0;
            for (var i = 0; i < d.length; i++) {
              if (d[i] === 0) { c += 8; continue; }
              return c + Math.clz32(d[i]) - 24;
            }
            return c;
          }
          form.addEventListener("submit", async function (event) {
            var pow = form.elements["pow"];
            if (pow.value) return;
            event.preventDefault();
            if (solving) return;
            solving = true;
            var challenge = form.elements["challenge"].value;
            var bits = parseInt(challenge.split(".")[3], 10) || 0;
            var encoder = new TextEncoder();
            status.textContent = "Checking\\u2026";
            for (var n = 0; n < 1e8; n++) {
              var d = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
              if (zeros(d) >= bits) { pow.value = String(n); break; }
            }
            status.textContent = "";
            form.submit();
          });
        })();

        """

    static let stylesheet = """
        body{font-family:sans-serif;margin:0;background:#f6f6f6;color:#222}main{max-width:760px;margin:0 auto;padding:1em}
        label{display:block;margin:.6em 0}input[type=url],textarea{width:100%;box-sizing:border-box}textarea{height:8em}
        .trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.error{background:#fdd;padding:.5em 1em}
        table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}svg.chart{background:#fff;display:block}

        """
}
