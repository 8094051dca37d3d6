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
/// entries have, so a probe skips a bucket that cannot hold a candidate without reading it. Memory
/// is `32 + 4m` bytes per hash plus the directories: about 2.5–2.8× the raw hashes.
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
    /// candidates are verified at least 16 behind their discovery, so the reads overlap instead of
    /// waiting on each other. A bucket whose directory bitmap shows no entry close enough on its low
    /// key bits is not read at all. The data-dependent choices (skip a bucket, keep an entry) are
    /// made without branches: mispredicted branches stop the prefetches issued ahead.
    public func search(_ query: PDQHash, radius: Int, into hits: inout [IndexHit]) {
        guard count > 0, radius >= 0 else { return }
        let radii = Self.substringRadii(radius: radius, tables: segments.count)
        // Past a few flipped bits per substring, probing costs more than reading everything.
        guard radii.max()! <= 3 else { return linearSearch(query, radius: radius, into: &hits) }
        var probeCount = 0
        for (segment, r) in zip(segments, radii) where r >= 0 {
            probeCount += Self.maskCount(bits: segment.directoryBits, maxWeight: r)
        }
        let q = [query.w0, query.w1, query.w2, query.w3]
        q.withUnsafeBufferPointer { qBuffer in
            withUnsafeTemporaryAllocation(of: Probe.self, capacity: probeCount) { probes in
                withUnsafeTemporaryAllocation(of: Candidate.self, capacity: Self.candidateRing) { ring in
                    let w = UnsafePointer(words.base), qp = qBuffer.baseAddress!, dirs = UnsafePointer(directories.base)
                    let allEntries = UnsafePointer(entries.base)
                    let positionShift = UInt32(positionBits)
                    let positionMask = UInt32((1 << UInt64(positionBits)) - 1)

                    // The buckets to probe, each with the low-key distance it may still spend.
                    var n = 0
                    for (t, segment) in segments.enumerated() where radii[t] >= 0 {
                        let queryKey = Self.key(qp, segment)
                        let queryHigh = Int(queryKey >> UInt32(segment.lowBits))
                        let queryLow = queryKey & UInt32((1 << segment.lowBits) - 1)
                        let accepted = Self.acceptedValues(
                            queryLow & UInt32((1 << segment.filterBits) - 1), bits: segment.filterBits)
                        let masks = Self.maskLists[radii[t]]
                        for j in 0..<Self.maskCount(bits: segment.directoryBits, maxWeight: radii[t]) {
                            let mask = masks[j]
                            probes[n] = Probe(
                                slot: Int32(segment.directoryStart + (queryHigh ^ Int(mask))), table: UInt8(t),
                                budget: UInt8(radii[t] - mask.nonzeroBitCount), low: queryLow, accepted: accepted, start: 0,
                                end: 0)
                            n += 1
                        }
                    }
                    let offsetShift = UInt32(offsetBits), offsetMask = UInt32((1 << UInt64(offsetBits)) - 1)
                    // Reads probe i's bucket bounds and requests the bucket's first and last lines.
                    func fetchBounds(_ i: Int) {
                        let slot = Int(probes[i].slot)
                        let word = dirs[slot], start = word & offsetMask
                        // All ones if some entry's filtered low key bits are within the budget, else zero:
                        // computed without a branch, as it is a coin toss and mispredictions stall the pipeline.
                        let present = (word &>> offsetShift) & (probes[i].accepted &>> UInt32(8 * Int(probes[i].budget)))
                        let keep = UInt(bitPattern: -Int((present | (0 &- present)) >> 31))
                        probes[i].start = start
                        probes[i].end = start &+ (((dirs[slot + 1] & offsetMask) &- start) & UInt32(truncatingIfNeeded: keep))
                        // A skipped bucket requests the directory line just read instead: a no-op.
                        let first = allEntries + Int(probes[i].table) * count + Int(start)
                        let last = first + max(0, Int(probes[i].end) - Int(start) - 1)
                        let instead = UInt(bitPattern: dirs + slot) & ~keep
                        vigil_prefetch(UnsafeRawPointer(bitPattern: UInt(bitPattern: first) & keep | instead))
                        vigil_prefetch(UnsafeRawPointer(bitPattern: UInt(bitPattern: last) & keep | instead))
                    }
                    let (boundsAhead, slotsAhead, verifyBehind) = (Self.boundsAhead, Self.slotsAhead, Self.verifyBehind)
                    let farAhead = Self.farAhead
                    for i in 0..<min(farAhead, n) { vigil_prefetch_l2(dirs + Int(probes[i].slot)) }
                    for i in 0..<min(slotsAhead, n) { vigil_prefetch(dirs + Int(probes[i].slot)) }
                    for i in 0..<min(boundsAhead, n) { fetchBounds(i) }
                    var found = 0, verified = 0
                    // Verifies the oldest candidate in the ring.
                    @inline(__always) func verifyNext() {
                        let c = ring[verified & (Self.candidateRing - 1)]
                        verify(Int(c.position), table: Int(c.table), radii: radii, radius: radius, q: qp, w: w, hits: &hits)
                        verified += 1
                    }
                    for i in 0..<n {
                        if i + farAhead < n { vigil_prefetch_l2(dirs + Int(probes[i + farAhead].slot)) }
                        if i + slotsAhead < n { vigil_prefetch(dirs + Int(probes[i + slotsAhead].slot)) }
                        if i + boundsAhead < n { fetchBounds(i + boundsAhead) }
                        let probe = probes[i]
                        let table = allEntries + Int(probe.table) * count
                        var e = Int(probe.start)
                        while e < Int(probe.end) {
                            let entry = table[e]
                            e += 1
                            // Taken or not without a branch (few entries pass, unpredictably): every
                            // entry is written to the ring's next slot, which only a candidate keeps.
                            let pass = ((entry &>> positionShift) ^ probe.low).nonzeroBitCount <= Int(probe.budget)
                            let position = entry & positionMask
                            vigil_prefetch(w + 4 * Int(pass ? position : 0))
                            ring[found & (Self.candidateRing - 1)] = Candidate(position: position, table: probe.table)
                            found += pass ? 1 : 0
                            if found - verified > Self.candidateRing - 2 { verifyNext() }  // a long bucket filled the ring
                        }
                        // Verification every few probes, candidates `verifyBehind` behind their discovery.
                        if i & (Self.verifyEvery - 1) == 0 {
                            while found - verified > verifyBehind { verifyNext() }
                        }
                    }
                    while verified < found { verifyNext() }
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
    /// Candidates awaiting verification (a power of two, well above `verifyBehind`).
    static let candidateRing = 64
    /// Probes between verification rounds (a power of two).
    static let verifyEvery = 4

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

    private struct Probe {
        var slot: Int32
        var table: UInt8
        var budget: UInt8
        var low: UInt32
        var accepted: UInt32
        var start: UInt32
        var end: UInt32
    }

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
