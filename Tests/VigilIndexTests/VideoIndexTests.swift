import Testing
import VigilHashing
import VigilIndex

/// The python-threatexchange video rule on videos built so that the answer is known.
struct VideoIndexTests {
    static func frames(_ hashes: [PDQHash], quality: Int = 100, start: Int = 0) -> [VPDQFeature] {
        hashes.enumerated().map { i, h in
            VPDQFeature(frame: (start + i) * 25, quality: quality, pdq: h, timestamp: Double(start + i))
        }
    }

    @Test("a clip of frames 3…7 (10 bits off) plus two unrelated frames: 5/7 of the query, 5/10 of the video")
    func clipPercentages() throws {
        var g = SeededGenerator(seed: 7)
        let long = (0..<10).map { _ in TestHashes.random(&g) }
        let clip = (3...7).map { TestHashes.flipped(long[$0], 10, &g) } + [TestHashes.random(&g), TestHashes.random(&g)]
        let other = (0..<6).map { _ in TestHashes.random(&g) }
        let index = VideoIndex([
            BankVideo(id: "other", features: Self.frames(other)), BankVideo(id: "long", features: Self.frames(long)),
        ])
        let matches = index.match(Self.frames(clip), md5: nil)
        #expect(matches.isEmpty)  // 5/7 ≈ 71 % is under the default 80 %
        let lenient = VideoIndex(
            [BankVideo(id: "long", features: Self.frames(long))], rule: VideoMatchRule(queryMatchPercent: 70))
        let match = try #require(lenient.match(Self.frames(clip)).first)
        #expect(match.id == "long")
        #expect(match.queryMatchPercent == 500.0 / 7)
        #expect(match.compareMatchPercent == 50)
        #expect(match.matchedStart == 3 && match.matchedEnd == 7)
        #expect(match.queryStart == 0 && match.queryEnd == 4)
    }

    @Test("distance 31 matches and 32 does not", arguments: [(31, true), (32, false)])
    func threshold(bits: Int, matches: Bool) {
        var g = SeededGenerator(seed: UInt64(bits))
        let bank = (0..<4).map { _ in TestHashes.random(&g) }
        let query = bank.map { TestHashes.flipped($0, bits, &g) }
        let index = VideoIndex([BankVideo(id: "v", features: Self.frames(bank))])
        #expect(!index.match(Self.frames(query)).isEmpty == matches)
    }

    @Test("duplicate and low-quality frames are left out of both percentages")
    func dedupeAndQuality() throws {
        var g = SeededGenerator(seed: 3)
        let bank = (0..<4).map { _ in TestHashes.random(&g) }
        // Query: bank[0] three times (one frame after de-duplication), bank[1] at quality 49
        // (dropped), and one unrelated frame: 1 of 2 usable query frames, 1 of 4 bank frames.
        let query =
            Self.frames([bank[0], bank[0], bank[0]]) + Self.frames([bank[1]], quality: 49, start: 3)
            + Self.frames([TestHashes.random(&g)], start: 4)
        let index = VideoIndex(
            [BankVideo(id: "v", features: Self.frames(bank))], rule: VideoMatchRule(queryMatchPercent: 0))
        let match = try #require(index.match(query).first)
        #expect(match.queryMatchPercent == 50)
        #expect(match.compareMatchPercent == 25)
    }

    @Test("an equal MD5 is reported even without frame matches; thresholds filter the rest")
    func md5AndThresholds() throws {
        var g = SeededGenerator(seed: 5)
        let bank = (0..<4).map { _ in TestHashes.random(&g) }
        let index = VideoIndex(
            [BankVideo(id: "v", features: Self.frames(bank), md5: "ABCDEF")],
            rule: VideoMatchRule(queryMatchPercent: 80, compareMatchPercent: 60))
        let unrelated = Self.frames((0..<3).map { _ in TestHashes.random(&g) })
        #expect(try #require(index.match(unrelated, md5: "abcdef").first).md5Match)
        #expect(index.match(unrelated, md5: "000000").isEmpty)
        // Half the bank's frames: 100 % of the query but only 50 % of the bank (< 60 %).
        #expect(index.match(Self.frames(Array(bank[0..<2]))).isEmpty)
        #expect(!index.match(Self.frames(Array(bank[0..<3]))).isEmpty)
    }

    @Test("the reference's text format round-trips and names a bad line")
    func textFormat() throws {
        var g = SeededGenerator(seed: 9)
        let features = Self.frames((0..<3).map { _ in TestHashes.random(&g) })
        let text = VPDQ.text(features)
        #expect(text.split(separator: "\n").first?.hasPrefix("0,100,") == true)
        #expect(try VPDQ.parse(text).get() == features)
        #expect(VPDQ.parse(text + "3,100,zz,1.000\n") == .failure(VPDQ.ParseError(line: 4)))
    }

    @Test(
        "frameMod = int(secondsPerHash × fps), at least 1",
        arguments: [(1.0, 25.0, 25), (1.0, 30000.0 / 1001, 29), (0.5, 29.97, 14), (1.0, 0.5, 1), (0.0, 25.0, 1)])
    func frameMod(seconds: Double, fps: Double, expected: Int) {
        #expect(VPDQ.frameMod(secondsPerHash: seconds, framesPerSecond: fps) == expected)
    }
}
