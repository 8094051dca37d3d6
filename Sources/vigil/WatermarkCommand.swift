import ArgumentParser
import Foundation
import VigilCore
import VigilWatermark

extension WatermarkMethod: ExpressibleByArgument {}

struct WatermarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watermark",
        abstract: "Decode the open invisible watermarks (invisible-watermark dwtDct/dwtDctSvd, the Stable Diffusion family).",
        discussion: """
            Prints the raw decoded bits (as the reference decoder of invisible-watermark 0.2.0 returns them, \
            bit-identical) and tests the known payloads: Stable Diffusion 1.x ("StableDiffusionV1", 136 bits), \
            2.x ("SDV2", 32 bits) and SDXL / Stable Video Diffusion (0xB3EC907BB19E, 48 bits), each under four \
            hypotheses (as decoded, complement, red/blue swapped, both). A payload is detected when the \
            one-sided binomial p-value of its best agreement is below --max-p-value. The reference decoder \
            refuses images of fewer than 256×256 pixels; so does this command. Grey images have a constant \
            chroma plane and decode to constant bits ("flat_chroma": true).

            With --json, one object per file per line:
              {"path", "format", "width", "height", "method", "blocks", "flat_chroma",
               "bits": [{"length", "hex", "bits"}],
               "detections": [{"payload", "name", "method", "hypothesis", "agreement",
                               "length", "p_value", "reference_band", "detected"}],
               "error"}
            A file that fails gets "error": "<reason>"; the others are still processed. The exit status is \
            1 if any file failed.
            """
    )

    @Option(help: "Method of the raw bits printed (known payloads are always scored with dwtDct, their method).")
    var method: WatermarkMethod = .dwtDct

    @Option(
        name: .customLong("length"),
        help: "Payload length in bits of the raw bits printed (repeatable; default: 32, 48 and 136, the known payloads' lengths)."
    )
    var lengths: [Int] = []

    @Option(help: "Detection threshold: the largest binomial p-value that counts as a detection.")
    var maxPValue = WatermarkDetectionPolicy.defaultMaxPValue

    @Flag(help: "Write one JSON object per file per line.")
    var json = false

    @OptionGroup var media: MediaOptions

    @Argument(help: "Files or directories to decode.")
    var paths: [String]

    func validate() throws {
        for length in lengths where !(1...BlockVotes.maxLength).contains(length) {
            throw ValidationError("--length must be between 1 and \(BlockVotes.maxLength)")
        }
        guard maxPValue > 0, maxPValue <= 1 else { throw ValidationError("--max-p-value must be in (0, 1]") }
    }

    func run() throws {
        let options = WatermarkOptions(
            limits: media.limits, method: method, lengths: lengths.isEmpty ? WatermarkDetector.knownLengths : lengths,
            policy: WatermarkDetectionPolicy(maxPValue: maxPValue))
        let entries = FileWalker().expand(paths)
        let output = RecordPrinter(progress: Progress.onTerminal(total: entries.count))
        let json = self.json
        WatermarkBatch(options: options, jobs: media.jobs).run(entries) { _, record in
            output.print(json ? record.json.serialized : Self.plain(record), failed: record.error != nil)
        }
        output.finish()
        if output.failures > 0 { throw ExitCode(1) }
    }

    static func plain(_ record: WatermarkRecord) -> String {
        if let error = record.error { return "\(record.path): error: \(error)" }
        guard let report = record.report else { return "\(record.path): error: no result" }
        var lines = [
            "\(record.path): \(report.width)x\(report.height), \(report.blockCount) blocks"
                + (report.flatChroma ? " (flat chroma: grey image, bits carry no information)" : "")
        ]
        for bits in report.rawBits {
            lines.append("    \(record.method.rawValue) \(bits.count) bits: \(bits.hex)  \(bits.bitString)")
        }
        for d in report.detections where d.detected {
            lines.append(
                "    DETECTED \(d.watermark.name) (\(d.watermark.id)): \(d.agreement)/\(d.length) bits agree"
                    + " (\(d.hypothesis.rawValue)), p = \(pValueText(d.pValue))"
                    + (d.referenceBand.map { ", reference band \($0.rawValue)" } ?? ""))
        }
        if report.detected.isEmpty {
            let best = report.detections.min { $0.pValue < $1.pValue }
            lines.append(
                "    no known watermark"
                    + (best.map { " (closest: \($0.watermark.id) \($0.agreement)/\($0.length), p = \(pValueText($0.pValue)))" }
                        ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    static func pValueText(_ p: Double) -> String { String(format: p < 0.001 ? "%.2e" : "%.3f", p) }
}
