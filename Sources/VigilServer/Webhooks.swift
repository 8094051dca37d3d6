import AsyncHTTPClient
import Crypto
import Dispatch
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import VigilStore

/// The webhook signature: `Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
/// Receivers recompute it and reject old timestamps (replays).
public enum WebhookSignature {
    public static func header(body: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(mac(body: body, secret: secret, timestamp: timestamp))"
    }

    public static func mac(body: [UInt8], secret: String, timestamp: Int) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a header against a body, accepting timestamps within `tolerance` seconds of `now`.
    public static func verify(header: String, body: [UInt8], secret: String, now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = mac(body: body, secret: secret, timestamp: timestamp)
        return signatures.contains { APIKeyFormat.constantTimeEqual($0, expected) }
    }
}

/// Delivers the outbox: each due event is POSTed, signed, to its target; 2xx marks it delivered,
/// anything else retries with exponential backoff (1 s … 1 h) up to `maxAttempts`, then it is
/// kept as dead. Events live in the database, so a restart resumes where it stopped; an event
/// sent but not yet marked is sent again, with the same `Vigil-Event-Id`.
struct WebhookDispatcher: Service {
    let store: any ServiceStore
    let targets: [String: WebhookTarget]
    let client: HTTPClient
    let logger: Logger
    var pollInterval: Duration = .milliseconds(250)
    var maxAttempts = 20

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let delivered = await deliverDue()
            if delivered == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// One pass over due events; returns how many were attempted.
    func deliverDue(now: Double = Date().timeIntervalSince1970) async -> Int {
        let due: [OutboxEvent]
        do {
            due = try store.dueEvents(now: now, limit: 32)
        } catch {
            logger.error("outbox unavailable", metadata: ["error": "\(error.code.rawValue)"])
            return 0
        }
        for event in due { await deliver(event) }
        return due.count
    }

    private func deliver(_ event: OutboxEvent) async {
        guard let target = targets[event.target] else {
            try? store.markFailed(event.id, retryAt: nil, error: "no webhook named \(event.target) is configured")
            return
        }
        let body = Array(event.payload.utf8)
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "vigil-webhook")
        request.headers.add(name: "Vigil-Event-Id", value: event.eventID)
        request.headers.add(name: "Vigil-Event-Type", value: event.type)
        request.headers.add(name: "Vigil-Delivery-Attempt", value: String(event.attempts + 1))
        request.headers.add(
            name: "Vigil-Signature",
            value: WebhookSignature.header(body: body, secret: target.secret, timestamp: Int(Date().timeIntervalSince1970)))
        request.body = .bytes(ByteBuffer(bytes: body))
        var failure: String
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 << 10)
            if (200..<300).contains(Int(response.status.code)) {
                do { try store.markDelivered(event.id) } catch {
                    logger.error("outbox mark failed", metadata: ["event": "\(event.eventID)"])
                }
                return
            }
            failure = "HTTP \(response.status.code)"
        } catch {
            failure = "delivery failed: \(type(of: error))"
        }
        let attempts = event.attempts + 1
        let retryAt =
            attempts >= maxAttempts ? nil : Date().timeIntervalSince1970 + min(3600, pow(2, Double(attempts - 1)))
        logger.warning(
            "webhook delivery failed",
            metadata: ["event": "\(event.eventID)", "target": "\(event.target)", "attempt": "\(attempts)", "why": "\(failure)"])
        try? store.markFailed(event.id, retryAt: retryAt, error: failure)
    }
}

/// Shuts the shared HTTP client down when the service group stops.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}

/// Runs the database's WAL checkpoints off the request path (commits do not checkpoint in the
/// server): every quarter second, and once more at shutdown.
struct CheckpointService: Service {
    let store: SQLiteBankStore
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            // The checkpoint's fsync blocks: keep it off the cooperative threads.
            await blocking {
                do { try store.checkpoint() } catch { logger.warning("WAL checkpoint failed") }
            }
        }
        try? store.checkpoint()
    }
}
