import CPrefetch
import Dispatch
import VigilHashing

/// A stored hash within `radius` of a query: its position in the index and its distance.
public struct IndexHit: Hashable, Sendable, Comparable {
    public let position: Int
    public let distance: Int

    public init(position: Int, distance: Int) {
        self.position = position
        self.distance = distance
    }

    public static func < (a: IndexHit, b: IndexHit) -> Bool { (a.distance, a.position) < (b.distance, b.position) }
}

/// Exact Hamming range search over PDQ hashes by multi-index hashing (Norouzi, Punjani and Fleet,
/// "Fast Exact Search in Hamming Space with Multi-Index Hashing"). The 256 bits are cut into `m`
/// substrings; by the pigeonhole principle a hash within distance r of the query agrees with it to
/// within rₜ bits on at least one substring t, for any radii with Σ(rₜ + 1) ≥ r + 1, so probing
/// every substring key within those radii finds every match — none is ever missed — and each
/// candidate is verified on all 256 bits. A candidate is reported only by the first table able to find it,
/// so results carry no duplicates.
///
/// Layout per table: entries sorted by substring key (a counting sort), each a 32-bit word packing
/// the key's low bits above the hash's position; a directory indexed by the key's high bits whose
/// 32-bit words hold a bucket's start and, above it, a bitmap of the (up to three) low key bits its
/// entries have, so a probe skips a bucket that cannot hold a candidate without reading it. Memory is `32 + 4m` bytes per hash plus the directories: about 2.5–2.8× the raw hashes.
/// Immutable once built; `PDQIndex` adds incremental inserts and removals on top.
public struct PDQMultiIndex: Sendable {
    /// The number of hashes.
    public let count: Int
    /// Four words per hash, hash `i` at `4i ..< 4i+4` (bit k in word k>>6).
    let words: LargeBuffer<UInt64>
    let segments: [Segment]
    /// All tables' directories, concatenated; `segments[t].directoryStart` locates table t's.
    let directories: LargeBuffer<UInt32>
    /// All tables' entries, `count` per table, table t at `t*count`.
    let entries: LargeBuffer<UInt32>
    let positionBits: Int
    /// Directory words hold a bucket's start in their low `offsetBits` bits and, above them, a
    /// bitmap of the low key bits present in the bucket (see `Segment.filterBits`).
    let offsetBits: Int

    struct Segment: Sendable {
        let offset: Int, length: Int
        let directoryBits: Int, lowBits: Int
        /// The low key bits (at most three) whose values a directory word's bitmap records: a probe
        /// whose bucket has no entry those bits could match is skipped without reading the bucket.
        let filterBits: Int
        let directoryStart: Int
        /// The segment's bits within each of the four words.
        let masks: (UInt64, UInt64, UInt64, UInt64)
    }

    /// Builds the index over `hashes`; position `i` is `hashes[i]`.
    public init(_ hashes: [PDQHash]) { self.init(hashes, directorySlack: 2) }

    /// Builds the index with directories of ⌊log₂ n⌋ − `directorySlack` bits (tests use long
    /// directories on small sets to reach the layouts of large ones).
    init(_ hashes: [PDQHash], directorySlack: Int) {
        let words = LargeBuffer<UInt64>(zeroed: hashes.count * 4)
        for (i, h) in hashes.enumerated() {
            (words.base[4 * i], words.base[4 * i + 1], words.base[4 * i + 2], words.base[4 * i + 3]) = (h.w0, h.w1, h.w2, h.w3)
        }
        self.init(buffer: words, directorySlack: directorySlack)
    }

    /// Builds the index over hashes given as four words each.
    public init(words: [UInt64]) {
        precondition(words.count % 4 == 0, "PDQ hashes are four words each")
        self.init(buffer: LargeBuffer(words), directorySlack: 2)
    }

    private init(buffer: LargeBuffer<UInt64>, directorySlack: Int) {
        let count = buffer.count / 4
        precondition(count < 1 << 31, "an index holds fewer than 2³¹ hashes")
        self.count = count
        self.words = buffer
        let layout = Self.layout(count: count, directorySlack: directorySlack)
        self.positionBits = layout.positionBits
        self.offsetBits = layout.offsetBits
        self.segments = layout.segments
        directories = LargeBuffer(zeroed: layout.directorySize)
        entries = LargeBuffer(zeroed: count * layout.segments.count)
        Self.fill(words: self.words, count: count, layout: layout, directories: directories, entries: entries)
    }

    // MARK: Layout

    struct Layout: Sendable {
        var segments: [Segment]
        var positionBits: Int
        var offsetBits: Int
        var directorySize: Int
    }

    /// Eleven substrings: six of 24 bits, four of 23 and one of 20. Matching thresholds sit around
    /// PDQ's 31, where eleven tables allow ⌊31/11⌋ = 2 flipped bits per substring: fewer tables
    /// would need 3 (many more probes), more tables would have shorter keys and many more chance
    /// collisions to verify in DRAM. At radius 31 the pigeonhole radii are 2 for ten tables and 1
    /// for the last, which probes only 21 keys, so the last gets the shortest key and the others
    /// longer ones: about 2,600 chance candidates per query at 10M hashes instead of 2,900 with
    /// eleven near-equal substrings (3–9 % more queries/s in interleaved runs). Directories use
    /// ⌊log₂ n⌋ − 2 bits (at most the key's), so buckets hold four to eight entries (more in the
    /// 20-bit table past four million hashes).
    static let substringLengths = [24, 24, 24, 24, 24, 24, 23, 23, 23, 23, 20]

    static func layout(count: Int, directorySlack: Int = 2) -> Layout {
        let log2n = Int.bitWidth - 1 - max(count, 2).leadingZeroBitCount  // ⌊log₂ n⌋
        let tables = substringLengths.count
        let positionBits = max(1, Int.bitWidth - max(count - 1, 1).leadingZeroBitCount)
        // Bucket starts run to `count` inclusive; the rest of each 32-bit directory word is bitmap.
        let offsetBits = Int.bitWidth - count.leadingZeroBitCount
        let bitmapWidth = min(8, 32 - offsetBits)
        let bitmapKeyBits = Int.bitWidth - 1 - bitmapWidth.leadingZeroBitCount  // ⌊log₂ width⌋
        var segments: [Segment] = []
        var offset = 0, directoryStart = 0
        for t in 0..<tables {
            let length = substringLengths[t]
            let minimumDirectory = max(0, length - (32 - positionBits))
            let directoryBits = min(length, max(minimumDirectory, log2n - directorySlack))
            var masks: [UInt64] = [0, 0, 0, 0]
            for bit in offset..<(offset + length) { masks[bit >> 6] |= 1 << UInt64(bit & 63) }
            segments.append(
                Segment(
                    offset: offset, length: length, directoryBits: directoryBits, lowBits: length - directoryBits,
                    filterBits: min(length - directoryBits, bitmapKeyBits), directoryStart: directoryStart,
                    masks: (masks[0], masks[1], masks[2], masks[3])))
            offset += length
            directoryStart += (Int(1) << directoryBits) + 1
        }
        precondition(directoryStart < 1 << probeTableShift && tables <= 16, "probes pack slot and table in 32 bits")
        return Layout(
            segments: segments, positionBits: positionBits, offsetBits: offsetBits, directorySize: directoryStart)
    }

    /// The substring of a hash (given by a pointer to its four words) for `segment`.
    @inline(__always)
    static func key(_ w: UnsafePointer<UInt64>, _ segment: Segment) -> UInt32 {
        let word = segment.offset >> 6, shift = UInt64(segment.offset & 63)
        var value = w[word] >> shift
        if Int(shift) + segment.length > 64 { value |= w[word + 1] << (64 - shift) }
        return UInt32(truncatingIfNeeded: value & ((1 << UInt64(segment.length)) - 1))
    }

    /// Counting sort of every table's entries by substring key; tables are sorted concurrently
    /// (each writes only its own directory and entries).
    private static func fill(
        words: LargeBuffer<UInt64>, count: Int, layout: Layout, directories: LargeBuffer<UInt32>,
        entries: LargeBuffer<UInt32>
    ) {
        DispatchQueue.concurrentPerform(iterations: layout.segments.count) { t in
            let w = UnsafePointer(words.base)
            let segment = layout.segments[t]
            var keys = [UInt32](repeating: 0, count: count)
            let dir = directories.base + segment.directoryStart
            let buckets = 1 << segment.directoryBits
            let lowMask = UInt32((1 << segment.lowBits) - 1)
            for i in 0..<count {
                let k = key(w + 4 * i, segment)
                keys[i] = k
                dir[Int(k >> UInt32(segment.lowBits)) + 1] += 1
            }
            for b in 0..<buckets { dir[b + 1] += dir[b] }
            var next = Array(UnsafeBufferPointer(start: dir, count: buckets))
            let table = entries.base + t * count
            for i in 0..<count {
                let k = keys[i]
                let bucket = Int(k >> UInt32(segment.lowBits))
                table[Int(next[bucket])] = ((k & lowMask) << UInt32(layout.positionBits)) | UInt32(i)
                next[bucket] += 1
            }
            // Each bucket's bitmap of the filtered low key bits present, above its start.
            let filterMask = UInt32((1 << segment.filterBits) - 1)
            var start = dir[0]
            for b in 0..<buckets {
                let end = dir[b + 1]
                var bitmap: UInt32 = 0
                for e in Int(start)..<Int(end) { bitmap |= 1 << ((table[e] >> UInt32(layout.positionBits)) & filterMask) }
                dir[b] = start | bitmap << UInt32(layout.offsetBits)
                start = end
            }
        }
    }

    // MARK: Search

    /// The hash stored at `position`.
    public func hash(at position: Int) -> PDQHash {
        PDQHash(
            words.base[4 * position], words.base[4 * position + 1], words.base[4 * position + 2], words.base[4 * position + 3])
    }

    /// Appends to `hits` every stored hash within `radius` (inclusive) of `query`, each once.
    ///
    /// Each probe costs up to three dependent random reads (directory slot, bucket, candidate hash),
    /// so the search is software-pipelined: while probe i's bucket is scanned, probe i+12's bucket,
    /// probe i+16's directory slot (into L1) and probe i+64's (into L2) are being fetched, and
    /// candidates are verified 16 behind their discovery, so the reads overlap instead of waiting
    /// on each other. A bucket whose directory bitmap shows no entry close enough on its low key
    /// bits is not read at all.
    public func search(_ query: PDQHash, radius: Int, into hits: inout [IndexHit]) {
        guard count > 0, radius >= 0 else { return }
        let radii = Self.substringRadii(radius: radius, tables: segments.count)
        // Past a few flipped bits per substring, probing costs more than reading everything.
        guard radii.max()! <= 3 else { return linearSearch(query, radius: radius, into: &hits) }
        var probeCount = 0
        for (segment, r) in zip(segments, radii) where r >= 0 {
            probeCount += Self.maskCount(bits: segment.directoryBits, maxWeight: r)
        }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { q in
            (q[0], q[1], q[2], q[3]) = (query.w0, query.w1, query.w2, query.w3)
            withUnsafeTemporaryAllocation(of: TableQuery.self, capacity: segments.count) { tables in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: probeCount) { probes in
                    // Every directory slot to probe, table by table, from the shared mask lists: the
                    // query's key high bits with the mask's bits flipped (the table in the top bits).
                    var n = 0
                    for (t, segment) in segments.enumerated() {
                        let queryKey = Self.key(UnsafePointer(q.baseAddress!), segment)
                        let queryHigh = queryKey >> UInt32(segment.lowBits)
                        let queryLow = queryKey & UInt32((1 << segment.lowBits) - 1)
                        tables[t] = TableQuery(
                            directoryStart: UInt32(segment.directoryStart), queryHigh: queryHigh, low: queryLow,
                            radius: max(radii[t], 0),
                            accepted: Self.acceptedValues(
                                queryLow & UInt32((1 << segment.filterBits) - 1), bits: segment.filterBits),
                            entries: UnsafePointer(entries.base) + t * count)
                        guard radii[t] >= 0 else { continue }
                        let first = UInt32(segment.directoryStart) | UInt32(t) << Self.probeTableShift
                        let masks = Self.maskLists[radii[t]]
                        for j in 0..<Self.maskCount(bits: segment.directoryBits, maxWeight: radii[t]) {
                            probes[n] = first + (queryHigh ^ masks[j])
                            n += 1
                        }
                    }
                    scan(
                        probes: UnsafeBufferPointer(rebasing: probes[..<n]), tables: UnsafePointer(tables.baseAddress!),
                        query: UnsafePointer(q.baseAddress!), radii: radii, radius: radius, into: &hits)
                }
            }
        }
    }

    /// The search pipeline over `probes` (directory slots, each with its table in the top bits).
    @inline(__always)
    private func scan(
        probes: UnsafeBufferPointer<UInt32>, tables: UnsafePointer<TableQuery>, query qp: UnsafePointer<UInt64>,
        radii: [Int], radius: Int, into hits: inout [IndexHit]
    ) {
        withUnsafeTemporaryAllocation(of: Bounds.self, capacity: Self.boundsRing) { boundsRing in
            withUnsafeTemporaryAllocation(of: Candidate.self, capacity: Self.candidateRing) { ring in
                let w = UnsafePointer(words.base), dirs = UnsafePointer(directories.base)
                let positionShift = UInt32(positionBits), positionMask = UInt32((1 << UInt64(positionBits)) - 1)
                let offsetShift = UInt32(offsetBits), offsetMask = UInt32((1 << UInt64(offsetBits)) - 1)
                let slotMask = UInt32((1 << Self.probeTableShift) - 1)
                let n = probes.count
                func slot(_ i: Int) -> Int { Int(probes[i] & slotMask) }
                // Reads probe i's bucket bounds from its directory slot and requests the bucket.
                func fetchBounds(_ i: Int) {
                    let slot = slot(i)
                    let table = tables[Int(probes[i] >> Self.probeTableShift)]
                    // The low-key bits this probe may still differ in.
                    let budget = table.radius - ((UInt32(slot) &- table.directoryStart) ^ table.queryHigh).nonzeroBitCount
                    let word = dirs[slot]
                    let start = word & offsetMask
                    // No entry whose filtered low bits are close enough: leave the bucket unread.
                    let wanted = (word &>> offsetShift) & (table.accepted &>> UInt32(8 * budget)) != 0
                    let end = wanted ? dirs[slot + 1] & offsetMask : start
                    boundsRing[i & (Self.boundsRing - 1)] = Bounds(start: start, end: end, budget: budget)
                    let first = table.entries + Int(start)
                    // (An unwanted bucket requests the directory line just read: a no-op.)
                    vigil_prefetch(wanted ? UnsafeRawPointer(first) : UnsafeRawPointer(dirs + slot))
                    // A bucket that runs past its first cache line needs the next one too.
                    let last = first + max(0, Int(end) - Int(start) - 1)
                    if UInt(bitPattern: last) >> 6 != UInt(bitPattern: first) >> 6 { vigil_prefetch(last) }
                }
                let (farAhead, slotsAhead, boundsAhead, verifyBehind) =
                    (Self.farAhead, Self.slotsAhead, Self.boundsAhead, Self.verifyBehind)
                for i in 0..<min(farAhead, n) { vigil_prefetch_l2(dirs + slot(i)) }
                for i in 0..<min(slotsAhead, n) { vigil_prefetch(dirs + slot(i)) }
                for i in 0..<min(boundsAhead, n) { fetchBounds(i) }
                var found = 0, verified = 0
                for i in 0..<n {
                    if i + farAhead < n { vigil_prefetch_l2(dirs + slot(i + farAhead)) }
                    if i + slotsAhead < n { vigil_prefetch(dirs + slot(i + slotsAhead)) }
                    if i + boundsAhead < n { fetchBounds(i + boundsAhead) }
                    let t = UInt8(probes[i] >> Self.probeTableShift)
                    let table = tables[Int(t)]
                    let bounds = boundsRing[i & (Self.boundsRing - 1)]
                    var e = Int(bounds.start)
                    while e < Int(bounds.end) {
                        let entry = table.entries[e]
                        e += 1
                        guard ((entry &>> positionShift) ^ table.low).nonzeroBitCount <= bounds.budget else { continue }
                        let position = entry & positionMask
                        vigil_prefetch(w + 4 * Int(position))
                        ring[found & (Self.candidateRing - 1)] = Candidate(position: position, table: t)
                        found += 1
                        if found - verified > verifyBehind {
                            let c = ring[verified & (Self.candidateRing - 1)]
                            verify(Int(c.position), table: Int(c.table), radii: radii, radius: radius, q: qp, w: w, hits: &hits)
                            verified += 1
                        }
                    }
                }
                while verified < found {
                    let c = ring[verified & (Self.candidateRing - 1)]
                    verify(Int(c.position), table: Int(c.table), radii: radii, radius: radius, q: qp, w: w, hits: &hits)
                    verified += 1
                }
            }
        }
    }

    /// Pipeline distances, in probes and candidates. Directory slots are requested twice: into L2
    /// `farAhead` probes ahead, then into L1 `slotsAhead` ahead. L1 holds few outstanding misses, so
    /// L1 requests made far ahead stall the loop; L2 requests do not, and the later L1 request then
    /// finds the line close by. Measured on 10M hashes against 32/16 ahead without the L2 stage:
    /// 8,160 → 9,400 queries/s (median of 18 interleaved runs each, Benchmarks/run-index); bounds
    /// 12 ahead instead of 8: +3 % (both in one process, alternating every 100 queries).
    static let farAhead = 64, slotsAhead = 16, boundsAhead = 12, verifyBehind = 16
    /// Candidates awaiting verification (a power of two above `verifyBehind`).
    static let candidateRing = 32

    /// Bucket bounds in flight between `fetchBounds` and the scan (a power of two above `boundsAhead`).
    static let boundsRing = 16

    /// Probes carry their table above this bit (directories total fewer than 2²⁸ slots).
    static let probeTableShift: UInt32 = 28

    /// One table's part of a query: where its directory starts, the query key's high bits (its
    /// home slot there) and low bits, the table's pigeonhole radius and its entries.
    private struct TableQuery {
        var directoryStart: UInt32
        var queryHigh: UInt32
        var low: UInt32
        var radius: Int
        /// Byte b: the bitmap values a bucket needs for an entry to be within b low-key bits.
        var accepted: UInt32
        var entries: UnsafePointer<UInt32>
    }

    /// A probe's bucket (empty if its bitmap rules every entry out) and its low-key budget.
    private struct Bounds {
        var start: UInt32
        var end: UInt32
        var budget: Int
    }

    /// For budgets 0…3 (byte b), the set of `bits`-bit values within b bits of `value`, as bitmaps.
    static func acceptedValues(_ value: UInt32, bits: Int) -> UInt32 {
        var accepted: UInt32 = 0
        for budget in 0...3 {
            for v in 0..<(UInt32(1) << UInt32(bits)) where (v ^ value).nonzeroBitCount <= budget {
                accepted |= 1 << (UInt32(8 * budget) + v)
            }
        }
        return accepted
    }

    /// For each weight w in 0…3, every 24-bit mask with at most w bits set, in `forEachMask` order.
    /// That order groups masks by their highest set bit, so the masks of a `bits`-bit key are the
    /// first `maskCount(bits:maxWeight:)` of the list; searches share these instead of enumerating.
    static let maskLists: [[UInt32]] = (0...3).map { weight in
        var masks: [UInt32] = []
        forEachMask(bits: maxDirectoryBits, maxWeight: weight) { mask, _ in masks.append(UInt32(mask)) }
        return masks
    }
    /// The longest directory key (no substring is longer).
    static let maxDirectoryBits = substringLengths.max()!

    private struct Candidate {
        var position: UInt32
        var table: UInt8
    }

    /// Per-table substring radii by the generalised pigeonhole principle: if every substring differed
    /// by more than its radius, the distance would be at least Σ(rₜ + 1) = r + 1. Some tables get
    /// ⌊(r+1)/m⌋ and the rest one less (−1: the table need not be probed at all).
    static func substringRadii(radius: Int, tables: Int) -> [Int] {
        let base = (radius + 1) / tables, wider = (radius + 1) % tables
        return (0..<tables).map { $0 < wider ? base : base - 1 }
    }

    /// The number of `bits`-bit masks with at most `maxWeight` bits set.
    static func maskCount(bits: Int, maxWeight: Int) -> Int {
        var total = 0, binomial = 1
        for k in 0...maxWeight {
            if k > 0 { binomial = binomial * (bits - k + 1) / k }
            if k <= bits { total += binomial }
        }
        return total
    }

    /// Checks a candidate on all 256 bits; reports it unless an earlier table also reaches it.
    @inline(__always)
    private func verify(
        _ position: Int, table: Int, radii: [Int], radius: Int, q: UnsafePointer<UInt64>,
        w: UnsafePointer<UInt64>, hits: inout [IndexHit]
    ) {
        let h = w + 4 * position
        let x0 = q[0] ^ h[0], x1 = q[1] ^ h[1], x2 = q[2] ^ h[2], x3 = q[3] ^ h[3]
        let distance = x0.nonzeroBitCount + x1.nonzeroBitCount + x2.nonzeroBitCount + x3.nonzeroBitCount
        guard distance <= radius else { return }
        for earlier in 0..<table where radii[earlier] >= 0 {
            let m = segments[earlier].masks
            let d =
                (x0 & m.0).nonzeroBitCount + (x1 & m.1).nonzeroBitCount + (x2 & m.2).nonzeroBitCount
                + (x3 & m.3).nonzeroBitCount
            if d <= radii[earlier] { return }
        }
        hits.append(IndexHit(position: position, distance: distance))
    }

    /// Calls `body(mask, weight)` for every `bits`-bit mask with at most `maxWeight` (≤ 3) bits set.
    @inline(__always)
    static func forEachMask(bits: Int, maxWeight: Int, _ body: (Int, Int) -> Void) {
        body(0, 0)
        guard maxWeight >= 1 else { return }
        for a in 0..<bits {
            body(1 << a, 1)
            guard maxWeight >= 2 else { continue }
            for b in 0..<a {
                body(1 << a | 1 << b, 2)
                guard maxWeight >= 3 else { continue }
                for c in 0..<b { body(1 << a | 1 << b | 1 << c, 3) }
            }
        }
    }

    /// Brute force: every stored hash within `radius`. The reference the index is tested against.
    public func linearSearch(_ query: PDQHash, radius: Int, into hits: inout [IndexHit]) {
        do {
            let w = words.base
            for i in 0..<count {
                let d =
                    (query.w0 ^ w[4 * i]).nonzeroBitCount + (query.w1 ^ w[4 * i + 1]).nonzeroBitCount
                    + (query.w2 ^ w[4 * i + 2]).nonzeroBitCount + (query.w3 ^ w[4 * i + 3]).nonzeroBitCount
                if d <= radius { hits.append(IndexHit(position: i, distance: d)) }
            }
        }
    }

    /// Bytes held by the index, hashes included.
    public var memoryBytes: Int { words.bytes + directories.bytes + entries.bytes }
}
