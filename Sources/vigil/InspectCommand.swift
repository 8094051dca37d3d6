import ArgumentParser
import Foundation
import VigilCore
import VigilProvenance

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report the evidence that media is AI-generated, as a `synthetic` signal.",
        discussion: """
            The evidence: C2PA content credentials (JPEG, PNG, WebP, HEIF/MP4 and sidecar .c2pa stores; claims v1 \
            and v2; COSE signature, hashed assertion URIs, the c2pa.hash.data binding, and the signer's chain to \
            --trust-anchors), IPTC DigitalSourceType in XMP, EXIF Software/Make/Model/UserComment, the generation \
            parameters AUTOMATIC1111/Forge, ComfyUI, InvokeAI and NovelAI write, and the open invisible watermarks \
            of the Stable Diffusion family (see `vigil watermark`).

            c2pa.state is c2pa-rs's validation state: absent, Valid (signature and bindings check out, signer not \
            trusted), Trusted (also chained to an anchor) or Invalid (with c2pa-rs's failure codes). A valid \
            manifest's digitalSourceType outranks unsigned metadata; an Invalid manifest is itself reported as \
            evidence of tampering. In HEIF/MP4 the c2pa.hash.bmff v2/v3 binding is verified (its file-level \
            hash; Merkle maps of fragmented media are not). Ingredients are listed with the label of their own \
            manifest and the failure codes their signer recorded. --no-watermarks skips pixel decoding.

            With --json, one object per file per line:
              {"path", "format",
               "c2pa": {"state", "failure_codes", "digital_source_types", "claim_generator", "signer",
                        "issuer", "signing_time", "manifests": [{"label", "claim_version", "claim_generator",
                        "title", "ingredients": [{"title", "relationship", "format", "manifest",
                        "failure_codes"}]}], "store_error"},
               "xmp": {"digital_source_types", "creator_tool", "exif": {"software", "make", "model",
                       "user_comment"}},
               "generator": [{"tool", "source", "parameters": {...}}],
               "watermarks": [{"payload", "name", "method", "hypothesis", "agreement", "length", "p_value", ...}],
               "synthetic": {"verdict": "ai-generated|ai-edited|camera-capture|unknown", "confidence",
                             "evidence": [{"kind", "detail", "strength"}]},
               "error"}
            """)

    @OptionGroup var media: MediaOptions
    @Flag(help: "Write one JSON object per file per line.") var json = false
    @Option(help: "PEM bundle of CA certificates a C2PA signer must chain to for the Trusted state.")
    var trustAnchors: String?
    @Flag(help: "Skip the invisible-watermark detector (no pixel decoding): declared provenance only.")
    var noWatermarks = false
    @Argument(help: "Files or directories to inspect.") var paths: [String]

    func run() throws {
        var validator = C2PAValidator()
        if let trustAnchors {
            guard let pem = try? String(contentsOfFile: trustAnchors, encoding: .utf8) else {
                throw ValidationError("\(trustAnchors): cannot read the trust anchors")
            }
            do {
                validator.anchors = try TrustAnchors(pem: pem, name: trustAnchors)
            } catch {
                throw ValidationError(error.message)
            }
        }
        let entries = FileWalker().expand(paths)
        let output = RecordPrinter(progress: Progress.onTerminal(total: entries.count))
        let json = self.json
        let options = InspectOptions(
            watermarks: WatermarkOptions(limits: media.limits), validator: validator, readWatermarks: !noWatermarks)
        InspectBatch(options: options, jobs: media.jobs).run(entries) { _, record in
            output.print(json ? record.json.serialized : Self.plain(record), failed: record.error != nil)
        }
        output.finish()
        if output.failures > 0 { throw ExitCode(1) }
    }

    static func plain(_ record: InspectRecord) -> String {
        if let error = record.error { return "\(record.path): error: \(error)" }
        let signal = record.synthetic
        var head = "\(record.path): synthetic \(signal.verdict.rawValue)"
        if let c2pa = record.provenance?.c2pa, c2pa.state != .absent { head += ", C2PA \(c2pa.state.rawValue)" }
        let lines = signal.evidence.map { "    \($0.strength) \($0.kind): \($0.detail)" }
        return head + (lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n"))
    }
}
