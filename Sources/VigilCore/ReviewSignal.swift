import VigilProvenance
import VigilWatermark

/// The `provenance` review signal: the structured C2PA, XMP/EXIF, generator-metadata and
/// watermark evidence a reviewer reads beside the media (the `synthetic` signal sums it up).
public enum ProvenanceReviewSignal {
    /// The signal, or nil when the media carries none of that evidence.
    public static func json(watermarks report: WatermarkReport?, provenance: ProvenanceReport?) -> JSONValue? {
        let detected = report?.detected ?? []
        let c2pa = provenance.map { $0.c2pa.state != .absent } ?? false
        let xmp = provenance?.xmpJSON ?? .null
        let generator = provenance?.generatorJSON ?? .null
        guard c2pa || xmp != .null || generator != .null || !detected.isEmpty else { return nil }
        return .object([
            ("type", .string("provenance")), ("c2pa", c2pa ? provenance!.c2paJSON : .null), ("xmp", xmp),
            ("generator", generator), ("watermarks", .array(detected.map(WatermarkRecord.json))),
        ])
    }
}
