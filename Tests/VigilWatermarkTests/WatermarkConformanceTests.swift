import Foundation
import Testing
import VigilCore
import VigilMedia
import VigilWatermark

/// Conformance against the reference decoder of invisible-watermark 0.2.0. `scripts/test` generates
/// the corpus and the reference's answers (`scripts/oracle/make_watermark_corpus.py`) and sets
/// VIGIL_WATERMARK_CORPUS.
enum WatermarkCorpus {
    static let directory = ProcessInfo.processInfo.environment["VIGIL_WATERMARK_CORPUS"]

    struct Decoding: Decodable, Sendable {
        let blocks: Int?
        let votes: String?
        let bits: [String: String]?
        let error: String?
    }

    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let width: Int
        let height: Int
        let kind: String
        let payload: String?
        let dwtDct: Decoding
        let dwtDctSvd: Decoding
        let dwtDct_swapped_bits: [String: String]?
        var testDescription: String { file }

        func decoding(_ method: WatermarkMethod) -> Decoding { method == .dwtDct ? dwtDct : dwtDctSvd }
    }

    static let entries: [Entry] = {
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/watermark.json") else { return [] }
        return (try? JSONDecoder().decode([Entry].self, from: data)) ?? []
    }()

    static func image(_ entry: Entry) throws -> RGBImage {
        let bytes = try #require(FileManager.default.contents(atPath: directory! + "/" + entry.file))
        return try ImageDecoder().decode(Array(bytes)).image
    }
}

/// Votes packed as the oracle packs them: `np.packbits` (MSB first, zero-padded), in hex.
func packedHex(_ votes: [UInt8]) -> String {
    stride(from: 0, to: votes.count, by: 8).map { start in
        var byte = 0
        for i in 0..<8 { byte = byte << 1 | (start + i < votes.count ? Int(votes[start + i]) : 0) }
        return String(format: "%02x", byte)
    }.joined()
}

@Suite(.enabled(if: WatermarkCorpus.directory != nil, "VIGIL_WATERMARK_CORPUS is not set; scripts/test sets it"))
struct WatermarkConformance {
    @Test("the watermark corpus is present and covers every kind")
    func corpusLoaded() {
        #expect(WatermarkCorpus.entries.count >= 40)
        let kinds = Set(WatermarkCorpus.entries.map(\.kind))
        #expect(kinds.isSuperset(of: ["clean", "marked", "too_small", "grey", "png16", "jpeg", "boundary"]))
    }

    @Test("per-block votes and bits are identical to the reference's", arguments: WatermarkCorpus.entries)
    func identicalToReference(_ entry: WatermarkCorpus.Entry) throws {
        let image = try WatermarkCorpus.image(entry)
        #expect(image.width == entry.width && image.height == entry.height)
        for method in WatermarkMethod.allCases {
            let expected = entry.decoding(method)
            if expected.error != nil {
                #expect(throws: WatermarkError.self) { try InvisibleWatermarkDecoder.votes(in: image, method: method) }
                continue
            }
            let votes = try InvisibleWatermarkDecoder.votes(in: image, method: method)
            #expect(votes.votes.count == expected.blocks, "\(method) block count")
            let ours = packedHex(votes.votes)
            if ours != expected.votes {
                let differing = zip(Array(ours), Array(expected.votes ?? "")).filter { $0 != $1 }.count
                Issue.record("\(method): votes differ from the reference's in \(differing) hex digits")
            }
            for (length, bits) in expected.bits ?? [:] {
                #expect(try votes.bits(length: Int(length)!).bitString == bits, "\(method) bits of length \(length)")
            }
        }
    }

    @Test(
        "the CLI's per-file reader returns the reference's bits",
        arguments: WatermarkCorpus.entries.filter { $0.dwtDct.error == nil })
    func fileReader(_ entry: WatermarkCorpus.Entry) throws {
        for method in WatermarkMethod.allCases {
            let lengths = try #require(entry.decoding(method).bits).keys.map { Int($0)! }.sorted()
            let reader = FileWatermarkReader(options: WatermarkOptions(method: method, lengths: lengths))
            let record = reader.read(path: WatermarkCorpus.directory! + "/" + entry.file)
            let report = try #require(record.report)
            #expect(report.rawBits.map(\.bitString) == lengths.map { entry.decoding(method).bits![String($0)]! })
        }
    }

    @Test(
        "detections equal the best agreement of the reference's bits over the four hypotheses",
        arguments: WatermarkCorpus.entries.filter { $0.dwtDct.error == nil })
    func detections(_ entry: WatermarkCorpus.Entry) throws {
        let report = try WatermarkDetector.detect(in: WatermarkCorpus.image(entry))
        let asDecoded = try #require(entry.dwtDct.bits), swapped = try #require(entry.dwtDct_swapped_bits)
        for detection in report {
            let payload = detection.watermark.payload.bitString
            let n = payload.count
            func agree(_ bits: String) -> Int { zip(bits, payload).filter { $0 == $1 }.count }
            let a = agree(asDecoded[String(n)]!), s = agree(swapped[String(n)]!)
            #expect(detection.agreement == max(a, n - a, s, n - s))
            // Marked with this very payload by dwtDct, losslessly: it must be found.
            if entry.kind == "marked", entry.payload == payload, entry.file.contains(".dwtDct.") {
                #expect(detection.detected, "\(detection.watermark.id): \(detection.agreement)/\(n)")
            }
            if entry.kind == "clean" || entry.kind == "grey" { #expect(!detection.detected) }
        }
    }
}
