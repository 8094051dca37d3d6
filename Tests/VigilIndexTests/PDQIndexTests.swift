import Foundation
import Testing
import VigilHashing

@testable import VigilIndex

/// Brute force over a reference list of live entries.
func bruteForce(_ live: [(PDQHash, UInt32)], _ q: PDQHash, _ radius: Int) -> Set<PDQMatch> {
    Set(
        live.compactMap { h, p in
            let d = q.distance(to: h)
            return d <= radius ? PDQMatch(payload: p, hash: h, distance: d) : nil
        })
}

@Test("inserts and removals without rebuilds keep search exact", arguments: [0, 5_000])
func incrementalChanges(_ initial: Int) {
    var g = SeededGenerator(seed: 17)
    var live: [(PDQHash, UInt32)] = TestHashes.uniform(count: initial, seed: 8).enumerated().map { ($1, UInt32($0)) }
    var index = PDQIndex(hashes: live.map(\.0), payloads: live.map(\.1))
    var next = UInt32(initial)
    // Enough inserts to overflow the tail into the middle level and to trigger a compaction.
    for step in 0..<(PDQIndex.tailLimit * 5 + 300) {
        let base = live.isEmpty || step % 3 == 0 ? TestHashes.random(&g) : live[Int(g.next() % UInt64(live.count))].0
        let hash = TestHashes.flipped(base, Int(g.next() % 20), &g)
        index.insert(hash, payload: next)
        live.append((hash, next))
        next += 1
        if step % 4 == 0, !live.isEmpty {
            let victim = live.remove(at: Int(g.next() % UInt64(live.count)))
            let removed = index.remove(victim.0, payload: victim.1)
            #expect(removed)
        }
    }
    #expect(index.count == live.count)
    let removedUnknown = index.remove(TestHashes.random(&g), payload: 999_999_999)
    #expect(!removedUnknown)
    for _ in 0..<40 {
        let q = TestHashes.flipped(live[Int(g.next() % UInt64(live.count))].0, Int(g.next() % 30), &g)
        var found: [PDQMatch] = []
        index.search(q, radius: 31, into: &found)
        #expect(Set(found) == bruteForce(live, q, 31))
        #expect(Set(found).count == found.count)
    }
}

@Test("snapshots round-trip and refuse damaged files")
func snapshots() throws {
    let hashes = TestHashes.uniform(count: 2_000, seed: 21)
    var index = PDQIndex(hashes: hashes, payloads: (0..<2_000).map(UInt32.init))
    index.insert(hashes[0], payload: 7_777)
    index.remove(hashes[1], payload: 1)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).pdqidx").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try index.write(to: path)
    let loaded = try PDQIndex(contentsOf: path)
    #expect(loaded.count == index.count)
    var a: [PDQMatch] = [], b: [PDQMatch] = []
    index.search(hashes[0], radius: 31, into: &a)
    loaded.search(hashes[0], radius: 31, into: &b)
    #expect(Set(a) == Set(b))

    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[100] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: IndexError.self) { try PDQIndex(contentsOf: path) }
    try Data(bytes.prefix(500)).write(to: URL(fileURLWithPath: path))
    #expect(throws: IndexError.self) { try PDQIndex(contentsOf: path) }
    try Data("not a snapshot".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: IndexError.self) { try PDQIndex(contentsOf: path) }
}

@Test("digest sets match exactly and forget removed entries")
func digestIndex() throws {
    var index = DigestIndex()
    let md5 = try #require(HashValue(kind: .md5, hex: "D41D8CD98F00B204E9800998ECF8427E"))
    let sha1 = try #require(HashValue(kind: .sha1, hex: "da39a3ee5e6b4b0d3255bfef95601890afd80709"))
    let sha256 = try #require(HashValue(kind: .sha256, hex: String(repeating: "ab", count: 32)))
    index.insert(md5, payload: 1)
    index.insert(sha1, payload: 2)
    index.insert(sha256, payload: 3)
    index.insert(md5, payload: 4)
    #expect(index.lookup(md5).sorted() == [1, 4])
    #expect(index.lookup(sha1) == [2])
    #expect(index.lookup(HashValue(kind: .sha256, hex: String(repeating: "ab", count: 31) + "ac")!) == [])
    let removed = index.remove(md5, payload: 1)
    #expect(removed)
    #expect(index.lookup(md5) == [4])
    #expect(index.count == 3)
}

@Test("banks: per-bank thresholds, negative banks, dihedral variants and the quality floor")
func bankMatching() throws {
    var g = SeededGenerator(seed: 31)
    let known = TestHashes.random(&g)
    let near = TestHashes.flipped(known, 20, &g)
    var matcher = BankMatcher()
    matcher.addBank(BankProfile(name: "strict", threshold: 10), entries: [(HashValue(known), 1)])
    matcher.addBank(BankProfile(name: "loose"), entries: [(HashValue(known), 2), (HashValue(TestHashes.random(&g)), 3)])

    let plain = matcher.match(MatchQuery(pdq: PDQResult(hash: near, quality: 90)))
    #expect(plain.map(\.bank) == ["loose"])
    #expect(plain.first?.distance == 20)
    #expect(matcher.match(MatchQuery(pdq: PDQResult(hash: near, quality: 49))).isEmpty)
    #expect(matcher.match(MatchQuery(pdq: PDQResult(hash: near, quality: 49)), qualityFloor: 0).count == 1)

    // A query whose flipped variant is the known hash matches through that variant.
    var variants = (0..<8).map { _ in TestHashes.random(&g) }
    variants[DihedralVariant.flipY.rawValue] = known
    let viaDihedral = matcher.match(MatchQuery(pdq: PDQResult(hash: variants[0], quality: 100), dihedral: variants))
    #expect(Set(viaDihedral.map(\.bank)) == ["strict", "loose"])
    #expect(viaDihedral.allSatisfy { $0.variant == .flipY && $0.distance == 0 })

    matcher.addBank(BankProfile(name: "false-positives", negative: true), entries: [(HashValue(near), 9)])
    let suppressed = matcher.match(MatchQuery(pdq: PDQResult(hash: near, quality: 90)))
    #expect(suppressed.contains { $0.bank == "false-positives" && $0.negative && !$0.suppressed })
    #expect(suppressed.contains { $0.bank == "loose" && $0.suppressed })
}
