import Foundation
import Testing
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia
import VigilStore
import VigilTriage
import ZIPFoundation

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "vigil-triage-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes a ZIP archive of `members` (name, bytes), deflated when `deflate` is set.
func writeZip(_ path: String, _ members: [(String, [UInt8])], deflate: Bool = true) throws {
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    for (name, bytes) in members {
        let data = Data(bytes)
        try archive.addEntry(
            with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: deflate ? .deflate : .none
        ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    }
}

/// Seeded pseudo-random bytes (SplitMix64).
func noise(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
}

@Suite struct ArchiveReaderTests {
    func members(_ path: String, _ limits: ArchiveLimits) throws -> [(String, Result<[UInt8], TriageError>)] {
        var found: [(String, Result<[UInt8], TriageError>)] = []
        try ArchiveReader.forEachMember(ofFile: path, limits: limits) { found.append(($0, $1)) }
        return found
    }

    @Test func readsMembersInOrderWithTheirBytes() throws {
        let dir = try temporaryDirectory()
        let (a, b) = (noise(1000, seed: 1), noise(3000, seed: 2))
        try writeZip(dir + "/x.zip", [("one.bin", a), ("sub/two.bin", b)])
        let found = try members(dir + "/x.zip", ArchiveLimits())
        #expect(found.map(\.0) == [dir + "/x.zip!/one.bin", dir + "/x.zip!/sub/two.bin"])
        #expect(try found.map { try $0.1.get() } == [a, b])
        #expect(try ArchiveReader.member(named: dir + "/x.zip!/sub/two.bin", limits: ArchiveLimits()) == b)
    }

    @Test(arguments: [(4, false), (5, true)])
    func refusesArchivesWithTooManyEntries(maxEntries: Int, opens: Bool) throws {
        let dir = try temporaryDirectory()
        try writeZip(dir + "/x.zip", (0..<5).map { ("f\($0)", noise(10, seed: UInt64($0))) })
        let limits = ArchiveLimits(maxEntries: maxEntries)
        if opens {
            #expect(try members(dir + "/x.zip", limits).count == 5)
        } else {
            #expect(throws: TriageError.self) { try members(dir + "/x.zip", limits) }
        }
    }

    @Test func refusesArchivesDeclaringTooManyBytes() throws {
        let dir = try temporaryDirectory()
        try writeZip(dir + "/x.zip", [("a", noise(600, seed: 1)), ("b", noise(600, seed: 2))])
        #expect(throws: TriageError.self) { try members(dir + "/x.zip", ArchiveLimits(maxTotalBytes: 1199)) }
        #expect(try members(dir + "/x.zip", ArchiveLimits(maxTotalBytes: 1200)).count == 2)
    }

    @Test func refusesAZipBombMemberWithoutInflatingIt() throws {
        let dir = try temporaryDirectory()
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        try writeZip(dir + "/bomb.zip", [("zeros", zeros), ("fine", noise(100, seed: 3))])
        let found = try members(dir + "/bomb.zip", ArchiveLimits(maxRatio: 200))
        #expect(found.count == 2)
        #expect(throws: TriageError.self) { try found[0].1.get() }
        #expect(try found[1].1.get() == noise(100, seed: 3))
        // Too large for the per-member byte limit, whatever the ratio.
        let capped = try members(dir + "/bomb.zip", ArchiveLimits(maxEntryBytes: 1 << 20, maxRatio: 1 << 30))
        #expect(throws: TriageError.self) { try capped[0].1.get() }
    }

    @Test(arguments: [(2, false), (3, true)])
    func opensNestedArchivesToTheDepthLimit(maxDepth: Int, reachesInnermost: Bool) throws {
        let dir = try temporaryDirectory()
        let payload = noise(500, seed: 9)
        try writeZip(dir + "/inner.zip", [("deep.bin", payload)])
        let inner = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/inner.zip")))
        try writeZip(dir + "/middle.zip", [("inner.zip", inner)])
        let middle = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/middle.zip")))
        try writeZip(dir + "/outer.zip", [("middle.zip", middle)])
        let found = try members(dir + "/outer.zip", ArchiveLimits(maxDepth: maxDepth))
        if reachesInnermost {
            #expect(found.map(\.0) == [dir + "/outer.zip!/middle.zip!/inner.zip!/deep.bin"])
            #expect(try found[0].1.get() == payload)
            #expect(try ArchiveReader.member(named: found[0].0, limits: ArchiveLimits()) == payload)
        } else {
            #expect(found.map(\.0) == [dir + "/outer.zip!/middle.zip!/inner.zip"])
            #expect(throws: TriageError.self) { try found[0].1.get() }
        }
    }

    @Test func reportsADamagedArchiveAsAWhole() throws {
        let dir = try temporaryDirectory()
        try Data([0x50, 0x4B, 0x03, 0x04] + noise(200, seed: 4)).write(to: URL(fileURLWithPath: dir + "/bad.zip"))
        #expect(throws: TriageError.self) { try members(dir + "/bad.zip", ArchiveLimits()) }
    }
}

@Suite struct CaseGroupsTests {
    /// `base` with the first `bits` bits flipped: at distance `bits` by construction.
    func flipped(_ base: PDQHash, _ bits: Range<Int>) -> String {
        var words = [base.w0, base.w1, base.w2, base.w3]
        for k in bits { words[k / 64] ^= 1 << UInt64(k % 64) }
        return PDQHash(words[0], words[1], words[2], words[3]).hex
    }

    func item(_ path: String, pdq: String?, quality: Int = 100, sha: String? = nil, pixels: Int = 100, size: Int = 10)
        -> CaseItem
    {
        var item = CaseItem(path: path, size: size, outcome: .media)
        item.pdq = pdq
        item.quality = quality
        item.sha256 = sha ?? path
        item.width = pixels
        item.height = 1
        return item
    }

    @Test func clustersTransitivelyWithinTheThresholdAndPicksTheBestRepresentative() {
        let a = PDQHash(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, 0x0F0F_0F0F_F0F0_F0F0, 0x3333_5555_AAAA_CCCC)
        let b = PDQHash(~a.w0, ~a.w1, a.w2, a.w3)  // 128 bits from a
        let items = [
            item("a0", pdq: a.hex, quality: 90),
            item("a1", pdq: flipped(a, 0..<20), quality: 100, pixels: 50),  // 20 from a0
            item("a2", pdq: flipped(a, 0..<40), quality: 100, pixels: 80),  // 20 from a1, 40 from a0
            item("b0", pdq: b.hex),
            item("b1", pdq: flipped(b, 100..<131)),  // exactly 31
            item("c0", pdq: flipped(b, 100..<132)),  // 32 from b0, 1 from b1: joins through b1
            item("low", pdq: a.hex, quality: 20),  // under the floor: left out
            item("none", pdq: nil),
        ]
        let groups = CaseGroups(items: items, threshold: 31, qualityFloor: 50)
        #expect(groups.clusters.map(\.members) == [[0, 1, 2], [3, 4, 5]])
        #expect(groups.clusters[0].representative == 2)  // quality 100 beats 90; then 80 pixels beat 50
    }

    @Test func separatesClustersOneBitPastTheThreshold() {
        let a = PDQHash(1, 2, 3, 4)
        let items = [item("x", pdq: a.hex), item("y", pdq: flipped(a, 0..<32))]
        #expect(CaseGroups(items: items, threshold: 31, qualityFloor: 0).clusters.isEmpty)
        #expect(CaseGroups(items: items, threshold: 32, qualityFloor: 0).clusters.map(\.members) == [[0, 1]])
    }

    @Test func groupsExactDuplicatesBySHA256() {
        let items = [
            item("a", pdq: nil, sha: "s1"), item("b", pdq: nil, sha: "s2"), item("c", pdq: nil, sha: "s1"),
            item("d", pdq: nil, sha: "s1"), item("e", pdq: nil, sha: "s3"), item("f", pdq: nil, sha: "s3"),
        ]
        #expect(CaseGroups(items: items, threshold: 31, qualityFloor: 0).exactDuplicates == [[0, 2, 3], [4, 5]])
    }
}

@Suite struct PreviewTests {
    /// Mean absolute Laplacian: the high-frequency energy of an image.
    func energy(_ g: GreyImage) -> Double {
        var sum = 0
        for y in 1..<(g.height - 1) {
            for x in 1..<(g.width - 1) {
                let c = 4 * Int(g.pixels[y * g.width + x])
                let n =
                    Int(g.pixels[(y - 1) * g.width + x]) + Int(g.pixels[(y + 1) * g.width + x])
                    + Int(g.pixels[y * g.width + x - 1]) + Int(g.pixels[y * g.width + x + 1])
                sum += abs(c - n)
            }
        }
        return Double(sum) / Double((g.width - 2) * (g.height - 2))
    }

    let checker = RGBImage(width: 192, height: 192) { x, y in ((x / 4 + y / 4) % 2 == 0) ? (255, 255, 255) : (0, 0, 0) }

    @Test func blursAwayDetailThatThePlainRenderingKeeps() {
        let plain = PreviewRenderer(blurRadius: 0).render(checker)
        let blurred = PreviewRenderer().render(checker)
        #expect(plain.width == 96 && plain.height == 96)
        #expect(blurred.width == 96 && blurred.height == 96)
        #expect(energy(plain) > 100)
        #expect(energy(blurred) < energy(plain) / 20)
        #expect(blurred.pixels != plain.pixels)
    }

    @Test(arguments: [((255, 0, 0), 76), ((0, 255, 0), 149), ((0, 0, 255), 29), ((200, 200, 200), 200)])
    func convertsToGreyWithRec601Weights(rgb: (Int, Int, Int), grey: Int) {
        let image = RGBImage(width: 10, height: 10) { _, _ in (UInt8(rgb.0), UInt8(rgb.1), UInt8(rgb.2)) }
        let preview = PreviewRenderer().render(image)
        #expect(preview.pixels.allSatisfy { Int($0) == grey })
    }

    @Test func writesABMPThatTheDecoderReadsBack() throws {
        let grey = PreviewRenderer(blurRadius: 0).render(
            RGBImage(width: 30, height: 7) { x, y in (UInt8(x * 8), UInt8(y * 30), 0) })
        let decoded = try ImageDecoder().decode(PreviewRenderer.bmp(grey))
        #expect(decoded.format == .bmp)
        #expect(decoded.image.width == 30 && decoded.image.height == 7)
        let lumas = stride(from: 0, to: decoded.image.pixels.count, by: 3).map { decoded.image.pixels[$0] }
        #expect(lumas == grey.pixels)
    }
}
