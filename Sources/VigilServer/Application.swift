import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VigilCore
import VigilMedia
import VigilProvenance
import VigilReporting
import VigilStore
import VigilTakedown

/// Builds the Vigil HTTP application: API-key auth with per-key rate limits, metrics, the
/// versioned JSON API and health checks, plus its long-lived services (async scan workers, the
/// webhook dispatcher), all run with graceful shutdown by `runService()`. The embedded store is
/// opened (and migrated) from `configuration.dataDirectory`. The review console is served under `/console/`.
public func buildApplication(
    _ configuration: ServerConfiguration, console: ConsoleConfiguration = ConsoleConfiguration(),
    logger: Logger = Logger(label: "vigil")
) throws -> some ApplicationProtocol {
    try configuration.validate(source: "the configuration")
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    let store = try SQLiteBankStore(path: configuration.databasePath, automaticCheckpoints: false)
    let key =
        try configuration.evidenceKey.map { text throws(StoreError) in
            guard let key = EvidenceVault.parseKey(text) else {
                throw StoreError(.invalid, "VIGIL_EVIDENCE_KEY must be 64 hex digits or base64 of 32 bytes")
            }
            return key
        } ?? EvidenceVault.loadKey(path: configuration.resolvedEvidenceKeyFile, create: configuration.evidenceKeyFile == nil)
    let evidence = try EvidenceVault(directory: configuration.evidenceDirectory, key: key)
    let spool = try EvidenceVault(directory: configuration.spoolDirectory, key: key)

    var clientConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow)
    clientConfiguration.timeout = .init(connect: .seconds(5), read: .seconds(10))
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    let metrics = ServiceMetrics()
    let matchers = MatcherCache(
        store: store, cacheDirectory: configuration.dataDirectory + "/index-cache", videoRule: configuration.videoRule)
    var anchors: TrustAnchors?
    if let path = configuration.trustAnchorsFile {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CoreError(.notFound, "\(path): cannot read the trust anchors")
        }
        anchors = try TrustAnchors(pem: pem, name: path)
    }
    let scans = ScanService(
        configuration: configuration, store: store, matchers: matchers, evidence: evidence, spool: spool,
        fetcher: URLFetcher(client: client, policy: configuration.fetch), metrics: metrics, anchors: anchors,
        logger: logger)
    let signal = WakeSignal()
    // Before any request can start a scan: interrupted scans from a previous run are requeued or failed.
    try scans.recover()

    let router = Router(context: VigilRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: MethodMiddleware())
    router.add(middleware: APIKeyMiddleware(keys: store, limiter: configuration.rateLimit.map { RateLimiter<Int64>(limit: $0) }))
    let routes = Routes(
        configuration: configuration, store: store, matchers: matchers, scans: scans, metrics: metrics,
        wake: { signal.wake() })
    routes.register(on: router)
    TakedownRoutes(routes: routes, settings: configuration.takedown).register(on: router)
    // The proof-of-work key derives from the evidence key: nodes that share one accept each other's challenges.
    let powSecret = Array(HMAC<SHA256>.authenticationCode(for: Array("vigil report form".utf8), using: key))
    PublicRoutes(routes: routes, settings: configuration.reportForm, secret: powSecret).register(on: router)
    let desk = CyberTipDesk(store: store, reporter: configuration.cybertip.reporter)
    ReportRoutes(desk: desk, store: store, maxJSONBytes: configuration.maxJSONBytes).register(on: router)
    try ConsoleRoutes(store: store, evidence: evidence, limits: configuration.limits, settings: console, desk: desk)
        .register(on: router)
    let monitor = TakedownMonitor(
        store: store, settings: configuration.takedown, probe: { await scans.probe($0) },
        finder: AbuseContactFinder(
            resolve: { host in
                let deadline = NIODeadline.now() + .seconds(10)
                return ((try? await URLFetcher.resolve(host, deadline: deadline)) ?? []).map(\.literal)
            },
            rdap: configuration.takedown.rdapBase.map { RDAPClient(base: $0, client: client) }),
        webhookTargets: Set(configuration.webhooks.map(\.name)), logger: logger)

    // Shut down in reverse order: the dispatcher and workers stop before the HTTP client they use.
    var services: [any Service] = [
        HTTPClientService(client: client),
        CheckpointService(store: store, logger: logger),
        ScanWorkerService(scans: scans, workers: configuration.asyncWorkers, signal: signal),
        WebhookDispatcher(
            store: store, targets: Dictionary(configuration.webhooks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
            client: client, logger: logger),
        EvidenceSweeper(store: store, vault: evidence, logger: logger),
        TakedownService(monitor: monitor),
    ]
    // CyberTipline reports are sent only with credentials; drafts and submissions queue without them.
    if let credentials = try configuration.cybertip.credentials() {
        var outbox = CyberTipOutbox(
            store: store, vault: evidence, client: CyberTipClient(credentials: credentials, client: client), logger: logger)
        outbox.maxAttempts = configuration.cybertip.maxAttempts
        outbox.retentionDays = configuration.retentionDays
        services.append(outbox)
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
        services: services,
        logger: logger)
}
