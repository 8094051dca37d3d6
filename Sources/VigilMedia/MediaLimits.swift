/// Resource limits checked before any large allocation.
public struct MediaLimits: Sendable, Equatable {
    /// The largest input accepted, in bytes.
    public var maxBytes: Int
    /// The largest decoded image accepted, in pixels (width × height).
    public var maxPixels: Int
    /// The largest single side accepted, in pixels.
    public var maxDimension: Int

    public init(maxBytes: Int = 512 << 20, maxPixels: Int = 100_000_000, maxDimension: Int = 65_535) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
    }

    public static let `default` = MediaLimits()

    /// Throws unless a `width`×`height` image fits these limits.
    public func checkDimensions(width: Int, height: Int, format: MediaFormat) throws(MediaError) {
        guard width > 0, height > 0 else {
            throw MediaError(.corrupt, "\(format.rawValue) header declares an empty image (\(width)×\(height))")
        }
        guard width <= maxDimension, height <= maxDimension else {
            throw MediaError(
                .tooManyPixels,
                "\(format.rawValue) declares \(width)×\(height), over the \(maxDimension)-pixel side limit")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw MediaError(
                .tooManyPixels,
                "\(format.rawValue) declares \(width)×\(height) = \(width * height) pixels, over the limit of \(maxPixels)")
        }
    }

    /// Throws unless `count` bytes fit the byte limit.
    public func checkByteCount(_ count: Int) throws(MediaError) {
        guard count <= maxBytes else {
            throw MediaError(.tooLarge, "input is \(count) bytes, over the limit of \(maxBytes)")
        }
    }
}
