import VigilHashing

/// A stored hash matched by a search: the caller's payload (an entry id), the hash and its distance.
public struct PDQMatch: Hashable, Sendable {
    public let payload: UInt32
    public let hash: PDQHash
    public let distance: Int
}

/// A mutable, exact PDQ range index with incremental inserts and removals and no full rebuild
/// on each change: a large frozen `PDQMultiIndex`, a middle one rebuilt when the small unindexed
/// tail overflows, and tombstones for removals (log-structured levels). Searches always see every
/// live entry; `compact()` folds everything into one level.
public struct PDQIndex: Sendable {
    /// One frozen multi-index with its payloads and removal marks.
    struct Level: Sendable {
        var index: PDQMultiIndex
        var payloads: [UInt32]
        var removed: [Bool]
        var removedCount = 0

        init(hashes: [PDQHash], payloads: [UInt32]) {
            index = PDQMultiIndex(hashes)
            self.payloads = payloads
            removed = Array(repeating: false, count: payloads.count)
        }

        var live: Int { payloads.count - removedCount }

        func forEachLive(_ body: (PDQHash, UInt32) -> Void) {
            for i in 0..<payloads.count where !removed[i] { body(index.hash(at: i), payloads[i]) }
        }
    }

    private var base: Level
    private var middle: Level
    private var tail: [(hash: PDQHash, payload: UInt32)] = []

    /// Tail entries are scanned linearly; past this many they are indexed into the middle level.
    public static let tailLimit = 4096

    public init() { self.init(hashes: [], payloads: []) }

    /// Builds an index over `hashes`, with `payloads[i]` reported for `hashes[i]`.
    public init(hashes: [PDQHash], payloads: [UInt32]) {
        precondition(hashes.count == payloads.count, "one payload per hash")
        base = Level(hashes: hashes, payloads: payloads)
        middle = Level(hashes: [], payloads: [])
    }

    /// The number of live entries.
    public var count: Int { base.live + middle.live + tail.count }

    /// Adds an entry. Amortised cost stays low: the tail is indexed in batches, and the middle
    /// level is folded into the base only when it reaches an eighth of the base's size.
    public mutating func insert(_ hash: PDQHash, payload: UInt32) {
        tail.append((hash, payload))
        guard tail.count > Self.tailLimit else { return }
        if middle.live + tail.count > max(Self.tailLimit * 4, base.live / 8) {
            compact()
        } else {
            var hashes: [PDQHash] = [], payloads: [UInt32] = []
            middle.forEachLive {
                hashes.append($0); payloads.append($1)
            }
            for e in tail { hashes.append(e.hash); payloads.append(e.payload) }
            middle = Level(hashes: hashes, payloads: payloads)
            tail.removeAll(keepingCapacity: true)
        }
    }

    /// Removes the entry with this hash and payload; returns whether one was live.
    @discardableResult
    public mutating func remove(_ hash: PDQHash, payload: UInt32) -> Bool {
        if let i = tail.firstIndex(where: { $0.hash == hash && $0.payload == payload }) {
            tail.remove(at: i)
            return true
        }
        return Self.mark(&middle, hash, payload) || Self.mark(&base, hash, payload)
    }

    private static func mark(_ level: inout Level, _ hash: PDQHash, _ payload: UInt32) -> Bool {
        var hits: [IndexHit] = []
        level.index.search(hash, radius: 0, into: &hits)
        for hit in hits where level.payloads[hit.position] == payload && !level.removed[hit.position] {
            level.removed[hit.position] = true
            level.removedCount += 1
            return true
        }
        return false
    }

    /// Rebuilds one level holding every live entry.
    public mutating func compact() {
        var hashes: [PDQHash] = [], payloads: [UInt32] = []
        hashes.reserveCapacity(count)
        payloads.reserveCapacity(count)
        forEachLive {
            hashes.append($0); payloads.append($1)
        }
        self = PDQIndex(hashes: hashes, payloads: payloads)
    }

    /// Calls `body` for every live entry.
    public func forEachLive(_ body: (PDQHash, UInt32) -> Void) {
        base.forEachLive(body)
        middle.forEachLive(body)
        for e in tail { body(e.hash, e.payload) }
    }

    /// Appends every live entry within `radius` (inclusive) of `query`.
    public func search(_ query: PDQHash, radius: Int, into matches: inout [PDQMatch]) {
        var hits: [IndexHit] = []
        for level in [base, middle] where level.live > 0 {
            hits.removeAll(keepingCapacity: true)
            level.index.search(query, radius: radius, into: &hits)
            for hit in hits where !level.removed[hit.position] {
                matches.append(
                    PDQMatch(
                        payload: level.payloads[hit.position], hash: level.index.hash(at: hit.position), distance: hit.distance))
            }
        }
        for e in tail {
            let d = query.distance(to: e.hash)
            if d <= radius { matches.append(PDQMatch(payload: e.payload, hash: e.hash, distance: d)) }
        }
    }

    /// Bytes held, hashes included.
    public var memoryBytes: Int {
        base.index.memoryBytes + middle.index.memoryBytes + 5 * (base.payloads.count + middle.payloads.count) + 36 * tail.count
    }
}
