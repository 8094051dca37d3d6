import VigilHashing

/// A seeded generator (SplitMix64) so generated hash sets are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TestHashes {
    static func random(_ g: inout SeededGenerator) -> PDQHash {
        PDQHash(g.next(), g.next(), g.next(), g.next())
    }

    /// `hash` with `flips` distinct random bits flipped.
    static func flipped(_ hash: PDQHash, _ flips: Int, _ g: inout SeededGenerator) -> PDQHash {
        var words = [hash.w0, hash.w1, hash.w2, hash.w3]
        var chosen = Set<Int>()
        while chosen.count < flips { chosen.insert(Int(g.next() % 256)) }
        for bit in chosen { words[bit >> 6] ^= 1 << UInt64(bit & 63) }
        return PDQHash(words[0], words[1], words[2], words[3])
    }

    static func uniform(count: Int, seed: UInt64) -> [PDQHash] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in random(&g) }
    }

    /// Hashes scattered within `spread` bits of `centres` random centres: near-duplicate clusters,
    /// like real lists where one image circulates in many re-encodings.
    static func clustered(count: Int, centres: Int, spread: Int, seed: UInt64) -> (hashes: [PDQHash], centres: [PDQHash]) {
        var g = SeededGenerator(seed: seed)
        let middles = (0..<centres).map { _ in random(&g) }
        let hashes = (0..<count).map { _ in
            flipped(middles[Int(g.next() % UInt64(centres))], Int(g.next() % UInt64(spread + 1)), &g)
        }
        return (hashes, middles)
    }
}
