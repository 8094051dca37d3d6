import NIOPosix

/// Runs CPU-bound or blocking work (decoding, hashing, password hashing, imports, fsync) on
/// NIO's thread pool: never on Swift concurrency's cooperative threads, and never on Dispatch's
/// global pool, whose threads the hasher's own digest jobs need (a hasher waiting on them from a
/// global-pool thread can starve that pool until it grows, stalling requests for half a second).
func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    do {
        return try await NIOThreadPool.singleton.runIfActive(body)
    } catch {
        return body()  // the pool has shut down: run here rather than fail
    }
}
