import Foundation
import Testing
import VigilCore

/// `vigil inspect`'s synthetic signal on the watermark corpus that `scripts/test` generates with
/// the reference encoder (VIGIL_WATERMARK_CORPUS): marked files carry a generator's known payload.
enum WatermarkCorpus {
    static let directory = ProcessInfo.processInfo.environment["VIGIL_WATERMARK_CORPUS"]

    /// Files whose names say what they hold: `<source>.<payload>.<method>.png` or `<source>.clean.png`.
    static let files: [String] = {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory + "/images") else {
            return []
        }
        return names.filter { $0.hasSuffix(".clean.png") || $0.contains(".dwtDct.png") }.sorted()
    }()
}

@Test(
    "known generator watermarks make the synthetic verdict ai-generated; clean images stay unknown",
    .enabled(if: WatermarkCorpus.directory != nil, "VIGIL_WATERMARK_CORPUS is not set; scripts/test sets it"),
    arguments: WatermarkCorpus.files)
func syntheticVerdict(_ name: String) {
    let record = FileWatermarkReader(options: WatermarkOptions()).read(path: WatermarkCorpus.directory! + "/images/" + name)
    let signal = SyntheticSignal(watermarks: record.report)
    let marked = [".sd1.", ".sd2.", ".sdxl."].contains { name.contains($0) }
    if name.hasSuffix(".clean.png") {
        #expect(signal.verdict == .unknown)
        #expect(signal.evidence.isEmpty)
    } else if marked {
        #expect(signal.verdict == .aiGenerated)
        #expect(signal.evidence.first?.strength == "strong")
        #expect(signal.confidence > 0.999)
    } else {
        // Random payloads are no known generator's: no evidence either way.
        #expect(signal.verdict == .unknown)
    }
    #expect(record.inspectJSON.serialized.contains(#""c2pa":null"#))
}
