import Foundation
import HTTPTypes
import Synchronization

/// A token bucket per API key: `burst` requests at once, refilled at `requestsPerSecond`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    let limit: RateLimit
    private let buckets = Mutex<[Int64: Bucket]>([:])

    init(limit: RateLimit) { self.limit = limit }

    /// Takes one token for `key`; when none is left, the seconds until one is.
    func take(_ key: Int64, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: limit.burst, updated: now)
            bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.updated) * limit.requestsPerSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / limit.requestsPerSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}
