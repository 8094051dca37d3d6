import Foundation
import Testing
import VigilCore
import VigilHashing
import VigilIndex
import VigilStore
import VigilTestSupport

/// Benign videos made here with the ffmpeg CLI: moving boxes over seeded noise, and a mandelbrot.
enum GeneratedVideos {
    static let ffmpeg = FFmpegCLI.path

    /// The directory holding long.mp4 (2 minutes, 10 fps), clip-60s.mp4 (10 s cut at 60 s),
    /// reencoded.mp4 (other CRF and resolution) and unrelated.mp4; nil if ffmpeg failed.
    static let directory: String? = {
        let dir = FFmpegCLI.temporaryDirectory("vigil-videos")
        let x264 = FFmpegCLI.x264
        let made = FFmpegCLI.run([
            FFmpegCLI.shapes(size: (320, 240), rate: 10, seconds: 120, seed: 21) + x264 + [
                "-crf", "26", "-g", "20", dir + "/long.mp4",
            ],
            ["-ss", "60", "-i", dir + "/long.mp4", "-t", "10"] + x264 + ["-crf", "23", dir + "/clip-60s.mp4"],
            ["-i", dir + "/long.mp4", "-vf", "scale=240:180"] + x264 + ["-crf", "32", dir + "/reencoded.mp4"],
            ["-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=10", "-t", "30"] + x264 + [dir + "/unrelated.mp4"],
        ])
        return made ? dir : nil
    }()

    static func hash(_ name: String) -> HashRecord {
        FileHasher(options: HashOptions()).hash(path: directory! + "/" + name)
    }
}

/// Video banks through the store: imported with `BankImport` (the code `vigil banks import` and
/// the API share), loaded into the matcher, and matched by python-threatexchange's rule.
@Suite(.enabled(if: GeneratedVideos.ffmpeg != nil, "the ffmpeg CLI is not installed"))
struct VideoBankMatching {
    /// A store with bank "videos" holding long.mp4 (imported from vpdq's text format) and a
    /// matcher over it.
    static let setup: (store: SQLiteBankStore, matcher: BankMatcher, long: HashRecord)? = {
        guard GeneratedVideos.directory != nil, let store = try? SQLiteBankStore() else { return nil }
        let long = GeneratedVideos.hash("long.mp4")
        guard let frames = long.vpdq,
            let bank = try? store.createBank(NewBank(name: "videos", category: "A1"))
        else { return nil }
        var importer = BankImport(store: store, bankID: bank.id, addedBy: "test")
        importer.videoName = "long.mp4"
        guard let outcome = try? importer.run(.vpdq, from: .bytes(Array(VPDQ.text(frames).utf8))),
            outcome.summary.added == 1, let matcher = try? store.matcher()
        else { return nil }
        return (store, matcher, long)
    }()

    static func match(_ name: String) throws -> [BankVideoMatch] {
        let (_, matcher, _) = try #require(setup)
        let record = GeneratedVideos.hash(name)
        let frames = try #require(record.vpdq)
        return matcher.matchVideo(frames, md5: record.digests?.md5)
    }

    @Test("the bank holds one 2-minute video of 120 hashed frames")
    func imported() throws {
        let (store, _, long) = try #require(Self.setup)
        let bank = try #require(try store.bank(named: "videos"))
        #expect(long.vpdq?.count == 120)
        let counts = try store.videoCounts(inBank: bank.id)
        #expect(counts.videos == 1 && counts.frames == 120)
        #expect(bank.version == 1)
    }

    @Test("a 10-second clip cut at 60 s is found at 60–69 s of the long video")
    func clip() throws {
        let match = try #require(try Self.match("clip-60s.mp4").first)
        #expect(match.bank == "videos" && match.match.id == "long.mp4" && match.match.category == nil)
        #expect(match.bankCategory == "A1")
        #expect(match.match.queryMatchPercent >= 80)
        #expect(match.match.compareMatchPercent < 20)
        #expect(match.match.matchedStart == 60 && match.match.matchedEnd == 69)
        #expect(match.match.queryStart == 0 && match.match.queryEnd == 9)
    }

    @Test("a re-encoded copy at another CRF and resolution matches, in both directions")
    func reencoded() throws {
        let match = try #require(try Self.match("reencoded.mp4").first)
        #expect(match.match.queryMatchPercent >= 80 && match.match.compareMatchPercent >= 80)
        #expect(!match.match.md5Match)
    }

    @Test("the same file matches by MD5 too")
    func sameFile() throws {
        let match = try #require(try Self.match("long.mp4").first)
        #expect(match.match.md5Match == false)  // the import carried no MD5
        #expect(match.match.queryMatchPercent == 100 && match.match.compareMatchPercent == 100)
    }

    @Test("an unrelated video does not match")
    func unrelated() throws { #expect(try Self.match("unrelated.mp4").isEmpty) }

    @Test("the policy blocks a video match like an image match from the bank")
    func policy() throws {
        let matches = try Self.match("clip-60s.mp4")
        let decision = Policy.standard.decide(matches: [], videoMatches: matches, synthetic: nil)
        #expect(decision.verdict == .block && decision.rules == ["known-abuse"])
        #expect(Policy.standard.decide(matches: [], videoMatches: [], synthetic: nil).verdict == .allow)
    }

    @Test("stricter thresholds given at match time turn the clip away")
    func thresholds() throws {
        let (_, matcher, _) = try #require(Self.setup)
        let frames = try #require(GeneratedVideos.hash("clip-60s.mp4").vpdq)
        #expect(matcher.matchVideo(frames, rule: VideoMatchRule(compareMatchPercent: 50)).isEmpty)
        #expect(matcher.matchVideo(frames, rule: VideoMatchRule(distance: 0, queryMatchPercent: 100)).isEmpty)
    }
}

/// Video import formats and export, without ffmpeg.
struct VideoBankImport {
    static func frames(_ seed: UInt8, count: Int) -> [VPDQFeature] {
        (0..<count).map { i in
            let hex = (0..<32).map { b in String(format: "%02x", UInt8(truncatingIfNeeded: Int(seed) &* 31 &+ i &* 7 &+ b &* 13))
            }
            return VPDQFeature(
                frame: i * 25, quality: 80, pdq: PDQHash(hex: hex.joined())!, timestamp: Double(i))
        }
    }

    @Test("a directory of vPDQ files and JSON lines import; bad files are reported by name and line; export reads back")
    func formats() throws {
        let store = try SQLiteBankStore()
        let bank = try store.createBank(NewBank(name: "v"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-vpdq-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try VPDQ.text(Self.frames(1, count: 5)).write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
        try VPDQ.text(Self.frames(2, count: 3)).write(toFile: dir + "/b.txt", atomically: true, encoding: .utf8)
        try "0,80,zz,0.000\n".write(toFile: dir + "/bad.txt", atomically: true, encoding: .utf8)
        var problems: [ImportProblem] = []
        let importer = BankImport(store: store, bankID: bank.id, addedBy: "t")
        let outcome = try importer.run(.vpdq, from: .path(dir)) { _ in
        } problem: {
            problems.append($0)
        }
        #expect(outcome.summary.added == 2 && outcome.problems == 1 && outcome.stopped == nil)
        #expect(problems.first?.description == "line 1: bad.txt: not a vPDQ line (frameNumber,quality,hash,timestamp)")
        let counts = try store.videoCounts(inBank: bank.id)
        #expect(counts.videos == 2 && counts.frames == 8)

        // Export as JSON lines, change one name, and import again into another bank.
        var lines: [String] = []
        try store.forEachVideo(inBank: bank.id) { v in
            lines.append(
                VideoBankFile.jsonLine(BankVideo(id: v.name, features: v.features, md5: String(repeating: "ab", count: 16))))
        }
        #expect(lines.count == 2)
        let other = try store.createBank(NewBank(name: "w"))
        let again = try BankImport(store: store, bankID: other.id, addedBy: "t").run(
            .vpdq, from: .bytes(Array((lines.joined(separator: "\n") + "\n{\"vpdq\": 3}\n").utf8)))
        #expect(again.summary.added == 2 && again.problems == 1)
        var videos: [VideoRecord] = []
        try store.forEachVideo(inBank: other.id) { videos.append($0) }
        #expect(videos.map(\.name) == ["a.txt", "b.txt"])
        #expect(videos.first?.features == Self.frames(1, count: 5))
        #expect(videos.first?.md5 == String(repeating: "ab", count: 16))

        // Re-importing replaces by name; the bank's version moves; a matcher finds the videos.
        let before = try #require(try store.bank(named: "w")).version
        let replaced = try store.applyVideos(
            [VideoChange(name: "a.txt", features: Self.frames(3, count: 2)), VideoChange(name: "gone", remove: true)],
            toBank: other.id, addedBy: "t")
        #expect(replaced.updated == 1 && replaced.missingRemovals == 1)
        #expect(try #require(try store.bank(named: "w")).version == before + 1)
        let matcher = try store.matcher(banks: ["w"])
        let found = matcher.matchVideo(Self.frames(3, count: 2))
        #expect(found.map(\.match.id) == ["a.txt"])
        #expect(throws: StoreError.self) {
            try store.applyVideos([VideoChange(name: "x", md5: "not-md5")], toBank: other.id, addedBy: "t")
        }
    }

    @Test("a video index cache reuses an unchanged bank's index and rebuilds a changed one")
    func cache() throws {
        let store = try SQLiteBankStore()
        let bank = try store.createBank(NewBank(name: "v"))
        _ = try store.applyVideos([VideoChange(name: "a", features: Self.frames(1, count: 4))], toBank: bank.id, addedBy: "t")
        let cache = VideoIndexCache()
        #expect(try store.matcher(videoCache: cache).matchVideo(Self.frames(1, count: 4)).count == 1)
        _ = try store.applyVideos([VideoChange(name: "a", remove: true)], toBank: bank.id, addedBy: "t")
        #expect(try store.matcher(videoCache: cache).matchVideo(Self.frames(1, count: 4)).isEmpty)
        #expect(try store.matcher(videoCache: cache).hasVideos == false)
    }
}
