import ArgumentParser
import Foundation
import VigilCore

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report the evidence that media is AI-generated, as a `synthetic` signal.",
        discussion: """
            Today the evidence is the open invisible watermarks of the Stable Diffusion family (see `vigil watermark`): \
            a detected known payload is strong, direct evidence ("ai-generated"); without one the verdict is "unknown". \
            C2PA content credentials, IPTC/XMP source types and generator metadata are not examined yet: their fields \
            are null.

            With --json, one object per file per line:
              {"path", "format", "c2pa": null, "xmp": null, "generator": null,
               "watermarks": [{"payload", "name", "method", "hypothesis",
                               "agreement", "length", "p_value", ...}],
               "synthetic": {"verdict", "confidence",
                             "evidence": [{"kind", "detail", "strength"}]},
               "error"}
            """)

    @OptionGroup var media: MediaOptions
    @Flag(help: "Write one JSON object per file per line.") var json = false
    @Argument(help: "Files or directories to inspect.") var paths: [String]

    func run() throws {
        let entries = FileWalker().expand(paths)
        let output = RecordPrinter(progress: Progress.onTerminal(total: entries.count))
        let json = self.json
        WatermarkBatch(options: WatermarkOptions(limits: media.limits), jobs: media.jobs).run(entries) { _, record in
            output.print(json ? record.inspectJSON.serialized : Self.plain(record), failed: record.error != nil)
        }
        output.finish()
        if output.failures > 0 { throw ExitCode(1) }
    }

    static func plain(_ record: WatermarkRecord) -> String {
        if let error = record.error { return "\(record.path): error: \(error)" }
        let signal = SyntheticSignal(watermarks: record.report)
        let lines = signal.evidence.map { "    \($0.strength) \($0.kind): \($0.detail)" }
        return "\(record.path): synthetic \(signal.verdict.rawValue)"
            + (lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n"))
    }
}
