import Foundation
import HTTPTypes
import Synchronization

/// A token bucket per key (an API key's id, a client address): `burst` requests at once,
/// refilled at `requestsPerSecond`. Past `maxKeys` buckets, the ones that have refilled are dropped
/// (all of them, if none has).
final class RateLimiter<Key: Hashable & Sendable>: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    let limit: RateLimit
    let maxKeys: Int
    private let buckets = Mutex<[Key: Bucket]>([:])

    init(limit: RateLimit, maxKeys: Int = 100_000) {
        self.limit = limit
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key`; when none is left, the seconds until one is.
    func take(_ key: Key, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        buckets.withLock { buckets in
            if buckets.count >= maxKeys, buckets[key] == nil {
                buckets = buckets.filter {
                    min(limit.burst, $0.value.tokens + (now - $0.value.updated) * limit.requestsPerSecond) < limit.burst
                }
                // Still full of drained buckets (a flood from many addresses): memory stays bounded.
                if buckets.count >= maxKeys { buckets.removeAll(keepingCapacity: true) }
            }
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
