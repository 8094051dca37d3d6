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
    /// Limits on videos (duration, frame count, decode time).
    public var videoLimits: VideoLimits
    /// vPDQ's sampling interval: one frame hashed per this many seconds.
    public var secondsPerHash: Double

    /// The shorter side kept by `--fast`: large enough that the 64×64 PDQ grid still averages
    /// several source pixels per cell (drift is measured in BENCHMARKS.md).
    public static let defaultFastShortSide = 512

    public init(
        limits: MediaLimits = .default, dihedral: Bool = false, fastShortSide: Int? = nil,
        videoLimits: VideoLimits = .default, secondsPerHash: Double = 1
    ) {
        self.limits = limits
        self.dihedral = dihedral
        self.fastShortSide = fastShortSide
        self.videoLimits = videoLimits
        self.secondsPerHash = secondsPerHash
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

    /// Reads and hashes a file on the calling thread alone: the digests are computed piece by
    /// piece as the file is read (one pass over the bytes, no second thread to wait for), so a
    /// batch of workers never blocks on Dispatch's pool.
    public func hash(path: String) -> HashRecord {
        var record = HashRecord(path: path)
        var stream = FileDigests.Stream()
        let bytes: [UInt8]
        do {
            bytes = try FileInput.read(path, maxBytes: options.limits.maxBytes) { stream.update($0) }
        } catch {
            record.error = error.message
            record.errorCode = error.code.rawValue
            return record
        }
        record.digests = stream.finalize()
        hashContent(bytes, into: &record, fullImage: nil)
        return record
    }

    /// Hashes in-memory bytes into `record` (its path is left as given). `fullImage`, when given,
    /// also sees the decoded image if it was decoded at full resolution (so other readers need
    /// not decode again); returns whether it did.
    ///
    /// Digests run beside decoding and PDQ on Dispatch's global pool (lower latency for one
    /// request); callers must not run this on that pool's threads themselves (the service runs it
    /// on NIO's thread pool). Batch callers with a worker per core use `hash(path:)` instead.
    @discardableResult
    public func hash(bytes: [UInt8], into record: inout HashRecord, fullImage: ((RGBImage) -> Void)? = nil) -> Bool {
        let digestBox = DigestBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { digestBox.value = FileDigests(of: bytes) }
        defer {
            group.wait()
            record.digests = digestBox.value
        }
        return hashContent(bytes, into: &record, fullImage: fullImage)
    }

    /// Hashes in-memory bytes on the calling thread only, digests included.
    public func hashInline(bytes: [UInt8], into record: inout HashRecord) {
        record.digests = FileDigests(of: bytes)
        hashContent(bytes, into: &record, fullImage: nil)
    }

    /// Everything but the digests: sniffing, decoding, PDQ (and vPDQ).
    @discardableResult
    private func hashContent(_ bytes: [UInt8], into record: inout HashRecord, fullImage: ((RGBImage) -> Void)?) -> Bool {
        var sawFullImage = false
        record.format = MediaFormat.sniff(bytes)
        if let format = record.format, format.isVideo {
            hashVideo(bytes, into: &record)
            return false
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
        if record.format == .gif, record.error == nil {
            // An animated GIF also gets vPDQ; a failure there leaves the still-image hash alone.
            var animated = record
            hashVideo(bytes, into: &animated)
            if let frames = animated.vpdq, (animated.videoFrameCount ?? 0) > 1 {
                record.vpdq = frames
            }
        }
        return sawFullImage
    }

    /// Decodes a video through FFmpeg and computes vPDQ (PDQ of one frame per `secondsPerHash`).
    private func hashVideo(_ bytes: [UInt8], into record: inout HashRecord) {
        do {
            let video = try VideoFrames(bytes, limits: options.limits, videoLimits: options.videoLimits)
            record.width = video.info.width
            record.height = video.info.height
            let (features, decoded) = try VPDQ.hashCounting(video, secondsPerHash: options.secondsPerHash)
            record.vpdq = features
            record.videoFrameCount = decoded
        } catch {
            record.error = error.message
            record.errorCode = error.code.rawValue
        }
    }
}

/// Carries the digests back from the concurrent digest job; written once, read after `wait()`.
private final class DigestBox: @unchecked Sendable {
    var value: FileDigests?
}
