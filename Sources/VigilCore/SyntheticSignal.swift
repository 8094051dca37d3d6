import Foundation
import VigilMedia
import VigilWatermark

/// The `synthetic` signal: one verdict on whether media was AI-generated, with its evidence.
/// Today its evidence is the open invisible watermarks; C2PA content credentials, IPTC/XMP source
/// types and generator metadata join it with issue 5 (signed evidence will outrank unsigned).
public struct SyntheticSignal: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        case aiGenerated = "ai-generated"
        case aiEdited = "ai-edited"
        case cameraCapture = "camera-capture"
        case unknown
    }

    public struct Evidence: Sendable, Equatable {
        public var kind: String
        public var detail: String
        /// `strong` (direct evidence of generation), `moderate` or `weak` (hints).
        public var strength: String
    }

    public var verdict: Verdict
    /// 0…1.
    public var confidence: Double
    public var evidence: [Evidence]

    /// Builds the signal from a watermark report: a detected known payload of a generative model's
    /// watermark is strong, direct evidence; its confidence is 1 − p (the chance an unmarked image
    /// agrees so well).
    public init(watermarks report: WatermarkReport?) {
        let detected = report?.detected ?? []
        evidence = detected.map { d in
            Evidence(
                kind: "watermark",
                detail:
                    "\(d.watermark.name) invisible watermark (\(d.watermark.method.rawValue)): \(d.agreement)/\(d.length) bits "
                    + "agree, p = \(String(format: "%.2g", d.pValue)), \(d.hypothesis.rawValue)",
                strength: "strong")
        }
        if let best = detected.min(by: { $0.pValue < $1.pValue }) {
            verdict = .aiGenerated
            confidence = max(0, min(1, 1 - best.pValue))
        } else {
            verdict = .unknown
            confidence = 0
        }
    }

    public var json: JSONValue {
        .object([
            ("verdict", .string(verdict.rawValue)), ("confidence", .double(confidence)),
            (
                "evidence",
                .array(
                    evidence.map {
                        .object([("kind", .string($0.kind)), ("detail", .string($0.detail)), ("strength", .string($0.strength))])
                    })
            ),
        ])
    }
}

extension WatermarkRecord {
    /// The `vigil inspect --json` line built from this record.
    public var inspectJSON: JSONValue {
        .object([
            ("path", .string(path)), ("format", JSONValue(format?.rawValue)),
            // Not examined until issue 5 lands; null rather than a guess.
            ("c2pa", .null), ("xmp", .null), ("generator", .null),
            ("watermarks", report.map { .array($0.detected.map(Self.json)) } ?? .null),
            ("synthetic", error == nil ? SyntheticSignal(watermarks: report).json : .null),
            ("error", JSONValue(error)),
        ])
    }
}
