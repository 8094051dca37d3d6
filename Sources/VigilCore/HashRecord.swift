import VigilHashing
import VigilMedia

/// The result of hashing one file: the `vigil hash --json` line.
public struct HashRecord: Sendable, Equatable {
    public var path: String
    public var format: MediaFormat?
    public var width: Int?
    public var height: Int?
    public var digests: FileDigests?
    public var pdq: PDQResult?
    public var dihedral: [PDQHash]?
    /// The DCT scaling denominator of a `--fast` JPEG decode (1 = full resolution).
    public var decodeScale: Int?
    /// vPDQ of a video (or an animated GIF): one PDQ per sampled frame.
    public var vpdq: [VPDQFeature]?
    /// How many frames the video decoder returned.
    public var videoFrameCount: Int?
    public var error: String?
    /// The failing module's error code (`MediaError.Code` or `CoreError.Code` raw value).
    public var errorCode: String?

    public init(path: String) { self.path = path }

    /// The `vigil hash --json` object, keys in the documented order.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("path", .string(path)),
            ("format", JSONValue(format?.rawValue)),
            ("width", JSONValue(width)),
            ("height", JSONValue(height)),
            ("md5", JSONValue(digests?.md5)),
            ("sha1", JSONValue(digests?.sha1)),
            ("sha256", JSONValue(digests?.sha256)),
            ("pdq", JSONValue(pdq?.hash.hex)),
            ("quality", JSONValue(pdq?.quality)),
        ]
        if let dihedral { members.append(("pdq_dihedral", .array(dihedral.map { .string($0.hex) }))) }
        if let decodeScale { members.append(("decode_scale", .int(decodeScale))) }
        if let vpdq { members.append(("vpdq", .array(vpdq.map(\.json)))) }
        members.append(("error", JSONValue(error)))
        return .object(members)
    }
}

extension VPDQFeature {
    /// `{"frame", "quality", "pdq", "timestamp"}`, the timestamp in seconds rounded to milliseconds.
    public var json: JSONValue {
        .object([
            ("frame", .int(frame)), ("quality", .int(quality)), ("pdq", .string(pdq.hex)),
            ("timestamp", .double((timestamp * 1000).rounded() / 1000)),
        ])
    }
}
