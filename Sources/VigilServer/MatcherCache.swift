import Synchronization
import VigilIndex
import VigilStore

/// The banks' matcher, rebuilt when any bank changes (its id/version list differs), so changes
/// made by other processes or nodes are picked up on the next request. Rebuilding loads PDQ
/// indexes from the snapshot cache, so it does not pause lookups for long.
final class MatcherCache: Sendable {
    private let store: any BankStore
    private let cacheDirectory: String?
    private let videoRule: VideoMatchRule
    /// Video indexes of unchanged banks survive a rebuild.
    private let videos = VideoIndexCache()
    private let state = Mutex<(fingerprint: [Int64], matcher: BankMatcher)?>(nil)

    init(store: any BankStore, cacheDirectory: String?, videoRule: VideoMatchRule = VideoMatchRule()) {
        self.store = store
        self.cacheDirectory = cacheDirectory
        self.videoRule = videoRule
    }

    func current() throws(StoreError) -> BankMatcher {
        let fingerprint = try store.banks().flatMap { [$0.id, $0.version] }
        if let cached = state.withLock({ $0 }), cached.fingerprint == fingerprint { return cached.matcher }
        let matcher = try store.matcher(cacheDirectory: cacheDirectory, videoRule: videoRule, videoCache: videos)
        state.withLock { $0 = (fingerprint, matcher) }
        return matcher
    }
}
