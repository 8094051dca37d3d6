import Dispatch
import VigilHashing
import VigilMedia

/// What `vigil hash` computes for each file.
public struct HashOptions: Sendable, Equatable {
    public var limits: MediaLimits
    /// Also compute the eight dihedral PDQ variants.
    public var dihedral: Bool
    /// Decode JPEGs DCT-scaled so the shorter side stays at least this long; nil is exact mode.
    public var fastShortSide: Int?

    /// The shorter side kept by `--fast`: large enough that the 64×64 PDQ grid still averages
    /// several source pixels per cell (drift is measured in BENCHMARKS.md).
    public static let defaultFastShortSide = 512

    public init(limits: MediaLimits = .default, dihedral: Bool = false, fastShortSide: Int? = nil) {
        self.limits = limits
        self.dihedral = dihedral
        self.fastShortSide = fastShortSide
    }
}

/// Hashes files: reads them under the byte limit, digests the bytes, sniffs and decodes the
/// image under the pixel limit, and computes PDQ. Never throws: failures land in the record's
/// `error`, with whatever was computed before the failure (digests of undecodable files are
/// still reported). Holds codec state and scratch buffers: one instance per worker thread.
public final class FileHasher {
    private let decoder = ImageDecoder()
    private let pdq = PDQHasher()
    public let options: HashOptions

    public init(options: HashOptions) { self.options = options }

    public func hash(path: String) -> HashRecord {
        var record = HashRecord(path: path)
        let bytes: [UInt8]
        do {
            bytes = try FileInput.read(path, maxBytes: options.limits.maxBytes)
        } catch {
            record.error = error.message
            record.errorCode = error.code.rawValue
            return record
        }
        hash(bytes: bytes, into: &record)
        return record
    }

    /// Hashes in-memory bytes into `record` (its path is left as given). `fullImage`, when given,
    /// also sees the decoded image if it was decoded at full resolution (so other readers need
    /// not decode again); returns whether it did.
    @discardableResult
    public func hash(bytes: [UInt8], into record: inout HashRecord, fullImage: ((RGBImage) -> Void)? = nil) -> Bool {
        var sawFullImage = false
        record.format = MediaFormat.sniff(bytes)
        // Digests run beside decoding and PDQ: they only read the bytes.
        let digestBox = DigestBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { digestBox.value = FileDigests(of: bytes) }
        defer {
            group.wait()
            record.digests = digestBox.value
        }
        do {
            let decodeOptions = DecodeOptions(limits: options.limits, reducedShortSide: options.fastShortSide)
            let decoded = try decoder.decode(bytes, options: decodeOptions)
            record.format = decoded.format
            record.width = decoded.sourceWidth
            record.height = decoded.sourceHeight
            if options.fastShortSide != nil { record.decodeScale = decoded.scaleDenominator }
            if options.dihedral {
                let (hashes, quality) = pdq.dihedralHashes(decoded.image)
                record.dihedral = hashes
                // The plain hash is computed as the reference computes it (no blur at 64×64).
                record.pdq =
                    decoded.image.width == 64 && decoded.image.height == 64
                    ? pdq.hash(decoded.image) : PDQResult(hash: hashes[0], quality: quality)
            } else if decoded.scaleDenominator > 1 {
                record.pdq = pdq.hash(
                    decoded.image, reducedFromWidth: decoded.sourceWidth, height: decoded.sourceHeight,
                    scale: decoded.scaleDenominator)
            } else {
                record.pdq = pdq.hash(decoded.image)
            }
            if let fullImage, decoded.scaleDenominator == 1 {
                fullImage(decoded.image)
                sawFullImage = true
            }
            decoder.recycle(decoded.image)
        } catch {
            record.error = error.message
            record.errorCode = error.code.rawValue
        }
        return sawFullImage
    }
}

/// Carries the digests back from the concurrent digest job; written once, read after `wait()`.
private final class DigestBox: @unchecked Sendable {
    var value: FileDigests?
}
