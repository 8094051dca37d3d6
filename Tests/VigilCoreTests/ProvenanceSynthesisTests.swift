import Foundation
import Testing
import VigilCore
import VigilProvenance

/// The `synthetic` signal of `vigil inspect` on the C2PA corpus that scripts/test signs with
/// c2pa-python (VIGIL_C2PA_CORPUS): each file's name says which source type it was signed with,
/// and tampered copies must be reported as tampering.
enum C2PACorpus {
    static let directory = ProcessInfo.processInfo.environment["VIGIL_C2PA_CORPUS"]
    static let files: [String] = {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory + "/files") else {
            return []
        }
        return names.filter { !$0.hasSuffix(".c2pa") }.sorted()
    }()
}

@Test(
    "signed source types decide the verdict; invalid manifests are reported as tampering",
    .enabled(if: C2PACorpus.directory != nil, "VIGIL_C2PA_CORPUS is not set; scripts/test sets it"),
    arguments: C2PACorpus.files)
func provenanceVerdict(_ name: String) throws {
    let directory = try #require(C2PACorpus.directory)
    let anchors = try TrustAnchors(pem: String(contentsOfFile: directory + "/pki/ca.pem", encoding: .utf8), name: "ca.pem")
    let options = InspectOptions(validator: C2PAValidator(anchors: anchors))
    let record = FileInspector(options: options).read(path: directory + "/files/" + name)
    #expect(record.error == nil)
    let signal = record.synthetic
    if name.hasPrefix("unsigned") {
        #expect(signal.verdict == .unknown)
        #expect(signal.evidence.isEmpty)
    } else if name.hasPrefix("tampered") || name.hasPrefix("sidecar-pixel") {
        #expect(signal.evidence.contains { $0.kind == "c2pa" && $0.strength == "strong" && $0.detail.contains("tampering") })
        // What an invalid manifest declares is weak: it never yields a confident verdict.
        #expect(signal.confidence < 0.5)
    } else {
        let expected: SyntheticSignal.Verdict =
            name.hasPrefix("sidecar")
            ? .aiGenerated
            : name.contains("-compositeWith") ? .aiEdited : name.contains("-trained") ? .aiGenerated : .cameraCapture
        #expect(signal.verdict == expected)
        #expect(signal.confidence >= 0.99)  // Trusted: chained to the test CA
        #expect(record.json.serialized.contains(#""state":"Trusted""#))
    }
}

@Test(
    "without trust anchors a valid manifest still outranks unsigned evidence, with less confidence",
    .enabled(if: C2PACorpus.directory != nil, "VIGIL_C2PA_CORPUS is not set; scripts/test sets it"))
func untrustedButValid() throws {
    let directory = try #require(C2PACorpus.directory)
    let name = try #require(C2PACorpus.files.first { $0.hasPrefix("v2-trainedAlgorithmicMedia") })
    let record = FileInspector(options: InspectOptions()).read(path: directory + "/files/" + name)
    #expect(record.provenance?.c2pa.state == .valid)
    #expect(record.synthetic.verdict == .aiGenerated)
    #expect(record.synthetic.confidence < 0.99)
    #expect(record.synthetic.confidence >= 0.9)
}
