import VigilMedia
import VigilWatermark

/// What `vigil watermark` decodes for each file.
public struct WatermarkOptions: Sendable, Equatable {
    public var limits: MediaLimits
    /// The method of the raw bits reported (known payloads are always scored with their own method).
    public var method: WatermarkMethod
    /// Payload lengths whose raw bits are reported.
    public var lengths: [Int]
    public var policy: WatermarkDetectionPolicy

    public init(
        limits: MediaLimits = .default, method: WatermarkMethod = .dwtDct,
        lengths: [Int] = WatermarkDetector.knownLengths, policy: WatermarkDetectionPolicy = WatermarkDetectionPolicy()
    ) {
        self.limits = limits
        self.method = method
        self.lengths = lengths
        self.policy = policy
    }
}

/// The result of decoding watermarks from one file: the `vigil watermark --json` line.
public struct WatermarkRecord: Sendable, Equatable {
    public var path: String
    public var format: MediaFormat?
    public var method: WatermarkMethod
    public var report: WatermarkReport?
    public var error: String?

    public init(path: String, method: WatermarkMethod) {
        self.path = path
        self.method = method
    }

    /// The `vigil watermark --json` object, keys in the documented order.
    public var json: JSONValue {
        .object([
            ("path", .string(path)),
            ("format", JSONValue(format?.rawValue)),
            ("width", JSONValue(report?.width)),
            ("height", JSONValue(report?.height)),
            ("method", .string(method.rawValue)),
            ("blocks", JSONValue(report?.blockCount)),
            ("flat_chroma", report.map { .bool($0.flatChroma) } ?? .null),
            (
                "bits",
                report.map { r in
                    .array(
                        r.rawBits.map { b in
                            .object([("length", .int(b.count)), ("hex", .string(b.hex)), ("bits", .string(b.bitString))])
                        })
                } ?? .null
            ),
            ("detections", report.map { .array($0.detections.map(Self.json)) } ?? .null),
            ("error", JSONValue(error)),
        ])
    }

    static func json(_ d: WatermarkDetection) -> JSONValue {
        .object([
            ("payload", .string(d.watermark.id)), ("name", .string(d.watermark.name)),
            ("method", .string(d.watermark.method.rawValue)), ("hypothesis", .string(d.hypothesis.rawValue)),
            ("agreement", .int(d.agreement)), ("length", .int(d.length)), ("p_value", .double(d.pValue)),
            ("reference_band", JSONValue(d.referenceBand?.rawValue)), ("detected", .bool(d.detected)),
        ])
    }
}

/// Decodes watermarks from files: reads them under the byte limit, decodes the image under the
/// pixel limit, and runs `WatermarkDetector`. Never throws: failures land in the record's `error`.
/// Holds codec state: one instance per worker thread.
public final class FileWatermarkReader {
    private let decoder = ImageDecoder()
    public let options: WatermarkOptions

    public init(options: WatermarkOptions) { self.options = options }

    public func read(path: String) -> WatermarkRecord {
        var record = WatermarkRecord(path: path, method: options.method)
        do {
            read(bytes: try FileInput.read(path, maxBytes: options.limits.maxBytes), into: &record)
        } catch {
            record.error = error.message
        }
        return record
    }

    /// Decodes watermarks from media already in memory (the service's uploads).
    public func read(bytes: [UInt8], into record: inout WatermarkRecord) {
        do {
            record.format = MediaFormat.sniff(bytes)
            let decoded = try decoder.decode(bytes, options: DecodeOptions(limits: options.limits))
            defer { decoder.recycle(decoded.image) }
            read(decoded: decoded.image, into: &record)
        } catch {
            record.error = error.message
        }
    }
}

extension FileWatermarkReader {
    /// Decodes watermarks from an image another stage already decoded.
    public func read(decoded image: RGBImage, into record: inout WatermarkRecord) {
        do {
            record.report = try WatermarkDetector.analyze(
                image, rawMethod: options.method, rawLengths: options.lengths, policy: options.policy)
        } catch {
            record.error = error.message
        }
    }
}

/// Runs `FileWatermarkReader` over many files on `jobs` threads and delivers records in input order.
public struct WatermarkBatch: Sendable {
    public var options: WatermarkOptions
    public var jobs: Int

    public init(options: WatermarkOptions, jobs: Int) {
        self.options = options
        self.jobs = max(1, jobs)
    }

    /// `emit` is called once per entry, in order, never concurrently.
    public func run(_ entries: [FileWalker.Entry], emit: @escaping @Sendable (Int, WatermarkRecord) -> Void) {
        let options = self.options
        OrderedBatch(jobs: jobs).run(count: entries.count, emit: emit) {
            let reader = FileWatermarkReader(options: options)
            return { index in
                switch entries[index] {
                case .file(let path):
                    return reader.read(path: path)
                case .failure(let path, let reason):
                    var failed = WatermarkRecord(path: path, method: options.method)
                    failed.error = reason
                    return failed
                }
            }
        }
    }
}
