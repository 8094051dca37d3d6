/// Everything a file declares about its origin: C2PA content credentials, XMP/IPTC, EXIF and
/// generator metadata. Built from the file's bytes alone.
public struct ProvenanceReport: Sendable {
    public var format: EmbeddedMetadata.Format
    public var c2pa: C2PAReport
    public var xmp: XMPInfo?
    public var exif: EXIFInfo?
    public var generators: [GeneratorInfo]
    /// Problems with one part (a malformed XMP packet, say) that did not stop the rest.
    public var warnings: [String]

    /// Reads and validates what `bytes` carries; `name` names the file in errors. A `sidecar`
    /// manifest store (the `.c2pa` file beside an asset) is validated in place of an embedded one.
    /// Optional `alpha` (one byte a pixel, row-major) is searched for NovelAI's stealth metadata.
    public static func inspect(
        _ bytes: [UInt8], name: String, validator: C2PAValidator, sidecar: [UInt8]? = nil,
        alpha: (bytes: [UInt8], width: Int, height: Int)? = nil
    ) throws(ProvenanceError) -> ProvenanceReport {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ProvenanceError) in
                try inspect(raw, name: name, validator: validator, sidecar: sidecar, alpha: alpha)
            }
        }.get()
    }

    /// The same, reading the file's bytes in place (only the metadata found is copied).
    public static func inspect(
        _ bytes: UnsafeRawBufferPointer, name: String, validator: C2PAValidator, sidecar: [UInt8]? = nil,
        alpha: (bytes: [UInt8], width: Int, height: Int)? = nil
    ) throws(ProvenanceError) -> ProvenanceReport {
        let meta = try MetadataExtractor.extract(bytes, name: name)
        var warnings: [String] = []
        let c2pa = (sidecar ?? meta.c2paStore).map { validator.validate(store: $0, asset: bytes, name: name) } ?? .absent
        var xmp: XMPInfo?
        if let packet = meta.xmp {
            do { xmp = try XMPParser.parse(packet, name: name) } catch { warnings.append(error.message) }
        }
        var exif: EXIFInfo?
        if let block = meta.exif {
            do { exif = try EXIFReader.parse(block, name: name) } catch { warnings.append(error.message) }
        }
        var generators = GeneratorDetector.detect(text: meta.text, exif: exif)
        if let alpha {
            do {
                if let entries = try StealthPNGInfo.decode(
                    alpha: alpha.bytes, width: alpha.width, height: alpha.height, name: name)
                {
                    generators += GeneratorDetector.detect(text: entries, exif: nil).map {
                        GeneratorInfo(tool: $0.tool, source: "stealth:alpha", parameters: $0.parameters)
                    }
                }
            } catch { warnings.append(error.message) }
        }
        return ProvenanceReport(
            format: meta.format, c2pa: c2pa, xmp: xmp, exif: exif, generators: generators, warnings: warnings)
    }
}
