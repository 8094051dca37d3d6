import Foundation
import VigilCore
import VigilIndex
import VigilMedia
import VigilReporting
import VigilTakedown

/// Where a signed webhook goes.
public struct WebhookTarget: Sendable, Codable, Equatable {
    public var name: String
    public var url: String
    /// The HMAC-SHA256 key; receivers verify `Vigil-Signature: t=<unix>,v1=<hex>` over `"<t>.<body>"`.
    public var secret: String
    /// Event types delivered (`scan.block`, `scan.review`, `scan.allow`); nil → block and review.
    public var events: [String]?

    public init(name: String, url: String, secret: String, events: [String]? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
    }

    public func wants(_ type: String) -> Bool { (events ?? ["scan.block", "scan.review"]).contains(type) }
}

/// Limits and permissions of the URL fetcher.
public struct FetchPolicy: Sendable, Codable, Equatable {
    /// Private, loopback, link-local and other non-public targets are refused unless this is set.
    public var allowPrivateNetworks: Bool
    /// Ports a URL may name; nil → any.
    public var allowedPorts: [Int]?
    public var maxBytes: Int
    public var timeoutSeconds: Double
    public var maxRedirects: Int

    public init(
        allowPrivateNetworks: Bool = false, allowedPorts: [Int]? = [80, 443, 8080, 8443], maxBytes: Int = 64 << 20,
        timeoutSeconds: Double = 10, maxRedirects: Int = 3
    ) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedPorts = allowedPorts
        self.maxBytes = maxBytes
        self.timeoutSeconds = timeoutSeconds
        self.maxRedirects = maxRedirects
    }

    enum CodingKeys: String, CodingKey {
        case allowPrivateNetworks = "allow_private_networks", allowedPorts = "allowed_ports", maxBytes = "max_bytes"
        case timeoutSeconds = "timeout_seconds", maxRedirects = "max_redirects"
    }

    /// Missing fields keep their defaults; `"allowed_ports": null` allows any port.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = FetchPolicy()
        allowPrivateNetworks = try c.decodeIfPresent(Bool.self, forKey: .allowPrivateNetworks) ?? d.allowPrivateNetworks
        allowedPorts = c.contains(.allowedPorts) ? try c.decodeIfPresent([Int].self, forKey: .allowedPorts) : d.allowedPorts
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes) ?? d.maxBytes
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? d.timeoutSeconds
        maxRedirects = try c.decodeIfPresent(Int.self, forKey: .maxRedirects) ?? d.maxRedirects
    }
}

/// Requests per second and burst allowed to each API key (a token bucket per key).
public struct RateLimit: Sendable, Codable, Equatable {
    public var requestsPerSecond: Double
    public var burst: Double

    public init(requestsPerSecond: Double, burst: Double) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }

    enum CodingKeys: String, CodingKey { case requestsPerSecond = "requests_per_second", burst }

    /// `burst` defaults to twice the rate.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requestsPerSecond = try c.decode(Double.self, forKey: .requestsPerSecond)
        burst = try c.decodeIfPresent(Double.self, forKey: .burst) ?? max(1, requestsPerSecond * 2)
    }
}

/// The public report form (`/report`): URLs only, limited per client address, with a
/// proof of work (or, without JavaScript, a honeypot and a minimum fill time).
public struct ReportFormSettings: Sendable, Codable, Equatable {
    public var enabled: Bool
    /// Submissions per client address.
    public var rateLimit: RateLimit
    /// Leading zero bits of SHA-256 the proof of work needs (16 ≈ 65,000 hashes).
    public var powBits: Int
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    public var trustForwardedFor: Bool
    public var maxURLBytes: Int
    public var maxDescriptionBytes: Int
    /// Seconds a form must be open before a submission without proof of work is accepted.
    public var minimumFillSeconds: Double

    public init(
        enabled: Bool = true, rateLimit: RateLimit = RateLimit(requestsPerSecond: 1.0 / 60, burst: 5), powBits: Int = 16,
        trustForwardedFor: Bool = false, maxURLBytes: Int = 2048, maxDescriptionBytes: Int = 2000,
        minimumFillSeconds: Double = 3
    ) {
        self.enabled = enabled
        self.rateLimit = rateLimit
        self.powBits = powBits
        self.trustForwardedFor = trustForwardedFor
        self.maxURLBytes = maxURLBytes
        self.maxDescriptionBytes = maxDescriptionBytes
        self.minimumFillSeconds = minimumFillSeconds
    }

    enum CodingKeys: String, CodingKey {
        case enabled
        case rateLimit = "rate_limit", powBits = "pow_bits", trustForwardedFor = "trust_forwarded_for"
        case maxURLBytes = "max_url_bytes", maxDescriptionBytes = "max_description_bytes"
        case minimumFillSeconds = "minimum_fill_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ReportFormSettings()
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
        rateLimit = try c.decodeIfPresent(RateLimit.self, forKey: .rateLimit) ?? d.rateLimit
        powBits = try c.decodeIfPresent(Int.self, forKey: .powBits) ?? d.powBits
        trustForwardedFor = try c.decodeIfPresent(Bool.self, forKey: .trustForwardedFor) ?? d.trustForwardedFor
        maxURLBytes = try c.decodeIfPresent(Int.self, forKey: .maxURLBytes) ?? d.maxURLBytes
        maxDescriptionBytes = try c.decodeIfPresent(Int.self, forKey: .maxDescriptionBytes) ?? d.maxDescriptionBytes
        minimumFillSeconds = try c.decodeIfPresent(Double.self, forKey: .minimumFillSeconds) ?? d.minimumFillSeconds
    }
}

/// What `vigil serve` runs with: defaults, then the configuration file, then `VIGIL_*`
/// environment variables, then command-line flags.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Database, index cache, evidence and spool live here.
    public var dataDirectory: String
    public var limits: MediaLimits
    /// The largest media body accepted.
    public var maxBodyBytes: Int
    /// The largest JSON body accepted.
    public var maxJSONBytes: Int
    /// `fast` hashes JPEGs from DCT-scaled decodes (a few bits of drift, 2–3× faster).
    public var fastHashing: Bool
    /// Read open invisible watermarks on every scan (the `synthetic` signal).
    public var watermarks: Bool
    public var fetch: FetchPolicy
    public var webhooks: [WebhookTarget]
    /// nil → no limit.
    public var rateLimit: RateLimit?
    /// The evidence key: a file path (created with a random key on first start when absent).
    public var evidenceKeyFile: String?
    /// Or the key itself (hex or base64 of 32 bytes), from `VIGIL_EVIDENCE_KEY`.
    public var evidenceKey: String?
    public var retentionDays: Int
    /// Worker tasks processing `?async=true` scans.
    public var asyncWorkers: Int
    public var policy: Policy
    /// A PEM bundle of C2PA trust anchors: manifests signed under them are `Trusted`.
    public var trustAnchorsFile: String?
    /// Takedown notices: SMTP relay, RDAP, re-check and escalation timings.
    public var takedown = TakedownSettings()
    public var reportForm = ReportFormSettings()
    /// CyberTipline reporting: NCMEC's test service by default; reports are sent only once a
    /// username and password are configured.
    public var cybertip = CyberTipSettings()
    /// Limits on scanned videos (their bytes are bounded by `maxBodyBytes` like any media).
    public var videoLimits = ServerConfiguration.defaultVideoLimits
    /// The python-threatexchange rule videos are matched by.
    public var videoRule = VideoMatchRule()

    /// A service decodes videos while requests wait: 10 minutes, 20,000 frames, 60 s of decoding.
    public static let defaultVideoLimits = VideoLimits(maxDurationSeconds: 600, maxFrames: 20_000, maxDecodeSeconds: 60)

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./vigil-data",
        limits: MediaLimits = MediaLimits(maxBytes: 64 << 20), maxBodyBytes: Int = 64 << 20, maxJSONBytes: Int = 16 << 20,
        fastHashing: Bool = false, watermarks: Bool = true, fetch: FetchPolicy = FetchPolicy(), webhooks: [WebhookTarget] = [],
        rateLimit: RateLimit? = RateLimit(requestsPerSecond: 500, burst: 1000), evidenceKeyFile: String? = nil,
        evidenceKey: String? = nil, retentionDays: Int = 365, asyncWorkers: Int = 2, policy: Policy = .standard
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONBytes = maxJSONBytes
        self.fastHashing = fastHashing
        self.watermarks = watermarks
        self.fetch = fetch
        self.webhooks = webhooks
        self.rateLimit = rateLimit
        self.evidenceKeyFile = evidenceKeyFile
        self.evidenceKey = evidenceKey
        self.retentionDays = retentionDays
        self.asyncWorkers = asyncWorkers
        self.policy = policy
    }

    public var databasePath: String { dataDirectory + "/vigil.sqlite" }
    public var evidenceDirectory: String { dataDirectory + "/evidence" }
    public var spoolDirectory: String { dataDirectory + "/spool" }
    public var resolvedEvidenceKeyFile: String { evidenceKeyFile ?? dataDirectory + "/evidence.key" }

    /// The configuration file's shape (JSON; every field optional).
    struct File: Decodable {
        struct Limits: Decodable {
            var maxBodyBytes: Int?
            var maxJSONBytes: Int?
            var maxPixels: Int?
            var maxDimension: Int?
            var maxVideoSeconds: Double?
            var maxVideoFrames: Int?
            var maxVideoDecodeSeconds: Double?
            enum CodingKeys: String, CodingKey {
                case maxBodyBytes = "max_body_bytes", maxJSONBytes = "max_json_bytes", maxPixels = "max_pixels"
                case maxDimension = "max_dimension", maxVideoSeconds = "max_video_seconds"
                case maxVideoFrames = "max_video_frames", maxVideoDecodeSeconds = "max_video_decode_seconds"
            }
        }
        struct VideoMatch: Decodable {
            var distance: Int?
            var queryMatchPercent: Double?
            var compareMatchPercent: Double?
            enum CodingKeys: String, CodingKey {
                case distance, queryMatchPercent = "query_match_percent", compareMatchPercent = "compare_match_percent"
            }
        }
        struct Evidence: Decodable {
            var keyFile: String?
            var retentionDays: Int?
            enum CodingKeys: String, CodingKey { case keyFile = "key_file", retentionDays = "retention_days" }
        }
        var host: String?
        var port: Int?
        var data: String?
        var limits: Limits?
        var hashing: String?
        var watermarks: Bool?
        var fetch: FetchPolicy?
        var webhooks: [WebhookTarget]?
        var rateLimit: RateLimit?
        var evidence: Evidence?
        var asyncWorkers: Int?
        var policy: Policy?
        var trustAnchors: String?
        var takedown: TakedownSettings?
        var reportForm: ReportFormSettings?
        var cybertip: CyberTipSettings.File?
        var videoMatch: VideoMatch?
        enum CodingKeys: String, CodingKey {
            case host, port, data, limits, hashing, watermarks, fetch, webhooks, evidence, policy, takedown, cybertip
            case rateLimit = "rate_limit", asyncWorkers = "async_workers", trustAnchors = "trust_anchors"
            case reportForm = "report_form"
            case videoMatch = "video_match"
        }
    }

    /// Applies a JSON configuration file; unknown or malformed content is an error naming the file.
    public mutating func apply(file path: String) throws(CoreError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CoreError(.notFound, "\(path): cannot read the configuration file")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw CoreError(.invalidInput, "\(path): not a valid Vigil configuration (\(Self.describe(error)))")
        }
        if let v = file.host { host = v }
        if let v = file.port { port = v }
        if let v = file.data { dataDirectory = v }
        if let l = file.limits {
            if let v = l.maxBodyBytes {
                maxBodyBytes = v
                limits.maxBytes = v
            }
            if let v = l.maxJSONBytes { maxJSONBytes = v }
            if let v = l.maxPixels { limits.maxPixels = v }
            if let v = l.maxDimension { limits.maxDimension = v }
            if let v = l.maxVideoSeconds { videoLimits.maxDurationSeconds = v }
            if let v = l.maxVideoFrames { videoLimits.maxFrames = v }
            if let v = l.maxVideoDecodeSeconds { videoLimits.maxDecodeSeconds = v }
        }
        if let m = file.videoMatch {
            if let v = m.distance { videoRule.distance = v }
            if let v = m.queryMatchPercent { videoRule.queryMatchPercent = v }
            if let v = m.compareMatchPercent { videoRule.compareMatchPercent = v }
        }
        if let v = file.hashing {
            guard v == "exact" || v == "fast" else { throw CoreError(.invalidInput, "\(path): hashing must be exact or fast") }
            fastHashing = v == "fast"
        }
        if let v = file.watermarks { watermarks = v }
        if let v = file.fetch { fetch = v }
        if let v = file.webhooks { webhooks = v }
        if let v = file.rateLimit { rateLimit = v }
        if let e = file.evidence {
            if let v = e.keyFile { evidenceKeyFile = v }
            if let v = e.retentionDays { retentionDays = v }
        }
        if let v = file.asyncWorkers { asyncWorkers = v }
        if let v = file.policy { policy = v }
        if let v = file.trustAnchors { trustAnchorsFile = v }
        if let v = file.takedown { takedown = v }
        if let v = file.reportForm { reportForm = v }
        if let v = file.cybertip { cybertip.apply(v) }
        try validate(source: path)
    }

    /// Applies `VIGIL_*` environment variables (documented in `vigil serve --help`).
    public mutating func apply(environment: [String: String]) throws(CoreError) {
        if let v = environment["VIGIL_HOST"] { host = v }
        if let v = environment["VIGIL_PORT"] {
            guard let p = Int(v) else { throw CoreError(.invalidInput, "VIGIL_PORT must be a number") }
            port = p
        }
        if let v = environment["VIGIL_DATA"] { dataDirectory = v }
        if let v = environment["VIGIL_EVIDENCE_KEY_FILE"] { evidenceKeyFile = v }
        if let v = environment["VIGIL_EVIDENCE_KEY"] { evidenceKey = v }
        if let url = environment["VIGIL_WEBHOOK_URL"] {
            guard let secret = environment["VIGIL_WEBHOOK_SECRET"], !secret.isEmpty else {
                throw CoreError(.invalidInput, "VIGIL_WEBHOOK_URL needs VIGIL_WEBHOOK_SECRET")
            }
            webhooks.append(WebhookTarget(name: "env", url: url, secret: secret))
        }
        if let v = environment["VIGIL_FETCH_ALLOW_PRIVATE"] { fetch.allowPrivateNetworks = v == "1" || v == "true" }
        if let v = environment["VIGIL_RATE_LIMIT_RPS"] {
            guard let rps = Double(v), rps >= 0 else { throw CoreError(.invalidInput, "VIGIL_RATE_LIMIT_RPS must be ≥ 0") }
            rateLimit = rps == 0 ? nil : RateLimit(requestsPerSecond: rps, burst: max(1, rps * 2))
        }
        if let v = environment["VIGIL_TRUST_ANCHORS"] { trustAnchorsFile = v }
        if let host = environment["VIGIL_SMTP_HOST"] {
            guard let from = environment["VIGIL_SMTP_FROM"] else {
                throw CoreError(.invalidInput, "VIGIL_SMTP_HOST needs VIGIL_SMTP_FROM")
            }
            guard let port = Int(environment["VIGIL_SMTP_PORT"] ?? "25") else {
                throw CoreError(.invalidInput, "VIGIL_SMTP_PORT must be a number")
            }
            takedown.smtp = SMTPSettings(host: host, port: port, from: from)
        }
        if let v = environment["VIGIL_RDAP_BASE"] { takedown.rdapBase = v.isEmpty ? nil : v }
        if let v = environment["VIGIL_REPORT_FORM"] { reportForm.enabled = v == "1" || v == "true" }
        if let v = environment["VIGIL_HASHING"] {
            guard v == "exact" || v == "fast" else { throw CoreError(.invalidInput, "VIGIL_HASHING must be exact or fast") }
            fastHashing = v == "fast"
        }
        cybertip.apply(environment: environment)
        try validate(source: "the environment")
    }

    public func validate(source: String) throws(CoreError) {
        guard (0...65_535).contains(port) else { throw CoreError(.invalidInput, "\(source): port must be 0–65535") }
        guard videoLimits.maxDurationSeconds > 0, videoLimits.maxFrames > 0, videoLimits.maxDecodeSeconds > 0 else {
            throw CoreError(.invalidInput, "\(source): video limits must be positive")
        }
        guard (0...256).contains(videoRule.distance), (0...100).contains(videoRule.queryMatchPercent),
            (0...100).contains(videoRule.compareMatchPercent)
        else {
            throw CoreError(.invalidInput, "\(source): video_match needs distance 0–256 and percentages 0–100")
        }
        guard maxBodyBytes > 0, maxJSONBytes > 0 else {
            throw CoreError(.invalidInput, "\(source): body limits must be positive")
        }
        guard fetch.maxRedirects >= 0, fetch.maxBytes > 0, fetch.timeoutSeconds > 0 else {
            throw CoreError(.invalidInput, "\(source): fetch limits must be positive")
        }
        guard (1...64).contains(asyncWorkers) else { throw CoreError(.invalidInput, "\(source): async_workers must be 1–64") }
        guard retentionDays > 0 else { throw CoreError(.invalidInput, "\(source): retention_days must be positive") }
        for hook in webhooks {
            guard let url = URL(string: hook.url), url.scheme == "http" || url.scheme == "https", !hook.secret.isEmpty else {
                throw CoreError(.invalidInput, "\(source): webhook \(hook.name) needs an http(s) url and a secret")
            }
        }
        if let r = rateLimit, r.requestsPerSecond <= 0 || r.burst < 1 {
            throw CoreError(.invalidInput, "\(source): rate_limit needs requests_per_second > 0 and burst ≥ 1")
        }
        if let problem = takedown.problem() { throw CoreError(.invalidInput, "\(source): \(problem)") }
        guard reportForm.rateLimit.requestsPerSecond > 0, reportForm.rateLimit.burst >= 1, (0...32).contains(reportForm.powBits),
            (64...65_536).contains(reportForm.maxURLBytes), (0...65_536).contains(reportForm.maxDescriptionBytes)
        else {
            throw CoreError(
                .invalidInput,
                "\(source): report_form needs a positive rate limit, pow_bits 0–32, max_url_bytes 64–65536 and "
                    + "max_description_bytes ≤ 65536")
        }
        try policy.validate()
        do { try cybertip.validate(source: source) } catch { throw CoreError(.invalidInput, error.message) }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at \(path(context.codingPath))"
        default: return "unreadable"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
