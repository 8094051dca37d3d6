/// The one error type of `VigilWatermark`: a stable code, a message fit for a person (never
/// containing media content), and an optional underlying cause.
public struct WatermarkError: Error, Sendable, CustomStringConvertible {
    /// An extensible error code; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The image has fewer pixels than the reference decoder accepts (width × height < 256 × 256).
        public static let imageTooSmall = Code("image_too_small")
        /// A requested watermark length is out of range.
        public static let invalidLength = Code("invalid_length")
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
