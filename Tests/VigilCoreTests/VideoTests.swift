import Foundation
import Synchronization
import Testing
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia

/// Conformance and matching on the generated video corpus. `scripts/test` builds it with
/// `scripts/oracle/make_video_corpus.py` (the `vpdq` package's answers) and sets VIGIL_VIDEO_CORPUS.
enum VideoCorpus {
    static let directory = ProcessInfo.processInfo.environment["VIGIL_VIDEO_CORPUS"]

    struct Frame: Decodable, Sendable {
        let frame: Int
        let quality: Int
        let pdq: String
        let timestamp: Double
    }

    struct Expected: Decodable, Sendable {
        let vpdq: [Frame]
        let text: String
    }

    struct Percentages: Decodable, Sendable {
        let query_match_percent: Double
        let compare_match_percent: Double
    }

    struct Matching: Decodable, Sendable {
        let vpdq: [String: [Frame]]
        let percentages: [String: [String: Percentages]]
    }

    static func decode<T: Decodable>(_ name: String) -> T? {
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }

    static let oracle: [String: Expected] = decode("oracle.json") ?? [:]
    static let matching: Matching? = decode("match.json")
    static var names: [String] { oracle.keys.sorted() }
    static var hostile: [String] {
        guard let directory else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/bad")) ?? []).sorted()
    }

    static func hash(_ path: String) -> HashRecord {
        FileHasher(options: HashOptions()).hash(path: directory! + "/" + path)
    }
}

@Suite(.enabled(if: VideoCorpus.directory != nil, "VIGIL_VIDEO_CORPUS is not set; scripts/test sets it"))
struct VPDQConformance {
    @Test("the video corpus is present")
    func corpusLoaded() {
        #expect(VideoCorpus.oracle.count >= 7)
        #expect(VideoCorpus.hostile.count >= 5)
        #expect(VideoCorpus.matching?.vpdq.count == 4)
    }

    @Test("same frames, timestamps and text as vpdq; hashes within its tolerance", arguments: VideoCorpus.names)
    func matchesReference(_ name: String) throws {
        let expected = try #require(VideoCorpus.oracle[name])
        let record = VideoCorpus.hash("videos/" + name)
        #expect(record.error == nil)
        let frames = try #require(record.vpdq)
        #expect(frames.map(\.frame) == expected.vpdq.map(\.frame))
        for (ours, theirs) in zip(frames, expected.vpdq) {
            #expect(String(format: "%.3f", ours.timestamp) == String(format: "%.3f", theirs.timestamp))
            let reference = try #require(PDQHash(hex: theirs.pdq))
            if ours.quality >= 50 && theirs.quality >= 50 { #expect(ours.pdq.distance(to: reference) < 31) }
        }
        // Frame, quality and timestamp columns of the text format are exact.
        let columns = { (text: String) in
            text.split(separator: "\n").map { line in line.split(separator: ",").enumerated().filter { $0.0 != 2 }.map(\.1) }
        }
        #expect(columns(VPDQ.text(frames)) == columns(expected.text))
    }

    @Test(
        "decoding the runs between IDR frames concurrently gives the serial decode's frames and pixels",
        arguments: VideoCorpus.names)
    func concurrentDecodeEqualsSerial(_ name: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: VideoCorpus.directory! + "/videos/" + name))
        var serial: [Int: [UInt8]] = [:]
        let serialVideo = try VideoFrames([UInt8](bytes))
        let serialCount = try serialVideo.decode(every: 7) { index, image in serial[index] = image.pixels }
        let concurrent = Mutex([Int: [UInt8]]())
        let video = try VideoFrames([UInt8](bytes))
        let count = try video.decodeConcurrently(every: 7, workers: 2) { index, image in
            concurrent.withLock { $0[index] = image.pixels }
        }
        #expect(count == serialCount)
        #expect(concurrent.withLock { $0 } == serial)
        #expect(serialVideo.concurrentRuns == 1)
        if name == "shapes-idr20-30.mp4" { #expect(video.concurrentRuns > 1) }
    }

    @Test("hostile files get a clear error and no vPDQ", arguments: VideoCorpus.hostile)
    func hostile(_ name: String) {
        let record = VideoCorpus.hash("bad/" + name)
        #expect(record.error?.isEmpty == false)
        #expect(record.vpdq == nil)
    }

    @Test("frame, duration and decode-time limits stop decoding with an error")
    func limits() throws {
        let bytes = try #require(FileManager.default.contents(atPath: VideoCorpus.directory! + "/match/long.mp4"))
        let tooMany = try VideoFrames([UInt8](bytes), videoLimits: VideoLimits(maxFrames: 100))
        #expect(throws: MediaError.self) { try tooMany.decode(every: 25) { _, _ in } }
        #expect(throws: MediaError.self) {
            try VideoFrames([UInt8](bytes), videoLimits: VideoLimits(maxDurationSeconds: 60))
        }
        let small = MediaLimits(maxPixels: 320 * 240 - 1)
        #expect(throws: MediaError.self) { try VideoFrames([UInt8](bytes), limits: small) }
    }
}

@Suite(.enabled(if: VideoCorpus.directory != nil, "VIGIL_VIDEO_CORPUS is not set; scripts/test sets it"))
struct VideoMatching {
    static let long: [VPDQFeature] = VideoCorpus.directory == nil ? [] : VideoCorpus.hash("match/long.mp4").vpdq ?? []

    static func match(_ name: String) -> [VideoMatch] {
        let index = VideoIndex([BankVideo(id: "long.mp4", features: long)])
        return index.match(VideoCorpus.hash("match/" + name).vpdq ?? [])
    }

    @Test("the 2-minute bank video hashes to 120 frames")
    func longVideo() { #expect(Self.long.count == 120) }

    @Test("percentages equal python-threatexchange's on the reference's hashes", arguments: ["clip-60s.mp4", "reencoded.mp4"])
    func percentages(_ name: String) throws {
        let expected = try #require(VideoCorpus.matching?.percentages[name]?["long.mp4"])
        let match = try #require(Self.match(name).first)
        #expect(abs(match.queryMatchPercent - expected.query_match_percent) < 0.001)
        #expect(abs(match.compareMatchPercent - expected.compare_match_percent) < 0.001)
    }

    @Test("a 10-second clip cut at 60 s is found at 60–69 s of the long video")
    func clipTimestamps() throws {
        let match = try #require(Self.match("clip-60s.mp4").first)
        #expect(match.id == "long.mp4")
        #expect(match.queryMatchPercent >= 80)
        #expect(match.matchedStart == 60 && match.matchedEnd == 69)
        #expect(match.queryStart == 0 && match.queryEnd == 9)
    }

    @Test("a re-encoded copy at another CRF and resolution matches")
    func reencoded() throws {
        let match = try #require(Self.match("reencoded.mp4").first)
        #expect(match.queryMatchPercent >= 80 && match.compareMatchPercent >= 80)
    }

    @Test("an unrelated video does not match")
    func unrelated() { #expect(Self.match("unrelated.mp4").isEmpty) }
}
