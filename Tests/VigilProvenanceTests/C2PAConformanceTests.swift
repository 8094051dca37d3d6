import Foundation
import Testing
import VigilProvenance

/// Vigil's C2PA validation against c2pa-rs (through c2pa-python) on the corpus that
/// scripts/oracle/make_c2pa_corpus.py signs and tampers with a throw-away test CA.
/// Runs when VIGIL_C2PA_CORPUS names that corpus (scripts/test sets it).
@Suite struct C2PAConformanceTests {
    struct Expectation: Decodable {
        var state: String
        var failure_codes: [String]
        var error: String?
        var ingredients: [IngredientExpectation]?
    }

    struct IngredientExpectation: Decodable, Equatable {
        var title: String?
        var format: String?
        var relationship: String?
        var active_manifest: String?
        var failure_codes: [String]
    }

    static let corpus = ProcessInfo.processInfo.environment["VIGIL_C2PA_CORPUS"].map { URL(fileURLWithPath: $0) }

    static func oracle() throws -> [String: [String: Expectation]] {
        guard let corpus else { return [:] }
        struct File: Decodable { var files: [String: [String: Expectation]] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: corpus.appendingPathComponent("c2pa.json"))).files
    }

    @Test(.enabled(if: corpus != nil)) func everyFileMatchesTheReference() throws {
        let corpus = try #require(Self.corpus)
        let expected = try Self.oracle()
        #expect(expected.count >= 40)
        let pki = corpus.appendingPathComponent("pki")
        let anchors: [String: TrustAnchors?] = [
            "none": nil,
            "ca": try TrustAnchors(
                pem: String(contentsOf: pki.appendingPathComponent("ca.pem"), encoding: .utf8), name: "ca.pem"),
            "wrong": try TrustAnchors(
                pem: String(contentsOf: pki.appendingPathComponent("wrongca.pem"), encoding: .utf8), name: "wrongca.pem"),
        ]
        var compared = 0
        var withIngredients = 0
        for (name, settings) in expected.sorted(by: { $0.key < $1.key }) {
            let file = corpus.appendingPathComponent("files").appendingPathComponent(name)
            let bytes = try [UInt8](Data(contentsOf: file))
            let sidecar = try? [UInt8](Data(contentsOf: file.deletingPathExtension().appendingPathExtension("c2pa")))
            for (key, want) in settings {
                let validator = C2PAValidator(anchors: anchors[key] ?? nil)
                let report = try ProvenanceReport.inspect(bytes, name: name, validator: validator, sidecar: sidecar).c2pa
                if want.state == "error" {
                    // c2pa-rs refuses a store it cannot parse; Vigil reports it Invalid with the reason.
                    #expect(report.storeError != nil && report.state == .invalid, "\(name) [\(key)]")
                } else {
                    #expect(report.state.rawValue == want.state, "\(name) [\(key)]")
                    #expect(report.failureCodes == want.failure_codes.sorted(), "\(name) [\(key)]")
                    if let ingredients = want.ingredients {
                        let got = (report.manifests.last?.ingredients ?? []).map {
                            IngredientExpectation(
                                title: $0.title, format: $0.format, relationship: $0.relationship,
                                active_manifest: $0.manifest, failure_codes: $0.failureCodes)
                        }
                        #expect(got == ingredients, "\(name) [\(key)]")
                        withIngredients += 1
                    }
                }
                compared += 1
            }
        }
        #expect(compared >= 120)
        // The corpus signs one JPEG with ingredients; BMFF (HEIC, MP4) files are in it too.
        #expect(withIngredients >= 3)
        #expect(expected.keys.contains { $0.hasSuffix(".heic") } && expected.keys.contains { $0.hasSuffix(".mp4") })
    }

    @Test(.enabled(if: corpus != nil)) func digitalSourceTypeComesFromTheSignedActions() throws {
        let corpus = try #require(Self.corpus)
        for name in try Self.oracle().keys where name.hasPrefix("v") {
            let bytes = try [UInt8](Data(contentsOf: corpus.appendingPathComponent("files").appendingPathComponent(name)))
            let report = try ProvenanceReport.inspect(bytes, name: name, validator: C2PAValidator()).c2pa
            // The corpus names each file after the source type it signed.
            let type = name.split(separator: "-")[1]
            #expect(report.digitalSourceTypes == ["http://cv.iptc.org/newscodes/digitalsourcetype/\(type)"], "\(name)")
            // c2pa-rs lowercases a v1 claim_generator string when it writes it.
            #expect(report.claimGenerator?.lowercased().hasPrefix("vigilcorpusgen") == true, "\(name)")
            #expect(report.signer?.contains("Vigil Test Signer") == true, "\(name)")
        }
    }
}
