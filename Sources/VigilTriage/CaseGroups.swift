import VigilHashing
import VigilIndex

/// The groups of a case: exact duplicates (same SHA-256) and near-duplicate clusters (PDQ within
/// a threshold, transitively, found with the exact PDQ index), each with its best representative.
public struct CaseGroups: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        /// Indices into the items, ascending.
        public var members: [Int]
        /// The member with the highest PDQ quality, then the most pixels, then the most bytes.
        public var representative: Int
    }

    /// Groups of two or more items with the same SHA-256, indices ascending, ordered by first member.
    public var exactDuplicates: [[Int]]
    /// Clusters of two or more items, ordered by first member.
    public var clusters: [Cluster]

    /// Groups `items`; PDQ hashes below `qualityFloor` are left out of clustering (flat images
    /// would all cluster together).
    public init(items: [CaseItem], threshold: Int, qualityFloor: Int) {
        var bySHA: [String: [Int]] = [:]
        for (i, item) in items.enumerated() where item.outcome != .archive {
            if let sha = item.sha256 { bySHA[sha, default: []].append(i) }
        }
        exactDuplicates = bySHA.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }

        var hashes: [PDQHash] = [], owners: [Int] = []
        for (i, item) in items.enumerated() {
            guard let hex = item.pdq, let hash = PDQHash(hex: hex), (item.quality ?? 0) >= qualityFloor else { continue }
            hashes.append(hash)
            owners.append(i)
        }
        let index = PDQIndex(hashes: hashes, payloads: (0..<UInt32(hashes.count)).map { $0 })
        var sets = UnionFind(count: hashes.count)
        var found: [PDQMatch] = []
        for (k, hash) in hashes.enumerated() {
            found.removeAll(keepingCapacity: true)
            index.search(hash, radius: threshold, into: &found)
            for m in found where Int(m.payload) != k { sets.union(k, Int(m.payload)) }
        }
        var groups: [Int: [Int]] = [:]
        for k in hashes.indices { groups[sets.find(k), default: []].append(owners[k]) }
        clusters = groups.values.filter { $0.count > 1 }.map { members in
            let sorted = members.sorted()
            let best = sorted.max { a, b in
                Self.rank(items[a]) < Self.rank(items[b]) || (Self.rank(items[a]) == Self.rank(items[b]) && a > b)
            }!
            return Cluster(members: sorted, representative: best)
        }
        .sorted { $0.members[0] < $1.members[0] }
    }

    private static func rank(_ item: CaseItem) -> Rank { Rank(quality: item.quality ?? 0, pixels: item.pixels, size: item.size) }

    private struct Rank: Comparable {
        var quality: Int, pixels: Int, size: Int
        static func < (a: Rank, b: Rank) -> Bool { (a.quality, a.pixels, a.size) < (b.quality, b.pixels, b.size) }
    }
}

/// Disjoint sets with path halving and union by size.
struct UnionFind {
    private var parent: [Int]
    private var size: [Int]

    init(count: Int) {
        parent = Array(0..<count)
        size = Array(repeating: 1, count: count)
    }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        var (ra, rb) = (find(a), find(b))
        guard ra != rb else { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = ra
        size[ra] += size[rb]
    }
}
