import CImageCodecs

/// How to decode: limits, and whether a reduced-resolution decode is acceptable.
public struct DecodeOptions: Sendable, Equatable {
    public var limits: MediaLimits
    /// When set, JPEGs are decoded DCT-scaled (1/2, 1/4 or 1/8) to the smallest size whose
    /// shorter side is still at least this many pixels. `nil` decodes at full resolution.
    public var reducedShortSide: Int?

    public init(limits: MediaLimits = .default, reducedShortSide: Int? = nil) {
        self.limits = limits
        self.reducedShortSide = reducedShortSide
    }
}

/// A decoded still image with the facts about how it was decoded.
public struct DecodedImage: Sendable {
    public let format: MediaFormat
    /// Dimensions declared by the file.
    public let sourceWidth: Int
    public let sourceHeight: Int
    /// The pixels; smaller than the source when decoded DCT-scaled.
    public var image: RGBImage
    /// 1 for a full decode, else the DCT scaling denominator used.
    public let scaleDenominator: Int
}

/// Decodes the still-image formats to 8-bit RGB. Holds per-thread codec state, so
/// use one instance per worker; it is not `Sendable`.
public final class ImageDecoder {
    private var turbo: tjhandle?
    /// A pixel buffer handed back by `recycle(_:)`, reused by the next decode that fits in it
    /// (large buffers are otherwise mapped and zero-faulted afresh by the allocator each time).
    private var spare: [UInt8]?

    public init() {}

    deinit {
        if let turbo { tjDestroy(turbo) }
    }

    /// Sniffs `data` by its magic bytes and decodes it under `options`.
    public func decode(_ data: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(MediaError)
        -> DecodedImage
    {
        guard !data.isEmpty else { throw MediaError(.empty, "file is empty") }
        try options.limits.checkByteCount(data.count)
        let bytes = data.bindMemory(to: UInt8.self)
        guard let format = MediaFormat.sniff(bytes) else {
            throw MediaError(.unknownFormat, "not a recognised image or video format (unknown magic bytes)")
        }
        let buffers = BufferSource(spare.take())
        defer { spare = buffers.unused }
        switch format {
        case .jpeg: return try decodeJPEG(bytes, options: options, buffers: buffers)
        case .png: return try PNGCodec.decode(bytes, limits: options.limits, buffers: buffers)
        case .gif: return try GIFCodec.decode(bytes, limits: options.limits, buffers: buffers)
        case .webp: return try WebPCodec.decode(bytes, limits: options.limits, buffers: buffers)
        case .bmp: return try BMPCodec.decode(bytes, limits: options.limits, buffers: buffers)
        default:
            throw MediaError(
                .unsupportedFormat, "\(format.rawValue) is recognised but not decodable as a still image by this build")
        }
    }

    /// Returns an image's pixel buffer for reuse by the next decode; call when done with it.
    public func recycle(_ image: consuming RGBImage) {
        spare = image.pixels
    }

    /// Convenience for arrays.
    public func decode(_ data: [UInt8], options: DecodeOptions = DecodeOptions()) throws(MediaError) -> DecodedImage {
        let result: Result<DecodedImage, MediaError> = data.withUnsafeBytes { raw in
            Result { () throws(MediaError) in try self.decode(raw, options: options) }
        }
        return try result.get()
    }

    private func decodeJPEG(_ data: UnsafeBufferPointer<UInt8>, options: DecodeOptions, buffers: BufferSource)
        throws(MediaError) -> DecodedImage
    {
        if turbo == nil { turbo = tjInitDecompress() }
        guard let handle = turbo else { throw MediaError(.corrupt, "TurboJPEG could not start") }
        return try JPEGCodec.decode(data, handle: handle, options: options, buffers: buffers)
    }
}

/// Supplies pixel buffers to the codecs: a recycled one when its capacity suffices, else a new one
/// (so a worker keeps one buffer as large as its largest image instead of mapping and
/// zero-faulting a fresh one for every size).
final class BufferSource {
    private(set) var unused: [UInt8]?
    init(_ spare: [UInt8]?) { unused = spare }

    /// Makes a `width`×`height` RGB image whose bytes `fill` writes completely.
    func makeRGBImage(
        width: Int, height: Int, fill: (UnsafeMutablePointer<UInt8>) throws(MediaError) -> Void
    ) throws(MediaError) -> RGBImage {
        let count = width * height * 3
        guard var pixels = unused, pixels.capacity >= count else {
            return try VigilMedia.makeRGBImage(width: width, height: height, fill: fill)
        }
        unused = nil
        // Resized within the buffer's capacity: never reallocated, so the pages stay mapped.
        if pixels.count > count {
            pixels.removeLast(pixels.count - count)
        } else if pixels.count < count {
            pixels.append(contentsOf: repeatElement(0, count: count - pixels.count))
        }
        var failure: MediaError?
        pixels.withUnsafeMutableBufferPointer { buffer in
            do throws(MediaError) { try fill(buffer.baseAddress!) } catch { failure = error }
        }
        if let failure { throw failure }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// Allocates an uninitialised RGB buffer of `width*height*3` bytes and lets `fill` write it.
func makeRGBImage(
    width: Int, height: Int, fill: (UnsafeMutablePointer<UInt8>) throws(MediaError) -> Void
) throws(MediaError) -> RGBImage {
    var failure: MediaError?
    let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
        do throws(MediaError) {
            try fill(buffer.baseAddress!)
            count = width * height * 3
        } catch {
            failure = error
            // Leave initialised bytes defined so the array can be dropped safely.
            buffer.initialize(repeating: 0)
            count = buffer.count
        }
    }
    if let failure { throw failure }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// Reads a big-endian UInt32 at `offset`; the caller has checked the bounds.
@inline(__always) func readBE32(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
    Int(p[offset]) << 24 | Int(p[offset + 1]) << 16 | Int(p[offset + 2]) << 8 | Int(p[offset + 3])
}

/// Reads a little-endian unsigned integer of `size` bytes at `offset`; the caller has checked the bounds.
@inline(__always) func readLE(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int, _ size: Int) -> Int {
    var value = 0
    for i in (0..<size).reversed() { value = value << 8 | Int(p[offset + i]) }
    return value
}
