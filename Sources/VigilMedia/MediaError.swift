/// The one error type of `VigilMedia`: a stable code, a message fit for a person
/// (never containing media content), and an optional underlying cause.
public struct MediaError: Error, Sendable, CustomStringConvertible {
    /// An extensible error code; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be opened or read.
        public static let unreadable = Code("unreadable")
        /// The input is empty.
        public static let empty = Code("empty")
        /// The bytes are not a format Vigil recognises.
        public static let unknownFormat = Code("unknown_format")
        /// A recognised format that this build cannot decode (yet).
        public static let unsupportedFormat = Code("unsupported_format")
        /// The input exceeds the byte limit.
        public static let tooLarge = Code("too_large")
        /// The declared image exceeds the pixel limit (a decompression bomb or an absurd size).
        public static let tooManyPixels = Code("too_many_pixels")
        /// The data is damaged, truncated or inconsistent.
        public static let corrupt = Code("corrupt")
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
