import Testing
import VigilHashing

@testable import VigilIndex

struct IndexCase: Sendable, CustomTestStringConvertible {
    let name: String
    let hashes: [PDQHash]
    let queries: [PDQHash]
    var testDescription: String { name }
}

func indexCases() -> [IndexCase] {
    var g = SeededGenerator(seed: 99)
    let uniform = TestHashes.uniform(count: 20_000, seed: 1)
    let uniformQueries = (0..<60).map { i in
        i % 2 == 0 ? TestHashes.flipped(uniform[i * 97], i % 41, &g) : TestHashes.random(&g)
    }
    let (clustered, centres) = TestHashes.clustered(count: 20_000, centres: 2_000, spread: 48, seed: 2)
    let clusteredQueries = (0..<60).map { i in TestHashes.flipped(centres[i * 31], i % 24, &g) }
    let small = TestHashes.uniform(count: 37, seed: 3)
    let smallQueries = small.prefix(10).map { TestHashes.flipped($0, 20, &g) }
    let (dense, denseCentres) = TestHashes.clustered(count: 5_000, centres: 5, spread: 40, seed: 4)
    return [
        IndexCase(name: "uniform 20k", hashes: uniform, queries: uniformQueries),
        IndexCase(name: "clustered 20k around 2k centres", hashes: clustered, queries: clusteredQueries),
        IndexCase(name: "tiny 37", hashes: small, queries: smallQueries),
        IndexCase(name: "5k in 5 dense clusters", hashes: dense, queries: denseCentres.map { TestHashes.flipped($0, 3, &g) }),
    ]
}

/// The index's hits for `query` and brute force's, each sorted.
func searchAndBruteForce(_ index: PDQMultiIndex, _ query: PDQHash, radius: Int) -> (found: [IndexHit], expected: [IndexHit]) {
    var found: [IndexHit] = [], expected: [IndexHit] = []
    index.search(query, radius: radius, into: &found)
    index.linearSearch(query, radius: radius, into: &expected)
    return (found.sorted(), expected.sorted())
}

@Test("range search equals brute force at every radius 0…40 (100% recall and precision)", arguments: indexCases())
func rangeSearchIsExact(_ c: IndexCase) {
    let index = PDQMultiIndex(c.hashes)
    for radius in [0, 1, 2, 7, 15, 16, 23, 31, 32, 33, 40] {
        for query in c.queries {
            let (found, expected) = searchAndBruteForce(index, query, radius: radius)
            #expect(found == expected, "radius \(radius)")
            #expect(Set(found).count == found.count, "duplicate hits at radius \(radius)")
        }
    }
}

@Test("every stored hash finds itself at distance 0")
func selfMatch() {
    let hashes = TestHashes.uniform(count: 3_000, seed: 5)
    let index = PDQMultiIndex(hashes)
    for (i, h) in hashes.enumerated() {
        var hits: [IndexHit] = []
        index.search(h, radius: 0, into: &hits)
        #expect(hits == [IndexHit(position: i, distance: 0)])
    }
}

@Test("an empty index answers nothing")
func emptyIndex() {
    var hits: [IndexHit] = []
    PDQMultiIndex([]).search(.zero, radius: 31, into: &hits)
    #expect(hits.isEmpty)
}

@Test("memory stays within 3× the raw hash bytes", arguments: [1_000, 100_000, 1_000_000])
func memoryBound(_ count: Int) {
    let layout = PDQMultiIndex.layout(count: count)
    let bytes = 32 * count + 4 * count * layout.segments.count + 4 * layout.directorySize
    #expect(Double(bytes) <= 3.0 * Double(32 * count))
}

@Test(
    "directory words hold every bucket start and, above it, a bitmap of the low key bits",
    arguments: [0, 1, 37, 4_096, 1 << 20, (1 << 24) - 1, 1 << 24, 10_000_000, 100_000_000, (1 << 31) - 1])
func directoryWordsFit(_ count: Int) {
    let layout = PDQMultiIndex.layout(count: count)
    #expect(count < 1 << layout.offsetBits, "bucket starts run to the count inclusive")
    for segment in layout.segments {
        #expect(segment.filterBits <= segment.lowBits)
        #expect(layout.offsetBits + (1 << segment.filterBits) <= 32, "the bitmap fits above the start")
    }
    // Directories grow with the count, so the low key bits shrink as fast as the room for the
    // bitmap does: it records all of them, or three of them, at every size.
    #expect(layout.segments.allSatisfy { $0.filterBits == min($0.lowBits, 3) })
}

@Test(
    "long directories (few low key bits, so exact bucket bitmaps) stay exact",
    arguments: [-10, -9])
func longDirectoriesAreExact(_ slack: Int) {
    var g = SeededGenerator(seed: 17)
    let hashes = TestHashes.uniform(count: 5_000, seed: 8)
    let index = PDQMultiIndex(hashes, directorySlack: slack)
    // The low key bits left per table: 24-bit keys keep 2 or 3, 23-bit 1 or 2, the 20-bit key none.
    #expect(Set(index.segments.map(\.lowBits)) == (slack == -10 ? [2, 1, 0] : [3, 2, 0]))
    let queries = (0..<30).map { i in i % 3 == 0 ? TestHashes.random(&g) : TestHashes.flipped(hashes[i * 131], i % 37, &g) }
    for radius in [0, 2, 15, 31, 40] {
        for query in queries {
            let (found, expected) = searchAndBruteForce(index, query, radius: radius)
            #expect(found == expected, "radius \(radius)")
        }
    }
}

@Test("a hash stored tens of thousands of times is found every time, beside its near neighbours")
func heavyDuplicates() {
    var g = SeededGenerator(seed: 23)
    let repeated = TestHashes.random(&g)
    var hashes = Array(repeating: repeated, count: 70_000)
    hashes += (0..<3_000).map { i in TestHashes.flipped(repeated, 1 + i % 45, &g) }
    hashes += TestHashes.uniform(count: 3_000, seed: 9)
    hashes.shuffle(using: &g)
    let index = PDQMultiIndex(hashes)
    for query in [repeated, TestHashes.flipped(repeated, 12, &g), TestHashes.flipped(repeated, 31, &g)] {
        let (found, expected) = searchAndBruteForce(index, query, radius: 31)
        #expect(found.count >= 70_000, "every copy lies within 31 bits of these queries")
        #expect(found == expected)
    }
}
