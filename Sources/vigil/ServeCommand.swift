import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilMedia
import VigilServer
import VigilStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scanning service: scan, hash, lookup and bank management over a JSON API.",
        discussion: """
            Endpoints (OpenAPI 3.1 at /openapi.json): /healthz and /readyz (open), /openapi.json (open), \
            /metrics (Prometheus; admin key), POST /v1/scan (images and videos; raw body, multipart/form-data or \
            {"url": ...}; videos are matched against bank videos by vPDQ; ?async=true answers 202; Idempotency-Key makes retries return the first scan), GET /v1/scans/{id}, \
            POST /v1/hash, POST /v1/lookup, /v1/banks, /v1/banks/{name}, /v1/banks/{name}/entries, \
            POST /v1/banks/{name}/import?format=... (vpdq for bank videos), GET /v1/audit (admin), /v1/reports, /v1/reports/{id} and \
            POST /v1/reports/{id}/submit (CyberTipline reports; scope reports), /v1/takedowns and /v1/takedowns/{id} \
            (scope takedowns: notices to hosts, re-checked until removed). Open to the public: the report form \
            (/report, URLs only, rate-limited, proof of work), /transparency and GET /v1/transparency (aggregate \
            counts). Every other endpoint needs an API key (Authorization: Bearer <key>) with the right scope; create \
            keys with `vigil keys create`.

            Settings come from defaults, then --config FILE (JSON: host, port, data, limits, hashing, watermarks, \
            fetch, webhooks, rate_limit, evidence, async_workers, policy, trust_anchors, video_match, takedown, \
            report_form, cybertip; limits include max_video_seconds, max_video_frames and \
            max_video_decode_seconds; see docs/SERVICE.md), then the \
            environment (VIGIL_HOST, VIGIL_PORT, VIGIL_DATA, VIGIL_EVIDENCE_KEY, VIGIL_EVIDENCE_KEY_FILE, \
            VIGIL_WEBHOOK_URL with VIGIL_WEBHOOK_SECRET, VIGIL_FETCH_ALLOW_PRIVATE, VIGIL_RATE_LIMIT_RPS, \
            VIGIL_HASHING, VIGIL_TRUST_ANCHORS, VIGIL_SMTP_HOST with VIGIL_SMTP_FROM and VIGIL_SMTP_PORT, \
            VIGIL_RDAP_BASE, VIGIL_REPORT_FORM, VIGIL_CYBERTIP_URL (default NCMEC's test service \
            https://exttest.cybertip.org/ispws), VIGIL_CYBERTIP_USERNAME, VIGIL_CYBERTIP_PASSWORD or \
            VIGIL_CYBERTIP_PASSWORD_FILE, VIGIL_CYBERTIP_REPORTER_FIRST_NAME, _LAST_NAME, _EMAIL, _PHONE, \
            VIGIL_CYBERTIP_COMPANY), then these flags. Reports are sent only when a CyberTipline username and \
            password are set. Evidence and queued media are encrypted with AES-256-GCM; without a \
            configured key, DATA/evidence.key is created on first start. Stops gracefully on SIGINT/SIGTERM.
            """)

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default 8080).") var port: Int?
    @Option(help: "Data directory: database, index cache, evidence, spool (default ./vigil-data).") var data: String?
    @Option(help: "A JSON configuration file.") var config: String?
    @Option(help: "Largest request body accepted, in bytes (default 64 MiB).") var maxBodyBytes: Int?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be 0–65535") }
        if let maxBodyBytes, maxBodyBytes <= 0 { throw ValidationError("--max-body-bytes must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "vigil")
        logger.logLevel = .info
        var configuration = ServerConfiguration()
        do {
            if let config { try configuration.apply(file: config) }
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.message)
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let data { configuration.dataDirectory = data }
        if let maxBodyBytes {
            configuration.maxBodyBytes = maxBodyBytes
            configuration.limits.maxBytes = maxBodyBytes
        }
        let app = try buildApplication(
            configuration, console: .fromEnvironment(ProcessInfo.processInfo.environment), logger: logger)
        try await app.runService()
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the hash-chained audit log.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit chain; exit 1 and name the first bad entry if any was edited, deleted or reordered.")
        @OptionGroup var store: DataOptions

        func run() throws {
            let result = try store.openStore(create: false).verifyAudit()
            if let seq = result.firstBadSeq {
                printError("audit log broken at entry \(seq): \(result.problem ?? "")")
                throw ExitCode(1)
            }
            print("audit log intact: \(result.entries) entries, head \(result.head)")
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys for `vigil serve` (only a SHA-256 of each key is stored).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key; the key itself is printed once, alone on the last line.")
        @OptionGroup var store: DataOptions
        @Option(help: "A name for the key.") var name: String
        @Option(help: "Comma-separated scopes: \(APIScope.allCases.map(\.rawValue).joined(separator: ", ")).") var scopes: String

        func run() throws {
            var parsed: Set<APIScope> = []
            for text in scopes.split(separator: ",") {
                guard let scope = APIScope(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError(
                        "unknown scope \"\(text)\"; known: \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsed.insert(scope)
            }
            let keys = try store.openStore(create: true)
            let (record, secret) = try keys.createKey(name: name, scopes: parsed)
            try keys.appendAudit(
                AuditDraft(
                    actor: DataOptions.actor, action: "key.create",
                    subject: name,
                    detail: JSONValue.object([("scopes", .array(parsed.map(\.rawValue).sorted().map(JSONValue.string)))])
                        .serialized))
            print("created key \(record.name) with scopes \(record.scopes.map(\.rawValue).sorted().joined(separator: ","))")
            print(secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var store: DataOptions

        func run() throws {
            for key in try store.openStore(create: false).keys() {
                print(
                    "\(key.name)\tvgl_\(key.prefix)_…\t\(key.scopes.map(\.rawValue).sorted().joined(separator: ","))\t\(key.createdAt)\(key.revoked ? "\trevoked" : "")"
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by name.")
        @OptionGroup var store: DataOptions
        @Argument(help: "Key name.") var name: String

        func run() throws {
            let keys = try store.openStore(create: false)
            try keys.revokeKey(named: name)
            try keys.appendAudit(
                AuditDraft(
                    actor: DataOptions.actor, action: "key.revoke",
                    subject: name))
            print("revoked key \(name)")
        }
    }
}
