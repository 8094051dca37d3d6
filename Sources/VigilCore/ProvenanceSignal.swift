import Foundation
import VigilMedia
import VigilProvenance
import VigilWatermark

extension SyntheticSignal {
    static let sourceTypePrefix = "http://cv.iptc.org/newscodes/digitalsourcetype/"

    /// What an IPTC digital source type says about origin, if anything.
    static func verdict(sourceType uri: String) -> Verdict? {
        let name = uri.hasPrefix(sourceTypePrefix) ? String(uri.dropFirst(sourceTypePrefix.count)) : uri
        switch name {
        case "trainedAlgorithmicMedia", "algorithmicMedia": return .aiGenerated
        case "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic": return .aiEdited
        case "digitalCapture", "computationalCapture", "negativeFilm", "positiveFilm", "print", "minorHumanEdits":
            return .cameraCapture
        default: return nil
        }
    }

    /// Combines every kind of evidence. Ranked: a valid C2PA manifest (Trusted above Valid), then a
    /// detected generator watermark, then generator metadata and IPTC/XMP source types (unsigned),
    /// then weak hints (EXIF Software, XMP CreatorTool). The verdict is the top-ranked evidence's;
    /// an Invalid manifest is reported as strong evidence of tampering, its declarations as weak.
    public init(watermarks report: WatermarkReport?, provenance: ProvenanceReport?) {
        self.init(watermarks: report)
        // (rank, verdict, confidence): a detected watermark ranks below a valid manifest, above metadata.
        var ranked: [(rank: Double, verdict: Verdict, confidence: Double)] = []
        if verdict != .unknown { ranked.append((0.85, verdict, confidence)) }
        guard let provenance else { return }
        let c2pa = provenance.c2pa
        switch c2pa.state {
        case .absent: break
        case .valid, .trusted:
            let trusted = c2pa.state == .trusted
            let signer = c2pa.signer.map { " signed by \($0)" } ?? ""
            for uri in c2pa.digitalSourceTypes {
                guard let v = Self.verdict(sourceType: uri) else { continue }
                evidence.append(
                    Evidence(
                        kind: "c2pa",
                        detail: "\(c2pa.state.rawValue) C2PA manifest\(signer) declares digitalSourceType \(uri)",
                        strength: "strong"))
                ranked.append((trusted ? 0.99 : 0.9, v, trusted ? 0.99 : 0.9))
            }
            if c2pa.digitalSourceTypes.isEmpty {
                evidence.append(
                    Evidence(
                        kind: "c2pa", detail: "\(c2pa.state.rawValue) C2PA manifest\(signer) without a digitalSourceType",
                        strength: "weak"))
            }
        case .invalid:
            let why = c2pa.storeError != nil ? "an unreadable manifest store" : c2pa.failureCodes.joined(separator: ", ")
            evidence.append(
                Evidence(kind: "c2pa", detail: "Invalid C2PA manifest (evidence of tampering): \(why)", strength: "strong"))
            for uri in c2pa.digitalSourceTypes {
                guard let v = Self.verdict(sourceType: uri) else { continue }
                evidence.append(
                    Evidence(kind: "c2pa", detail: "the invalid manifest declares digitalSourceType \(uri)", strength: "weak"))
                ranked.append((0.4, v, 0.4))
            }
        }
        for generator in provenance.generators {
            evidence.append(
                Evidence(
                    kind: "generator", detail: "\(generator.tool) generation parameters (\(generator.source))",
                    strength: "moderate"))
            ranked.append((0.8, .aiGenerated, 0.8))
        }
        for uri in provenance.xmp?.digitalSourceTypes ?? [] {
            guard let v = Self.verdict(sourceType: uri) else { continue }
            evidence.append(Evidence(kind: "xmp", detail: "IPTC DigitalSourceType \(uri) (unsigned)", strength: "moderate"))
            ranked.append((0.7, v, 0.7))
        }
        let hints = [provenance.exif?.software, provenance.xmp?.creatorTool].compactMap { $0 }
        for hint in hints where Self.generatorNames.contains(where: { hint.localizedCaseInsensitiveContains($0) }) {
            evidence.append(Evidence(kind: "software", detail: "software field names a generator: \(hint)", strength: "weak"))
            ranked.append((0.3, .aiGenerated, 0.3))
        }
        if let best = ranked.max(by: { $0.rank < $1.rank }) {
            verdict = best.verdict
            confidence = best.confidence
        }
    }

    static let generatorNames = [
        "Stable Diffusion", "NovelAI", "Midjourney", "DALL-E", "DALL·E", "Firefly", "ComfyUI", "InvokeAI", "Imagen",
        "AUTOMATIC1111",
    ]
}

extension ProvenanceReport {
    /// The `c2pa`, `xmp` and `generator` members of a `vigil inspect --json` object.
    public var c2paJSON: JSONValue {
        if c2pa.state == .absent { return .object([("state", .string("absent"))]) }
        return .object([
            ("state", .string(c2pa.state.rawValue)),
            ("failure_codes", .array(c2pa.failureCodes.map { .string($0) })),
            ("digital_source_types", .array(c2pa.digitalSourceTypes.map { .string($0) })),
            ("claim_generator", JSONValue(c2pa.claimGenerator)), ("signer", JSONValue(c2pa.signer)),
            ("issuer", JSONValue(c2pa.issuer)), ("signing_time", JSONValue(c2pa.signingTime)),
            (
                "manifests",
                .array(
                    c2pa.manifests.map { m in
                        .object([
                            ("label", .string(m.label)), ("claim_version", .int(m.claimVersion)),
                            ("claim_generator", JSONValue(m.claimGenerator)), ("title", JSONValue(m.title)),
                            (
                                "ingredients",
                                .array(
                                    m.ingredients.map {
                                        .object([
                                            ("title", JSONValue($0.title)), ("relationship", JSONValue($0.relationship)),
                                            ("format", JSONValue($0.format)), ("manifest", JSONValue($0.manifest)),
                                            ("failure_codes", .array($0.failureCodes.map { .string($0) })),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            ("store_error", JSONValue(c2pa.storeError)),
        ])
    }

    public var xmpJSON: JSONValue {
        guard xmp != nil || exif != nil else { return .null }
        return .object([
            ("digital_source_types", .array((xmp?.digitalSourceTypes ?? []).map { .string($0) })),
            ("creator_tool", JSONValue(xmp?.creatorTool)),
            (
                "exif",
                exif.map { e in
                    .object([
                        ("software", JSONValue(e.software)), ("make", JSONValue(e.make)), ("model", JSONValue(e.model)),
                        ("user_comment", JSONValue(e.userComment)),
                    ])
                } ?? .null
            ),
        ])
    }

    public var generatorJSON: JSONValue {
        guard !generators.isEmpty else { return .null }
        return .array(
            generators.map { g in
                .object([
                    ("tool", .string(g.tool)), ("source", .string(g.source)),
                    ("parameters", .object(g.parameters.keys.sorted().map { ($0, .string(g.parameters[$0]!)) })),
                ])
            })
    }
}

/// What `vigil inspect` examines in each file.
public struct InspectOptions: Sendable {
    public var watermarks: WatermarkOptions
    public var validator: C2PAValidator
    /// Whether to decode pixels for the invisible-watermark detector; without it only the file's
    /// declared provenance (C2PA, XMP, EXIF, generator metadata) is read.
    public var readWatermarks: Bool

    public init(
        watermarks: WatermarkOptions = WatermarkOptions(), validator: C2PAValidator = C2PAValidator(),
        readWatermarks: Bool = true
    ) {
        self.watermarks = watermarks
        self.validator = validator
        self.readWatermarks = readWatermarks
    }
}

/// One `vigil inspect` result: watermarks and provenance of one file.
public struct InspectRecord: Sendable {
    public var watermark: WatermarkRecord
    public var provenance: ProvenanceReport?
    public var error: String?

    public var path: String { watermark.path }

    public var synthetic: SyntheticSignal {
        SyntheticSignal(watermarks: watermark.report, provenance: provenance)
    }

    /// The `vigil inspect --json` object.
    public var json: JSONValue {
        let format = provenance?.format.rawValue ?? watermark.format?.rawValue
        return .object([
            ("path", .string(path)), ("format", JSONValue(format)),
            ("c2pa", provenance?.c2paJSON ?? .null), ("xmp", provenance?.xmpJSON ?? .null),
            ("generator", provenance?.generatorJSON ?? .null),
            ("watermarks", watermark.report.map { .array($0.detected.map(WatermarkRecord.json)) } ?? .null),
            ("synthetic", error == nil ? synthetic.json : .null),
            ("error", JSONValue(error)),
        ])
    }
}

/// Reads each file once and runs the watermark detector and the provenance reader on its bytes.
/// Holds codec state: one instance per worker thread.
public final class FileInspector {
    private let watermarks: FileWatermarkReader
    public let options: InspectOptions

    public init(options: InspectOptions) {
        self.options = options
        watermarks = FileWatermarkReader(options: options.watermarks)
    }

    public func read(path: String) -> InspectRecord {
        var record = InspectRecord(watermark: WatermarkRecord(path: path, method: options.watermarks.method))
        do {
            let bytes = try FileInput.read(path, maxBytes: options.watermarks.limits.maxBytes)
            inspect(
                bytes: bytes, sidecar: try Self.sidecar(of: path, maxBytes: options.watermarks.limits.maxBytes), into: &record)
        } catch {
            record.error = (error as? CoreError)?.message ?? "\(error)"
        }
        return record
    }

    /// Inspects media already in memory. A file the image decoder cannot read (a BMFF video, a
    /// sidecar store) still gets its provenance; the error is reported only when neither part works.
    public func inspect(bytes: [UInt8], sidecar: [UInt8]? = nil, into record: inout InspectRecord) {
        if options.readWatermarks {
            watermarks.read(bytes: bytes, into: &record.watermark)
        } else {
            record.watermark.format = MediaFormat.sniff(bytes)
        }
        do {
            record.provenance = try ProvenanceReport.inspect(
                bytes, name: record.path, validator: options.validator, sidecar: sidecar)
        } catch {
            if !options.readWatermarks || record.watermark.error != nil { record.error = error.message }
        }
        if record.provenance == nil, let error = record.watermark.error { record.error = error }
    }
}

extension FileInspector {
    /// The C2PA sidecar of an asset: `<path without extension>.c2pa`, when it exists (and the
    /// asset is not itself a `.c2pa` file).
    static func sidecar(of path: String, maxBytes: Int) throws -> [UInt8]? {
        let url = URL(fileURLWithPath: path)
        guard url.pathExtension.lowercased() != "c2pa" else { return nil }
        let candidate = url.deletingPathExtension().appendingPathExtension("c2pa").path
        guard FileManager.default.fileExists(atPath: candidate) else { return nil }
        return try FileInput.read(candidate, maxBytes: maxBytes)
    }
}

/// Runs `FileInspector` over many files on `jobs` threads and delivers records in input order.
public struct InspectBatch: Sendable {
    public var options: InspectOptions
    public var jobs: Int

    public init(options: InspectOptions, jobs: Int) {
        self.options = options
        self.jobs = max(1, jobs)
    }

    /// `emit` is called once per entry, in order, never concurrently.
    public func run(_ entries: [FileWalker.Entry], emit: @escaping @Sendable (Int, InspectRecord) -> Void) {
        let options = self.options
        OrderedBatch(jobs: jobs).run(count: entries.count, emit: emit) {
            let inspector = FileInspector(options: options)
            return { index in
                switch entries[index] {
                case .file(let path):
                    return inspector.read(path: path)
                case .failure(let path, let reason):
                    var failed = InspectRecord(watermark: WatermarkRecord(path: path, method: options.watermarks.method))
                    failed.error = reason
                    return failed
                }
            }
        }
    }
}
